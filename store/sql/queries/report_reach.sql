-- params: 'oas-online-2026', 1790000000, 1790600000, '', '', 'search', 'search', '', '', '', '', 'fr', 'fr', [1790000000, 1790300000], [1790300000, 1790600000]
-- Distinct clients with an engagement event (the uniqCombined sketches
-- merged over the slice), by breakdown key and time bucket. Same key span,
-- narrowing pairs and buckets as report_engagement.sql; the sketches are
-- merged per hour first, then per bucket.
SELECT
    bucket,
    key,
    uniqCombinedMerge(r) AS reach
FROM
(
    SELECT
        hour,
        /*key*/[segment, channel, '', region, language]/*end*/ AS key,
        uniqCombinedMergeState(reach) AS r
    FROM engagement_hourly
    WHERE campaign_id = ?
        AND hour >= toDateTime(?) AND hour < toDateTime(?)
        AND (? = '' OR segment = ?)
        AND (? = '' OR channel = ?)
        AND (? = '' OR '' = ?)
        AND (? = '' OR region = ?)
        AND (? = '' OR language = ?)
    GROUP BY hour, key
)
ARRAY JOIN ? AS bucket, ? AS bucket_end
WHERE toUInt32(hour) >= bucket AND toUInt32(hour) < bucket_end
GROUP BY bucket, key
