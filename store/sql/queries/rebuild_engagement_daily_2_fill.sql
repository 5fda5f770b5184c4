-- params: cmp_check_staging_engagement_daily, events, 197001
-- One month of the daily engagement tier recomputed from the ledger: the
-- rows of migration 0015's five views (the whole campaign, then one
-- dimension each), restricted to the month, in one pass.
INSERT INTO ? (month, day, campaign_id, grouping, segment, channel, region, language, action, tally, units, spend_cents)
SELECT
    toYYYYMM(event_time) AS month,
    toDateTime(toStartOfDay(event_time, 'America/Toronto')) AS day,
    campaign_id,
    arrayJoin([0, 1, 2, 8, 16]) AS grouping,
    if(bitTest(grouping, 0), e.segment, '') AS segment,
    if(bitTest(grouping, 1), e.channel, '') AS channel,
    if(bitTest(grouping, 3), e.region, '') AS region,
    if(bitTest(grouping, 4), e.language, '') AS language,
    action,
    count() AS tally,
    sum(count) AS units,
    sum(cost_cents) AS spend_cents
FROM ? AS e
WHERE kind = 'engagement' AND toYYYYMM(event_time) = ?
GROUP BY month, day, campaign_id, grouping, segment, channel, region, language, action
