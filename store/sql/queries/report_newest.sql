-- params: 'oas-online-2026', 1790000000, 1790600000, 'oas', 'oas-online-2026', 1790000000, 1790600000, 'oas', 1790000000, 1790600000
-- The start of the newest UTC hour in [from, to) with a campaign's
-- engagement or uptake, or its program's completed uptake, from the hourly
-- rollups (0 when none): a report read from the daily tier knows only its
-- newest day, and asks this over that day alone.
SELECT toUInt32(max(newest)) FROM (
    SELECT max(toUInt32(hour)) AS newest FROM engagement_hourly
    WHERE campaign_id = ? AND hour >= toDateTime(?) AND hour < toDateTime(?)
    UNION ALL
    SELECT max(toUInt32(hour)) AS newest FROM uptake_hourly
    WHERE program = ? AND campaign_id = ? AND hour >= toDateTime(?) AND hour < toDateTime(?)
    UNION ALL
    SELECT max(toUInt32(hour)) AS newest FROM uptake_hourly
    WHERE program = ? AND stage = 'completed' AND hour >= toDateTime(?) AND hour < toDateTime(?)
)
