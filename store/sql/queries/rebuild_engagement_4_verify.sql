-- params: 197001, 197001
-- Events counted by the engagement rollup for a month, then events of the
-- ledger for that month (a rebuild is good when they are equal).
SELECT
    (SELECT countMerge(events) FROM engagement_hourly WHERE toYYYYMM(hour) = ?) AS rolled_up,
    (SELECT count() FROM events WHERE kind = 'engagement' AND toYYYYMM(event_time) = ?) AS stored
