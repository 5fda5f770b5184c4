-- params: cmp_check_staging_uptake_daily, events, 197001
-- One month of the daily uptake tier recomputed from the ledger: the rows
-- of migration 0015's four views (the whole campaign, then one of segment,
-- region, language each), restricted to the month, in one pass.
INSERT INTO ? (month, day, program, campaign_id, grouping, service_channel, stage, segment, region, language, tally)
SELECT
    toYYYYMM(event_time) AS month,
    toDateTime(toStartOfDay(event_time, 'America/Toronto')) AS day,
    program,
    campaign_id,
    arrayJoin([0, 1, 8, 16]) AS grouping,
    service_channel,
    stage,
    if(bitTest(grouping, 0), e.segment, '') AS segment,
    if(bitTest(grouping, 3), e.region, '') AS region,
    if(bitTest(grouping, 4), e.language, '') AS language,
    count() AS tally
FROM ? AS e
WHERE kind = 'uptake' AND toYYYYMM(event_time) = ?
GROUP BY month, day, program, campaign_id, grouping, service_channel, stage, segment, region, language
