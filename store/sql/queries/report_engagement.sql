-- params: 'America/Toronto', 'oas-online-2026', 1790000000, 1790600000, 'seniors', 'QC'
-- Engagement sums of one campaign over the UTC instants [from, to), by
-- time bucket, breakdown key and action. The key span between the key and
-- end markers is rebuilt at run time from a whitelist
-- (report/src/slice.rs): the breakdown columns in Dimension
-- order, with '' for service_channel, which engagement lacks. The
-- narrowing span likewise: one condition per narrowed dimension, its
-- column equal to the bound value; nothing for none.
-- Buckets: the span between the bucket and end markers is rebuilt at run
-- time from a whitelist (report/src/buckets.rs): toUInt32(0)
-- for one bucket over the whole range, else the first instant of the hour,
-- day or week holding the row's hour in the reporting time zone `tz`
-- (bound), as UTC seconds. This file is one instance of it.
WITH ? AS tz
SELECT
    /*bucket*/toUInt32(toStartOfDay(hour, tz))/*end*/ AS bucket,
    /*key*/[segment, channel, '', region, language]/*end*/ AS key,
    action,
    sumMerge(count) AS count,
    sumMerge(cost_cents) AS cost_cents,
    max(toUInt32(hour)) AS newest
FROM engagement_hourly
WHERE campaign_id = ?
    AND hour >= toDateTime(?) AND hour < toDateTime(?)
    /*narrow*/AND segment = ? AND region = ?/*end*/
GROUP BY bucket, key, action
