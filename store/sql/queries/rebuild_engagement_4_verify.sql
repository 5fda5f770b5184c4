-- params: engagement_hourly, 197001, events, 197001
-- Events counted by the engagement rollup for a month, then events of the
-- ledger for that month (a rebuild is good when they are equal); the
-- single-node tables, or a shard's local ones read on one of its nodes.
SELECT
    (SELECT countMerge(events) FROM ? WHERE toYYYYMM(hour) = ?) AS rolled_up,
    (SELECT count() FROM ? WHERE kind = 'engagement' AND toYYYYMM(event_time) = ?) AS stored
