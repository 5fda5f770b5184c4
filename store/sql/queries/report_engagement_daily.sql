-- params: 'America/Toronto', 'oas-online-2026', 1, 1790000000, 1790600000, 'seniors'
-- report_engagement.sql on the daily tier (migration 0015): the engagement
-- sums of one campaign over the local days starting in [from, to), read
-- from the rows of one grouping (bound: the dimensions the breakdown and
-- the narrowing use, report/src/tier.rs). `newest` is the newest day's
-- first instant.
-- Buckets and keys: the spans are rebuilt at run time from the whitelists
-- (report/src/buckets.rs, slice.rs) as in the hourly queries; a row's
-- `hour` is its day's first instant.
WITH ? AS tz, day AS hour
SELECT
    /*bucket*/toUInt32(toStartOfDay(hour, tz))/*end*/ AS bucket,
    /*key*/[segment]/*end*/ AS key,
    action,
    sum(units) AS count,
    sum(spend_cents) AS cost_cents,
    max(toUInt32(day)) AS newest
FROM engagement_daily
WHERE campaign_id = ? AND grouping = ?
    AND day >= toDateTime(?) AND day < toDateTime(?)
    /*narrow*/AND segment = ?/*end*/
GROUP BY bucket, key, action
