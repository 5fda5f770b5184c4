-- Hourly rollups of the ledger, kept current by materialized views on every
-- INSERT into `events` (so they are exact whenever the ledger is), and
-- rebuilt month by month from `events` by `cmp-aggregator rebuild`.
-- `hour` is the UTC hour the event happened in: late events land where they belong.
-- `reach` is a uniqCombined sketch of pseudonymised clients (events without one are left out).
CREATE TABLE IF NOT EXISTS engagement_hourly
(
    hour DateTime,
    campaign_id String,
    segment String,
    channel String,
    action String,
    region String,
    language String,
    events AggregateFunction(count),
    count AggregateFunction(sum, UInt32),
    cost_cents AggregateFunction(sum, UInt64),
    reach AggregateFunction(uniqCombined, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (campaign_id, hour, segment, channel, action, region, language);

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

CREATE TABLE IF NOT EXISTS uptake_hourly
(
    hour DateTime,
    program String,
    service_channel String,
    stage String,
    campaign_id String,
    segment String,
    region String,
    language String,
    events AggregateFunction(count),
    reach AggregateFunction(uniqCombined, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (program, campaign_id, hour, service_channel, stage, segment, region, language);

CREATE MATERIALIZED VIEW IF NOT EXISTS uptake_hourly_mv TO uptake_hourly AS
SELECT
    toStartOfHour(event_time) AS hour,
    program, service_channel, stage, campaign_id, segment, region, language,
    countState() AS events,
    uniqCombinedStateIf(client_hash, client_hash != '') AS reach
FROM events
WHERE kind = 'uptake'
GROUP BY hour, program, service_channel, stage, campaign_id, segment, region, language;
