-- params: program_daily, 197001, events, 197001
-- The local days of a month whose completed uptake the daily program tier
-- (each grouping counts every event once) and four times the ledger's
-- completed uptake events count differently.
-- One row per slice (hour, or local day) whose counts differ: a rebuild is
-- good when none is left; the drift check calls a slice drifted when it
-- differs alike in checks seconds apart (an INSERT caught between the
-- ledger and its views has moved on by then).
SELECT slice, sum(rolled) AS rolled_up, sum(held) AS stored
FROM (
    SELECT toUInt32(day) AS slice, sum(tally) AS rolled, toUInt64(0) AS held
    FROM ? WHERE month = ? GROUP BY slice
    UNION ALL
    SELECT toUInt32(toStartOfDay(event_time, 'America/Toronto')) AS slice, toUInt64(0) AS rolled, 4 * count() AS held
    FROM ? WHERE kind = 'uptake' AND stage = 'completed' AND toYYYYMM(event_time) = ? GROUP BY slice
)
GROUP BY slice
HAVING rolled_up != stored
ORDER BY slice
