-- params: cmp_check_staging_reach_daily, events, 197001
-- One month of the daily reach tier recomputed from the ledger: the rows of
-- migration 0015's three views (the whole campaign, per segment, per
-- region),
-- restricted to the month, in one pass.
INSERT INTO ? (month, day, campaign_id, grouping, segment, region, reach)
SELECT
    toYYYYMM(event_time) AS month,
    toDateTime(toStartOfDay(event_time, 'America/Toronto')) AS day,
    campaign_id,
    arrayJoin([0, 1, 8]) AS grouping,
    if(bitTest(grouping, 0), e.segment, '') AS segment,
    if(bitTest(grouping, 3), e.region, '') AS region,
    uniqCombinedState(client_hash) AS reach
FROM ? AS e
WHERE kind = 'engagement' AND client_hash != '' AND toYYYYMM(event_time) = ?
GROUP BY month, day, campaign_id, grouping, segment, region
