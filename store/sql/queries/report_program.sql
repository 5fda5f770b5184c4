-- params: 'America/St_Johns', 'oas', 1790000000, 1790600000, 'ON'
-- Completed uptake of a program through any service channel, attributed
-- to any campaign or to none, by time bucket, breakdown key and whether it
-- came through `online`. Same bucket span, key span and narrowing span as
-- report_uptake.sql.
WITH ? AS tz
SELECT
    /*bucket*/toUInt32(toStartOfHour(hour, tz))/*end*/ AS bucket,
    /*key*/[segment, '', service_channel, region, language]/*end*/ AS key,
    toUInt8(service_channel = 'online') AS online,
    countMerge(events) AS events,
    max(toUInt32(hour)) AS newest
FROM uptake_hourly
WHERE program = ? AND stage = 'completed'
    AND hour >= toDateTime(?) AND hour < toDateTime(?)
    /*narrow*/AND region = ?/*end*/
GROUP BY bucket, key, online
