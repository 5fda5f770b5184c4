-- params: variant_hourly, 197001, events, 197001
-- The hours of a month whose events the message test's rollup and the
-- ledger (engagement events with a variant) count differently.
-- One row per slice (hour, or local day) whose counts differ: a rebuild is
-- good when none is left; the drift check calls a slice drifted when it
-- differs alike in checks seconds apart (an INSERT caught between the
-- ledger and its views has moved on by then).
SELECT slice, sum(rolled) AS rolled_up, sum(held) AS stored
FROM (
    SELECT toUInt32(hour) AS slice, countMerge(events) AS rolled, toUInt64(0) AS held
    FROM ? WHERE toYYYYMM(hour) = ? GROUP BY slice
    UNION ALL
    SELECT toUInt32(toStartOfHour(event_time)) AS slice, toUInt64(0) AS rolled, count() AS held
    FROM ?
        WHERE kind = 'engagement' AND variant != '' AND toYYYYMM(event_time) = ?
        GROUP BY slice
)
GROUP BY slice
HAVING rolled_up != stored
ORDER BY slice
