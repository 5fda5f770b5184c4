-- params: 'America/Toronto', 'oas-online-2026', 1790000000, 1790600000, 'search', 'fr'
-- Distinct clients with an engagement event (the uniqCombined sketches
-- merged over the slice), by time bucket and breakdown key. Same key span
-- and narrowing span as report_engagement.sql.
-- Buckets: the span between the bucket and end markers is rebuilt at run
-- time from a whitelist (report/src/buckets.rs): toUInt32(0)
-- for one bucket over the whole range, else the first instant of the hour,
-- day or week holding the row's hour in the reporting time zone `tz`
-- (bound), as UTC seconds. This file is one instance of it.
WITH ? AS tz
SELECT
    /*bucket*/toUInt32(toDateTime(toMonday(hour, tz), tz))/*end*/ AS bucket,
    /*key*/[segment, channel, '', region, language]/*end*/ AS key,
    uniqCombinedMerge(reach) AS reach
FROM engagement_hourly
WHERE campaign_id = ?
    AND hour >= toDateTime(?) AND hour < toDateTime(?)
    /*narrow*/AND channel = ? AND language = ?/*end*/
GROUP BY bucket, key
