-- params: variant_hourly, 197001, events, 197001
-- Events counted by the message test's rollup for a month, then the
-- ledger's engagement events with a variant for that month.
SELECT
    (SELECT countMerge(events) FROM ? WHERE toYYYYMM(hour) = ?) AS rolled_up,
    (SELECT count() FROM ?
        WHERE kind = 'engagement' AND variant != '' AND toYYYYMM(event_time) = ?) AS stored
