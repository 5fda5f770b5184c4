-- params: 'oas-online-2026', 1790000000, 1790600000, '', '', '', '', 'online', 'online', '', '', '', '', [1790000000], [1790600000]
-- Uptake events attributed to one campaign, by breakdown key, stage and
-- time bucket. Same key span (with '' for channel, which uptake lacks),
-- narrowing pairs and buckets as report_engagement.sql.
SELECT
    bucket,
    key,
    stage,
    sum(n) AS events,
    max(toUInt32(hour)) AS newest
FROM
(
    SELECT
        hour,
        /*key*/[segment, '', service_channel, region, language]/*end*/ AS key,
        stage,
        countMerge(events) AS n
    FROM uptake_hourly
    WHERE campaign_id = ?
        AND hour >= toDateTime(?) AND hour < toDateTime(?)
        AND (? = '' OR segment = ?)
        AND (? = '' OR '' = ?)
        AND (? = '' OR service_channel = ?)
        AND (? = '' OR region = ?)
        AND (? = '' OR language = ?)
    GROUP BY hour, key, stage
)
ARRAY JOIN ? AS bucket, ? AS bucket_end
WHERE toUInt32(hour) >= bucket AND toUInt32(hour) < bucket_end
GROUP BY bucket, key, stage
