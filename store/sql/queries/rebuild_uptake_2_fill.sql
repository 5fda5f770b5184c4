-- params: cmp_check_staging_uptake, events, 197001
-- One month of the uptake rollup recomputed from the ledger (the single-node
-- table, or a shard's local one): the SELECT of uptake_hourly_mv (migration
-- 0006), restricted to the month.
INSERT INTO ? (hour, program, service_channel, stage, campaign_id, segment, region, language, events, reach)
SELECT
    toStartOfHour(event_time) AS hour,
    program, service_channel, stage, campaign_id, segment, region, language,
    countState() AS events,
    uniqCombinedStateIf(client_hash, client_hash != '') AS reach
FROM ?
WHERE kind = 'uptake' AND toYYYYMM(event_time) = ?
GROUP BY hour, program, service_channel, stage, campaign_id, segment, region, language
