-- The alternative a user would pick instead of cmp-ingest: ClickHouse's own
-- Kafka table engine and materialized views into rollups of the same shape
-- as engagement_hourly / uptake_hourly (store/sql/migrations/0003_rollups.sql).
-- Used only by deploy/bench/pipeline.sh, against ClickHouse 18.16 (the Kafka
-- engine's DDL differs on current releases), one database per run.
-- Placeholders filled by the script (not user input): @DB@, @BROKERS@,
-- @TOPIC_ENGAGEMENT@, @TOPIC_UPTAKE@, @GROUP@ (a consumer group per table: one
-- group over two topics in two tables would rebalance them against each other).
-- It does what the engine can do alone: parse JSON, skip unknown fields,
-- default absent ones; no dedup, no DLQ, no pseudonymisation (reach counts
-- the clear client_id), no refusal beyond rows JSONEachRow cannot parse.
CREATE DATABASE @DB@;

CREATE TABLE @DB@.engagement_queue
(
    event_id String,
    event_time String,
    campaign_id String,
    channel String,
    action String,
    count UInt32,
    cost_cents UInt64,
    segment String,
    region String,
    language String,
    client_id String
)
ENGINE = Kafka('@BROKERS@', '@TOPIC_ENGAGEMENT@', '@GROUP@_engagement', 'JSONEachRow', '\n');

CREATE TABLE @DB@.uptake_queue
(
    event_id String,
    event_time String,
    program String,
    service_channel String,
    stage String,
    campaign_id Nullable(String),
    segment String,
    region String,
    language String,
    client_id String
)
ENGINE = Kafka('@BROKERS@', '@TOPIC_UPTAKE@', '@GROUP@_uptake', 'JSONEachRow', '\n');

CREATE TABLE @DB@.engagement_hourly
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

CREATE TABLE @DB@.uptake_hourly
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

CREATE MATERIALIZED VIEW @DB@.engagement_hourly_mv TO @DB@.engagement_hourly AS
SELECT
    toStartOfHour(parseDateTimeBestEffort(event_time)) AS hour,
    campaign_id,
    if(segment = '', 'unspecified', lower(segment)) AS segment,
    channel, action,
    if(region = '', 'XX', upper(region)) AS region,
    if(language = '', 'und', lower(language)) AS language,
    countState() AS events,
    sumState(if(count = 0, toUInt32(1), count)) AS count,
    sumState(cost_cents) AS cost_cents,
    uniqCombinedStateIf(client_id, client_id != '') AS reach
FROM @DB@.engagement_queue
GROUP BY hour, campaign_id, segment, channel, action, region, language;

CREATE MATERIALIZED VIEW @DB@.uptake_hourly_mv TO @DB@.uptake_hourly AS
SELECT
    toStartOfHour(parseDateTimeBestEffort(event_time)) AS hour,
    program, service_channel, stage,
    ifNull(campaign_id, '') AS campaign_id,
    if(segment = '', 'unspecified', lower(segment)) AS segment,
    if(region = '', 'XX', upper(region)) AS region,
    if(language = '', 'und', lower(language)) AS language,
    countState() AS events,
    uniqCombinedStateIf(client_id, client_id != '') AS reach
FROM @DB@.uptake_queue
GROUP BY hour, program, service_channel, stage, campaign_id, segment, region, language;
