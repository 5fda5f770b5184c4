-- params: 'America/Toronto', 'oas-online-2026', 8, 1790000000, 1790600000, 'QC'
-- report_reach.sql on the daily tier (migration 0015): the engagement
-- clients' sketches of one campaign merged over the local days starting in
-- [from, to), from the rows of one grouping (bound: the whole campaign,
-- per segment or per region). Channel and language are not kept.
-- Buckets and keys: the spans are rebuilt at run time from the whitelists
-- (report/src/buckets.rs, slice.rs) as in the hourly queries; a row's
-- `hour` is its day's first instant.
WITH ? AS tz, day AS hour
SELECT
    /*bucket*/toUInt32(toDateTime(toMonday(hour, tz), tz))/*end*/ AS bucket,
    /*key*/emptyArrayString()/*end*/ AS key,
    uniqCombinedMerge(reach) AS reach
FROM reach_daily
WHERE campaign_id = ? AND grouping = ?
    AND day >= toDateTime(?) AND day < toDateTime(?)
    /*narrow*/AND region = ?/*end*/
GROUP BY bucket, key
