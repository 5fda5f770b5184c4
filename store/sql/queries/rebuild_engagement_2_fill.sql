-- params: cmp_check_staging_engagement, events, 197001
-- One month of the engagement rollup recomputed from the ledger (the
-- single-node table, or a shard's local one): the SELECT of
-- engagement_hourly_mv (migration 0006), restricted to the month.
INSERT INTO ? (hour, campaign_id, segment, channel, action, region, language, events, count, cost_cents, reach)
SELECT
    toStartOfHour(event_time) AS hour,
    campaign_id, segment, channel, action, region, language,
    countState() AS events,
    sumState(count) AS count,
    sumState(cost_cents) AS cost_cents,
    uniqCombinedStateIf(client_hash, client_hash != '') AS reach
FROM ?
WHERE kind = 'engagement' AND toYYYYMM(event_time) = ?
GROUP BY hour, campaign_id, segment, channel, action, region, language
