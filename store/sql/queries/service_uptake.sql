-- params: 'America/Toronto', 'oas', 'oas', 1790000000, 1790600000
-- Uptake events of one program ('': every program) by service channel,
-- local day of the reporting time zone `tz` (its first instant, UTC
-- seconds) and stage, attributed to a campaign or not, in the UTC hours
-- [start, end): the channel-shift route and the Service Inventory export
-- (a non-admin's counts are sums of daily atoms, docs/privacy.md).
WITH ? AS tz
SELECT
    program,
    service_channel,
    toUInt32(toStartOfDay(hour, tz)) AS day,
    stage,
    countMerge(events) AS events
FROM uptake_hourly
WHERE (? = '' OR program = ?)
    AND hour >= toDateTime(?) AND hour < toDateTime(?)
GROUP BY program, service_channel, day, stage
ORDER BY program, service_channel, day, stage
