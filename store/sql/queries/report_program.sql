-- params: 'oas', 1790000000, 1790600000, '', '', '', '', '', '', 'ON', 'ON', '', '', [1790000000], [1790600000]
-- Completed uptake of a program through any service channel, attributed
-- to any campaign or to none, by breakdown key, whether it came through
-- `online`, and time bucket. Same key span, narrowing pairs and buckets as
-- report_uptake.sql.
SELECT
    bucket,
    key,
    online,
    sum(n) AS events,
    max(toUInt32(hour)) AS newest
FROM
(
    SELECT
        hour,
        /*key*/[segment, '', service_channel, region, language]/*end*/ AS key,
        toUInt8(service_channel = 'online') AS online,
        countMerge(events) AS n
    FROM uptake_hourly
    WHERE program = ? AND stage = 'completed'
        AND hour >= toDateTime(?) AND hour < toDateTime(?)
        AND (? = '' OR segment = ?)
        AND (? = '' OR '' = ?)
        AND (? = '' OR service_channel = ?)
        AND (? = '' OR region = ?)
        AND (? = '' OR language = ?)
    GROUP BY hour, key, online
)
ARRAY JOIN ? AS bucket, ? AS bucket_end
WHERE toUInt32(hour) >= bucket AND toUInt32(hour) < bucket_end
GROUP BY bucket, key, online
