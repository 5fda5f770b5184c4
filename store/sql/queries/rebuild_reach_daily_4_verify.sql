-- params: reach_daily, 197001, events, 197001
-- The local days of a month whose whole-campaign reach differs: the daily
-- tier's sketches, each read as its count and summed per day, then the same
-- sum counted from the ledger's engagement events per campaign and day (a
-- sketch's count depends only on the clients it holds, however its states
-- were merged). It reads the month's client column, unlike the other
-- checks, which count rows.
-- One row per slice (hour, or local day) whose counts differ: a rebuild is
-- good when none is left; the drift check calls a slice drifted when it
-- differs alike in checks seconds apart (an INSERT caught between the
-- ledger and its views has moved on by then).
SELECT slice, sum(rolled) AS rolled_up, sum(held) AS stored
FROM (
    SELECT slice, sum(r) AS rolled, toUInt64(0) AS held FROM (
        SELECT toUInt32(day) AS slice, uniqCombinedMerge(reach) AS r
        FROM ? WHERE month = ? AND grouping = 0
        GROUP BY campaign_id, slice
    ) GROUP BY slice
    UNION ALL
    SELECT slice, toUInt64(0) AS rolled, sum(r) AS held FROM (
        SELECT toUInt32(toStartOfDay(event_time, 'America/Toronto')) AS slice, uniqCombined(client_hash) AS r
        FROM ? WHERE kind = 'engagement' AND client_hash != '' AND toYYYYMM(event_time) = ?
        GROUP BY campaign_id, slice
    ) GROUP BY slice
)
GROUP BY slice
HAVING rolled_up != stored
ORDER BY slice
