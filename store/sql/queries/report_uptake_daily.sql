-- params: 'America/Toronto', 'oas-online-2026', 8, 1790000000, 1790600000, 'QC'
-- report_uptake.sql on the daily tier (migration 0015): one campaign's
-- uptake events, whatever their program, by stage over the local days
-- starting in [from, to), from the rows of one grouping. The table is
-- sorted by campaign, grouping and day (migration 0016): the query reads
-- the campaign's own granules. `newest` is the newest day's first instant.
-- Buckets and keys: the spans are rebuilt at run time from the whitelists
-- (report/src/buckets.rs, slice.rs) as in the hourly queries; a row's
-- `hour` is its day's first instant.
WITH ? AS tz, day AS hour
SELECT
    /*bucket*/toUInt32(0)/*end*/ AS bucket,
    /*key*/[service_channel, region]/*end*/ AS key,
    stage,
    sum(tally) AS events,
    max(toUInt32(day)) AS newest
FROM uptake_daily
WHERE campaign_id = ? AND grouping = ?
    AND day >= toDateTime(?) AND day < toDateTime(?)
    /*narrow*/AND region = ?/*end*/
GROUP BY bucket, key, stage
