-- params: 'oas-online-2026', 1790000000, 1790600000, 'seniors', 'seniors', '', '', '', '', 'QC', 'QC', '', '', [1790000000, 1790300000], [1790300000, 1790600000]
-- Engagement sums of one campaign over the UTC instants [from, to), by
-- breakdown key, action and time bucket. Rebuilt at run time from a
-- whitelist (aggregator/src/report/slice.rs): the span between the key and
-- end markers, the breakdown columns in Dimension order, with '' for
-- service_channel, which engagement lacks. This file is one instance of it.
-- Each narrowing is a pair of the same bound value: '' = no narrowing.
-- Buckets are the bound arrays of bucket starts and ends (seconds), made
-- by the caller in the reporting time zone; rows are summed per hour first
-- so the bucket join sees few rows.
SELECT
    bucket,
    key,
    action,
    sum(n) AS count,
    sum(cost) AS cost_cents,
    max(toUInt32(hour)) AS newest
FROM
(
    SELECT
        hour,
        /*key*/[segment, channel, '', region, language]/*end*/ AS key,
        action,
        sumMerge(count) AS n,
        sumMerge(cost_cents) AS cost
    FROM engagement_hourly
    WHERE campaign_id = ?
        AND hour >= toDateTime(?) AND hour < toDateTime(?)
        AND (? = '' OR segment = ?)
        AND (? = '' OR channel = ?)
        AND (? = '' OR '' = ?)
        AND (? = '' OR region = ?)
        AND (? = '' OR language = ?)
    GROUP BY hour, key, action
)
ARRAY JOIN ? AS bucket, ? AS bucket_end
WHERE toUInt32(hour) >= bucket AND toUInt32(hour) < bucket_end
GROUP BY bucket, key, action
