-- The rollups' materialized views again, on the ledger 0005 put in place (a
-- view reads the table it was created on). The same views as 0003; where
-- they exist (0005 had nothing to do) this changes nothing.
CREATE MATERIALIZED VIEW IF NOT EXISTS engagement_hourly_mv TO engagement_hourly AS
SELECT
    toStartOfHour(event_time) AS hour,
    campaign_id, segment, channel, action, region, language,
    countState() AS events,
    sumState(count) AS count,
    sumState(cost_cents) AS cost_cents,
    uniqCombinedStateIf(client_hash, client_hash != '') AS reach
FROM events
WHERE kind = 'engagement'
GROUP BY hour, campaign_id, segment, channel, action, region, language;

CREATE MATERIALIZED VIEW IF NOT EXISTS uptake_hourly_mv TO uptake_hourly AS
SELECT
    toStartOfHour(event_time) AS hour,
    program, service_channel, stage, campaign_id, segment, region, language,
    countState() AS events,
    uniqCombinedStateIf(client_hash, client_hash != '') AS reach
FROM events
WHERE kind = 'uptake'
GROUP BY hour, program, service_channel, stage, campaign_id, segment, region, language;
