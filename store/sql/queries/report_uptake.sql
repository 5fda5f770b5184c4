-- params: 'America/Toronto', 'oas-online-2026', 1790000000, 1790600000, 'online'
-- Uptake events attributed to one campaign, by time bucket, breakdown key
-- and stage. Same bucket span, key span (with '' for channel, which uptake
-- lacks) and narrowing span as report_engagement.sql.
WITH ? AS tz
SELECT
    /*bucket*/toUInt32(0)/*end*/ AS bucket,
    /*key*/[segment, '', service_channel, region, language]/*end*/ AS key,
    stage,
    countMerge(events) AS events,
    max(toUInt32(hour)) AS newest
FROM uptake_hourly
WHERE campaign_id = ?
    AND hour >= toDateTime(?) AND hour < toDateTime(?)
    /*narrow*/AND service_channel = ?/*end*/
GROUP BY bucket, key, stage
