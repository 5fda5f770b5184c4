-- params: 'America/Toronto', 'oas', 16, 1790000000, 1790600000, 'fr'
-- report_program.sql on the daily tier (`program_daily`, migration 0016):
-- a program's completed uptake, whatever its campaign, over the local days
-- starting in [from, to), from the rows of one grouping, and the part of it
-- online.
-- `newest` is the newest day's first instant.
-- Buckets and keys: the spans are rebuilt at run time from the whitelists
-- (report/src/buckets.rs, slice.rs) as in the hourly queries; a row's
-- `hour` is its day's first instant.
WITH ? AS tz, day AS hour
SELECT
    /*bucket*/toUInt32(toStartOfDay(hour, tz))/*end*/ AS bucket,
    /*key*/[service_channel, language]/*end*/ AS key,
    toUInt8(service_channel = 'online') AS online,
    sum(tally) AS events,
    max(toUInt32(day)) AS newest
FROM program_daily
WHERE program = ? AND grouping = ?
    AND day >= toDateTime(?) AND day < toDateTime(?)
    /*narrow*/AND language = ?/*end*/
GROUP BY bucket, key, online
