-- The pipeline's schema on a replicated, sharded ClickHouse cluster (18.16 or
-- newer, ClickHouse Keeper or ZooKeeper, macros {cluster} {shard} {replica}
-- on every node: see config.d/cluster.xml). Apply once, before
-- `cmp-aggregator migrate`, with the database name the pipeline uses:
--   clickhouse-client --host <any node> --multiquery < schema.sql
-- Every table name the single-node migrations (store/sql/migrations/) create
-- exists here, so `migrate` then finds each one and only records its
-- versions (README.md). Large tables are sharded: `<name>_local` is the
-- Replicated*MergeTree on each shard, `<name>` the Distributed table the
-- processes read and write. Small tables are replicated to every node.

CREATE DATABASE IF NOT EXISTS cmp ON CLUSTER '{cluster}';

-- Small tables, one copy on every node (a Keeper path without {shard}).

CREATE TABLE IF NOT EXISTS cmp.schema_migrations ON CLUSTER '{cluster}'
(
    version UInt32,
    name String,
    applied_at DateTime
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/all/{database}/{table}', '{shard}-{replica}')
ORDER BY version;

CREATE TABLE IF NOT EXISTS cmp.campaigns ON CLUSTER '{cluster}'
(
    campaign_id String,
    name_en String,
    name_fr String,
    program String,
    start_date Date,
    end_date Date,
    budget_cents UInt64,
    changed_by String,
    changed_at DateTime,
    flight_plan String,
    owner String DEFAULT 'esdc'
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/all/{database}/{table}', '{shard}-{replica}')
ORDER BY (campaign_id, changed_at);

CREATE TABLE IF NOT EXISTS cmp.target_sets ON CLUSTER '{cluster}'
(
    campaign_id String,
    targets String,
    changed_by String,
    changed_at DateTime
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/all/{database}/{table}', '{shard}-{replica}')
ORDER BY (campaign_id, changed_at);

-- Geographic experiments' definitions, versioned (migration 0008).
CREATE TABLE IF NOT EXISTS cmp.experiments ON CLUSTER '{cluster}'
(
    campaign_id String,
    experiment_id String,
    definition String,
    changed_by String,
    changed_at DateTime
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/all/{database}/{table}', '{shard}-{replica}')
ORDER BY (campaign_id, experiment_id, changed_at);

-- Campaigns' measurement settings (attribution windows, variant split),
-- versioned (migration 0010).
CREATE TABLE IF NOT EXISTS cmp.measurement_settings ON CLUSTER '{cluster}'
(
    campaign_id String,
    attribution_windows String,
    variant_split String,
    changed_by String,
    changed_at DateTime
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/all/{database}/{table}', '{shard}-{replica}')
ORDER BY (campaign_id, changed_at);

CREATE TABLE IF NOT EXISTS cmp.attainment_history ON CLUSTER '{cluster}'
(
    campaign_id String,
    target_index UInt16,
    kpi String,
    target Float64,
    recorded_at DateTime,
    end_of_day UInt8,
    actual Nullable(Float64),
    attainment Nullable(Float64),
    pace Nullable(Float64),
    status String
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/all/{database}/{table}', '{shard}-{replica}')
PARTITION BY toYYYYMM(recorded_at)
ORDER BY (campaign_id, target_index, recorded_at);

-- Unit costs of service per program, versioned (migration 0009).
CREATE TABLE IF NOT EXISTS cmp.service_costs ON CLUSTER '{cluster}'
(
    program String,
    costs String,
    changed_by String,
    changed_at DateTime
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/all/{database}/{table}', '{shard}-{replica}')
ORDER BY (program, changed_at);

CREATE TABLE IF NOT EXISTS cmp.offices ON CLUSTER '{cluster}'
(
    office_id String,
    office String,
    changed_by String,
    changed_at DateTime
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/all/{database}/{table}', '{shard}-{replica}')
ORDER BY (office_id, changed_at);

-- The ledger, sharded by Kafka partition: rows of partition p (of either
-- topic) live on shard p mod <shards> (README.md, "Sharding key"). Keyed by
-- coordinates and event id, as migration 0005 keys the single-node ledger:
-- reused offsets keep both events. The last three columns are contract
-- v1.1's (migration 0007; README.md, "Upgrading", for an existing cluster).

CREATE TABLE IF NOT EXISTS cmp.events_local ON CLUSTER '{cluster}'
(
    src_topic String,
    src_partition UInt32,
    src_offset UInt64,
    kind Enum8('engagement' = 1, 'uptake' = 2),
    event_id String,
    event_time DateTime,
    event_ms Int64,
    campaign_id String,
    channel String,
    action String,
    count UInt32,
    cost_cents UInt64,
    program String,
    service_channel String,
    stage String,
    segment String,
    region String,
    language String,
    client_hash String,
    ingested_at DateTime,
    variant String,
    office_id String,
    fsa String
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toYYYYMM(event_time)
ORDER BY (src_topic, src_partition, src_offset, event_id);

CREATE TABLE IF NOT EXISTS cmp.events ON CLUSTER '{cluster}' AS cmp.events_local
ENGINE = Distributed('{cluster}', cmp, events_local, src_partition);

-- The rollups: each shard rolls up its own ledger rows (the views fire on
-- the INSERTs the Distributed table forwards to events_local); readers merge
-- the shards' aggregate states through the Distributed tables.

CREATE TABLE IF NOT EXISTS cmp.engagement_hourly_local ON CLUSTER '{cluster}'
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
ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toYYYYMM(hour)
ORDER BY (campaign_id, hour, segment, channel, action, region, language);

CREATE TABLE IF NOT EXISTS cmp.engagement_hourly ON CLUSTER '{cluster}' AS cmp.engagement_hourly_local
ENGINE = Distributed('{cluster}', cmp, engagement_hourly_local, rand());

CREATE MATERIALIZED VIEW IF NOT EXISTS cmp.engagement_hourly_mv ON CLUSTER '{cluster}'
TO cmp.engagement_hourly_local AS
SELECT
    toStartOfHour(event_time) AS hour,
    campaign_id, segment, channel, action, region, language,
    countState() AS events,
    sumState(count) AS count,
    sumState(cost_cents) AS cost_cents,
    uniqCombinedStateIf(client_hash, client_hash != '') AS reach
FROM cmp.events_local
WHERE kind = 'engagement'
GROUP BY hour, campaign_id, segment, channel, action, region, language;

CREATE TABLE IF NOT EXISTS cmp.uptake_hourly_local ON CLUSTER '{cluster}'
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
ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toYYYYMM(hour)
ORDER BY (program, campaign_id, hour, service_channel, stage, segment, region, language);

CREATE TABLE IF NOT EXISTS cmp.uptake_hourly ON CLUSTER '{cluster}' AS cmp.uptake_hourly_local
ENGINE = Distributed('{cluster}', cmp, uptake_hourly_local, rand());

CREATE MATERIALIZED VIEW IF NOT EXISTS cmp.uptake_hourly_mv ON CLUSTER '{cluster}'
TO cmp.uptake_hourly_local AS
SELECT
    toStartOfHour(event_time) AS hour,
    program, service_channel, stage, campaign_id, segment, region, language,
    countState() AS events,
    uniqCombinedStateIf(client_hash, client_hash != '') AS reach
FROM cmp.events_local
WHERE kind = 'uptake'
GROUP BY hour, program, service_channel, stage, campaign_id, segment, region, language;

-- Attribution kept current (migration 0014, docs/attribution.md): each shard
-- copies its own uptake and exposure rows into tables sorted for seeks and
-- counts its changes; readers go through the Distributed tables. The slices
-- and credits the aggregator writes are replicated to every node, like the
-- registry.

CREATE TABLE IF NOT EXISTS cmp.uptake_touches_local ON CLUSTER '{cluster}'
(
    program String,
    event_time DateTime,
    event_ms Int64,
    event_id String,
    client_hash String,
    campaign_id String,
    stage String,
    service_channel String
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toYYYYMM(event_time)
ORDER BY (program, event_time, event_id);

CREATE TABLE IF NOT EXISTS cmp.uptake_touches ON CLUSTER '{cluster}' AS cmp.uptake_touches_local
ENGINE = Distributed('{cluster}', cmp, uptake_touches_local, rand());

CREATE MATERIALIZED VIEW IF NOT EXISTS cmp.uptake_touches_mv ON CLUSTER '{cluster}'
TO cmp.uptake_touches_local AS
SELECT program, event_time, event_ms, event_id, client_hash, campaign_id, stage, service_channel
FROM cmp.events_local
WHERE kind = 'uptake';

CREATE TABLE IF NOT EXISTS cmp.exposure_touches_local ON CLUSTER '{cluster}'
(
    client_hash String,
    event_ms Int64,
    event_id String,
    event_time DateTime,
    campaign_id String,
    channel String,
    action String,
    variant String,
    segment String,
    region String,
    language String
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toYYYYMM(event_time)
ORDER BY (client_hash, event_ms, event_id)
SETTINGS index_granularity = 1024;

CREATE TABLE IF NOT EXISTS cmp.exposure_touches ON CLUSTER '{cluster}' AS cmp.exposure_touches_local
ENGINE = Distributed('{cluster}', cmp, exposure_touches_local, rand());

CREATE MATERIALIZED VIEW IF NOT EXISTS cmp.exposure_touches_mv ON CLUSTER '{cluster}'
TO cmp.exposure_touches_local AS
SELECT client_hash, event_ms, event_id, event_time, campaign_id, channel, action, variant,
    segment, region, language
FROM cmp.events_local
WHERE kind = 'engagement' AND client_hash != '';

CREATE TABLE IF NOT EXISTS cmp.attribution_marks_local ON CLUSTER '{cluster}'
(
    kind Enum8('engagement' = 1, 'uptake' = 2),
    key String,
    hour DateTime,
    events UInt64
)
ENGINE = ReplicatedSummingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toYYYYMM(hour)
ORDER BY (kind, key, hour);

CREATE TABLE IF NOT EXISTS cmp.attribution_marks ON CLUSTER '{cluster}' AS cmp.attribution_marks_local
ENGINE = Distributed('{cluster}', cmp, attribution_marks_local, rand());

CREATE MATERIALIZED VIEW IF NOT EXISTS cmp.attribution_marks_mv ON CLUSTER '{cluster}'
TO cmp.attribution_marks_local AS
SELECT kind, if(kind = 'uptake', program, campaign_id) AS key,
    toStartOfHour(event_time) AS hour, count() AS events
FROM cmp.events_local
WHERE kind = 'uptake' OR client_hash != ''
GROUP BY kind, key, hour;

CREATE TABLE IF NOT EXISTS cmp.attribution_slices ON CLUSTER '{cluster}'
(
    program String,
    hour DateTime,
    fingerprint UInt64,
    settled UInt8,
    generation UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/{database}/{table}', '{shard}-{replica}', generation)
PARTITION BY toYYYYMM(hour)
ORDER BY (program, hour);

CREATE TABLE IF NOT EXISTS cmp.attribution_credits ON CLUSTER '{cluster}'
(
    program String,
    campaign String,
    measure String,
    by_kind String,
    hour DateTime,
    stage String,
    by_value String,
    by_language String,
    value Float64,
    generation UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/{database}/{table}', '{shard}-{replica}', generation)
PARTITION BY toYYYYMM(hour)
ORDER BY (program, campaign, measure, by_kind, hour, stage, by_value, by_language);

CREATE TABLE IF NOT EXISTS cmp.variant_hourly_local ON CLUSTER '{cluster}'
(
    hour DateTime,
    campaign_id String,
    variant String,
    language String,
    events AggregateFunction(count),
    clients AggregateFunction(uniqExact, String),
    click_count AggregateFunction(sum, UInt64)
)
ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toYYYYMM(hour)
ORDER BY (campaign_id, hour, variant, language);

CREATE TABLE IF NOT EXISTS cmp.variant_hourly ON CLUSTER '{cluster}' AS cmp.variant_hourly_local
ENGINE = Distributed('{cluster}', cmp, variant_hourly_local, rand());

CREATE MATERIALIZED VIEW IF NOT EXISTS cmp.variant_hourly_mv ON CLUSTER '{cluster}'
TO cmp.variant_hourly_local AS
SELECT toStartOfHour(event_time) AS hour, campaign_id, variant, language,
    countState() AS events,
    uniqExactStateIf(client_hash, client_hash != '') AS clients,
    sumStateIf(toUInt64(count), action = 'click') AS click_count
FROM cmp.events_local
WHERE kind = 'engagement' AND variant != ''
GROUP BY hour, campaign_id, variant, language;

-- The daily tier (migration 0015): each shard sums its own ledger rows per
-- local day; readers add the shards' rows through the Distributed tables.

CREATE TABLE IF NOT EXISTS cmp.engagement_daily_local ON CLUSTER '{cluster}'
(
    month UInt32,
    day DateTime,
    campaign_id String,
    grouping UInt8,
    segment String,
    channel String,
    region String,
    language String,
    action String,
    tally UInt64,
    units UInt64,
    spend_cents UInt64
)
ENGINE = ReplicatedSummingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', (tally, units, spend_cents))
PARTITION BY month
ORDER BY (campaign_id, grouping, day, segment, channel, region, language, action)
SETTINGS index_granularity = 1024;

CREATE TABLE IF NOT EXISTS cmp.engagement_daily ON CLUSTER '{cluster}' AS cmp.engagement_daily_local
ENGINE = Distributed('{cluster}', cmp, engagement_daily_local, rand());

CREATE TABLE IF NOT EXISTS cmp.uptake_daily_local ON CLUSTER '{cluster}'
(
    month UInt32,
    day DateTime,
    program String,
    campaign_id String,
    grouping UInt8,
    service_channel String,
    stage String,
    segment String,
    region String,
    language String,
    tally UInt64
)
ENGINE = ReplicatedSummingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', tally)
PARTITION BY month
ORDER BY (campaign_id, grouping, day, program, service_channel, stage, segment, region, language)
SETTINGS index_granularity = 1024;

CREATE TABLE IF NOT EXISTS cmp.uptake_daily ON CLUSTER '{cluster}' AS cmp.uptake_daily_local
ENGINE = Distributed('{cluster}', cmp, uptake_daily_local, rand());

-- A program's completed uptake per local day (migration 0016).
CREATE TABLE IF NOT EXISTS cmp.program_daily_local ON CLUSTER '{cluster}'
(
    month UInt32,
    day DateTime,
    program String,
    grouping UInt8,
    service_channel String,
    segment String,
    region String,
    language String,
    tally UInt64
)
ENGINE = ReplicatedSummingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', tally)
PARTITION BY month
ORDER BY (program, grouping, day, service_channel, segment, region, language)
SETTINGS index_granularity = 1024;

CREATE TABLE IF NOT EXISTS cmp.program_daily ON CLUSTER '{cluster}' AS cmp.program_daily_local
ENGINE = Distributed('{cluster}', cmp, program_daily_local, rand());

CREATE TABLE IF NOT EXISTS cmp.reach_daily_local ON CLUSTER '{cluster}'
(
    month UInt32,
    day DateTime,
    campaign_id String,
    grouping UInt8,
    segment String,
    region String,
    reach AggregateFunction(uniqCombined, String)
)
ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY month
ORDER BY (campaign_id, grouping, day, segment, region)
SETTINGS index_granularity = 1024;

CREATE TABLE IF NOT EXISTS cmp.reach_daily ON CLUSTER '{cluster}' AS cmp.reach_daily_local
ENGINE = Distributed('{cluster}', cmp, reach_daily_local, rand());

CREATE MATERIALIZED VIEW IF NOT EXISTS cmp.engagement_daily_total_mv ON CLUSTER '{cluster}'
TO cmp.engagement_daily_local AS
SELECT
    toYYYYMM(event_time) AS month,
    toDateTime(toStartOfDay(event_time, 'America/Toronto')) AS day,
    campaign_id,
    toUInt8(0) AS grouping,
    '' AS segment, '' AS channel, '' AS region, '' AS language,
    action,
    count() AS tally,
    sum(count) AS units,
    sum(cost_cents) AS spend_cents
FROM cmp.events_local
WHERE kind = 'engagement'
GROUP BY month, day, campaign_id, grouping, segment, channel, region, language, action;

CREATE MATERIALIZED VIEW IF NOT EXISTS cmp.engagement_daily_segment_mv ON CLUSTER '{cluster}'
TO cmp.engagement_daily_local AS
SELECT
    toYYYYMM(event_time) AS month,
    toDateTime(toStartOfDay(event_time, 'America/Toronto')) AS day,
    campaign_id,
    toUInt8(1) AS grouping,
    segment, '' AS channel, '' AS region, '' AS language,
    action,
    count() AS tally,
    sum(count) AS units,
    sum(cost_cents) AS spend_cents
FROM cmp.events_local
WHERE kind = 'engagement'
GROUP BY month, day, campaign_id, grouping, segment, channel, region, language, action;

CREATE MATERIALIZED VIEW IF NOT EXISTS cmp.engagement_daily_channel_mv ON CLUSTER '{cluster}'
TO cmp.engagement_daily_local AS
SELECT
    toYYYYMM(event_time) AS month,
    toDateTime(toStartOfDay(event_time, 'America/Toronto')) AS day,
    campaign_id,
    toUInt8(2) AS grouping,
    '' AS segment, channel, '' AS region, '' AS language,
    action,
    count() AS tally,
    sum(count) AS units,
    sum(cost_cents) AS spend_cents
FROM cmp.events_local
WHERE kind = 'engagement'
GROUP BY month, day, campaign_id, grouping, segment, channel, region, language, action;

CREATE MATERIALIZED VIEW IF NOT EXISTS cmp.engagement_daily_region_mv ON CLUSTER '{cluster}'
TO cmp.engagement_daily_local AS
SELECT
    toYYYYMM(event_time) AS month,
    toDateTime(toStartOfDay(event_time, 'America/Toronto')) AS day,
    campaign_id,
    toUInt8(8) AS grouping,
    '' AS segment, '' AS channel, region, '' AS language,
    action,
    count() AS tally,
    sum(count) AS units,
    sum(cost_cents) AS spend_cents
FROM cmp.events_local
WHERE kind = 'engagement'
GROUP BY month, day, campaign_id, grouping, segment, channel, region, language, action;

CREATE MATERIALIZED VIEW IF NOT EXISTS cmp.engagement_daily_language_mv ON CLUSTER '{cluster}'
TO cmp.engagement_daily_local AS
SELECT
    toYYYYMM(event_time) AS month,
    toDateTime(toStartOfDay(event_time, 'America/Toronto')) AS day,
    campaign_id,
    toUInt8(16) AS grouping,
    '' AS segment, '' AS channel, '' AS region, language,
    action,
    count() AS tally,
    sum(count) AS units,
    sum(cost_cents) AS spend_cents
FROM cmp.events_local
WHERE kind = 'engagement'
GROUP BY month, day, campaign_id, grouping, segment, channel, region, language, action;

CREATE MATERIALIZED VIEW IF NOT EXISTS cmp.uptake_daily_total_mv ON CLUSTER '{cluster}'
TO cmp.uptake_daily_local AS
SELECT
    toYYYYMM(event_time) AS month,
    toDateTime(toStartOfDay(event_time, 'America/Toronto')) AS day,
    program, campaign_id,
    toUInt8(0) AS grouping,
    service_channel, stage,
    '' AS segment, '' AS region, '' AS language,
    count() AS tally
FROM cmp.events_local
WHERE kind = 'uptake'
GROUP BY month, day, program, campaign_id, grouping, service_channel, stage, segment, region, language;

CREATE MATERIALIZED VIEW IF NOT EXISTS cmp.uptake_daily_segment_mv ON CLUSTER '{cluster}'
TO cmp.uptake_daily_local AS
SELECT
    toYYYYMM(event_time) AS month,
    toDateTime(toStartOfDay(event_time, 'America/Toronto')) AS day,
    program, campaign_id,
    toUInt8(1) AS grouping,
    service_channel, stage,
    segment, '' AS region, '' AS language,
    count() AS tally
FROM cmp.events_local
WHERE kind = 'uptake'
GROUP BY month, day, program, campaign_id, grouping, service_channel, stage, segment, region, language;

CREATE MATERIALIZED VIEW IF NOT EXISTS cmp.uptake_daily_region_mv ON CLUSTER '{cluster}'
TO cmp.uptake_daily_local AS
SELECT
    toYYYYMM(event_time) AS month,
    toDateTime(toStartOfDay(event_time, 'America/Toronto')) AS day,
    program, campaign_id,
    toUInt8(8) AS grouping,
    service_channel, stage,
    '' AS segment, region, '' AS language,
    count() AS tally
FROM cmp.events_local
WHERE kind = 'uptake'
GROUP BY month, day, program, campaign_id, grouping, service_channel, stage, segment, region, language;

CREATE MATERIALIZED VIEW IF NOT EXISTS cmp.uptake_daily_language_mv ON CLUSTER '{cluster}'
TO cmp.uptake_daily_local AS
SELECT
    toYYYYMM(event_time) AS month,
    toDateTime(toStartOfDay(event_time, 'America/Toronto')) AS day,
    program, campaign_id,
    toUInt8(16) AS grouping,
    service_channel, stage,
    '' AS segment, '' AS region, language,
    count() AS tally
FROM cmp.events_local
WHERE kind = 'uptake'
GROUP BY month, day, program, campaign_id, grouping, service_channel, stage, segment, region, language;

CREATE MATERIALIZED VIEW IF NOT EXISTS cmp.program_daily_total_mv ON CLUSTER '{cluster}'
TO cmp.program_daily_local AS
SELECT
    toYYYYMM(event_time) AS month,
    toDateTime(toStartOfDay(event_time, 'America/Toronto')) AS day,
    program,
    toUInt8(0) AS grouping,
    service_channel,
    '' AS segment, '' AS region, '' AS language,
    count() AS tally
FROM cmp.events_local
WHERE kind = 'uptake' AND stage = 'completed'
GROUP BY month, day, program, grouping, service_channel, segment, region, language;

CREATE MATERIALIZED VIEW IF NOT EXISTS cmp.program_daily_segment_mv ON CLUSTER '{cluster}'
TO cmp.program_daily_local AS
SELECT
    toYYYYMM(event_time) AS month,
    toDateTime(toStartOfDay(event_time, 'America/Toronto')) AS day,
    program,
    toUInt8(1) AS grouping,
    service_channel,
    segment, '' AS region, '' AS language,
    count() AS tally
FROM cmp.events_local
WHERE kind = 'uptake' AND stage = 'completed'
GROUP BY month, day, program, grouping, service_channel, segment, region, language;

CREATE MATERIALIZED VIEW IF NOT EXISTS cmp.program_daily_region_mv ON CLUSTER '{cluster}'
TO cmp.program_daily_local AS
SELECT
    toYYYYMM(event_time) AS month,
    toDateTime(toStartOfDay(event_time, 'America/Toronto')) AS day,
    program,
    toUInt8(8) AS grouping,
    service_channel,
    '' AS segment, region, '' AS language,
    count() AS tally
FROM cmp.events_local
WHERE kind = 'uptake' AND stage = 'completed'
GROUP BY month, day, program, grouping, service_channel, segment, region, language;

CREATE MATERIALIZED VIEW IF NOT EXISTS cmp.program_daily_language_mv ON CLUSTER '{cluster}'
TO cmp.program_daily_local AS
SELECT
    toYYYYMM(event_time) AS month,
    toDateTime(toStartOfDay(event_time, 'America/Toronto')) AS day,
    program,
    toUInt8(16) AS grouping,
    service_channel,
    '' AS segment, '' AS region, language,
    count() AS tally
FROM cmp.events_local
WHERE kind = 'uptake' AND stage = 'completed'
GROUP BY month, day, program, grouping, service_channel, segment, region, language;

CREATE MATERIALIZED VIEW IF NOT EXISTS cmp.reach_daily_total_mv ON CLUSTER '{cluster}'
TO cmp.reach_daily_local AS
SELECT
    toYYYYMM(event_time) AS month,
    toDateTime(toStartOfDay(event_time, 'America/Toronto')) AS day,
    campaign_id,
    toUInt8(0) AS grouping,
    '' AS segment, '' AS region,
    uniqCombinedState(client_hash) AS reach
FROM cmp.events_local
WHERE kind = 'engagement' AND client_hash != ''
GROUP BY month, day, campaign_id, grouping, segment, region;

CREATE MATERIALIZED VIEW IF NOT EXISTS cmp.reach_daily_segment_mv ON CLUSTER '{cluster}'
TO cmp.reach_daily_local AS
SELECT
    toYYYYMM(event_time) AS month,
    toDateTime(toStartOfDay(event_time, 'America/Toronto')) AS day,
    campaign_id,
    toUInt8(1) AS grouping,
    segment, '' AS region,
    uniqCombinedState(client_hash) AS reach
FROM cmp.events_local
WHERE kind = 'engagement' AND client_hash != ''
GROUP BY month, day, campaign_id, grouping, segment, region;

CREATE MATERIALIZED VIEW IF NOT EXISTS cmp.reach_daily_region_mv ON CLUSTER '{cluster}'
TO cmp.reach_daily_local AS
SELECT
    toYYYYMM(event_time) AS month,
    toDateTime(toStartOfDay(event_time, 'America/Toronto')) AS day,
    campaign_id,
    toUInt8(8) AS grouping,
    '' AS segment, region,
    uniqCombinedState(client_hash) AS reach
FROM cmp.events_local
WHERE kind = 'engagement' AND client_hash != ''
GROUP BY month, day, campaign_id, grouping, segment, region;
