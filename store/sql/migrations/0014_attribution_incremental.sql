-- Attribution kept current as events arrive (docs/attribution.md,
-- "Computed incrementally"). Three tables fed from the ledger by views:
-- - `uptake_touches`: the uptake events, sorted by program and time, so
--   that one program-day of uptake is an index range, not a month scan,
-- - `exposure_touches`: the engagement events with a client, sorted by
--   client, so that the exposures of the clients of one program-hour are
--   index seeks (granules of 1,024 rows: a seek reads one),
-- - `attribution_marks`: how many events each (kind, program or campaign,
--   UTC hour) has received, a change detector the aggregator compares with
--   what each slice was computed from. One INSERT reaches the views one
--   after the other, so a mark can be seen a moment before the copied rows
--   it counts: a slice computed on new marks is computed once more when
--   they have settled (`settled`).
-- And two the aggregator writes:
-- - `attribution_slices`: per (program, UTC hour of the uptake), the
--   fingerprint of the inputs its credits were computed from and whether
--   they had settled, newest generation (microseconds) wins,
-- - `attribution_credits`: the credits and referral counts of a slice per
--   campaign, measure (`last_touch`, `linear`, `referred`, `both`), stage,
--   grouping (`by_kind`: '' for the total, or one dimension) and UTC hour
--   of the uptake; the newest generation of a key wins (a key a newer
--   generation no longer has is written again with 0).
-- And a rollup for the message test: `variant_hourly`, per campaign, UTC
-- hour, variant and language, the distinct clients exposed (exact) and the
-- clicks, so that a test's exposure is read from hours × variants, not from
-- the ledger's months.
-- Rows older than this migration reach the copies through `cmp-aggregator
-- rebuild` (docs/runbook.md, "Upgrading the schema").
CREATE TABLE IF NOT EXISTS uptake_touches
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
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(event_time)
ORDER BY (program, event_time, event_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS uptake_touches_mv TO uptake_touches AS
SELECT program, event_time, event_ms, event_id, client_hash, campaign_id, stage, service_channel
FROM events
WHERE kind = 'uptake';

CREATE TABLE IF NOT EXISTS exposure_touches
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
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(event_time)
ORDER BY (client_hash, event_ms, event_id)
SETTINGS index_granularity = 1024;

CREATE MATERIALIZED VIEW IF NOT EXISTS exposure_touches_mv TO exposure_touches AS
SELECT client_hash, event_ms, event_id, event_time, campaign_id, channel, action, variant,
    segment, region, language
FROM events
WHERE kind = 'engagement' AND client_hash != '';

CREATE TABLE IF NOT EXISTS attribution_marks
(
    kind Enum8('engagement' = 1, 'uptake' = 2),
    key String,
    hour DateTime,
    events UInt64
)
ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (kind, key, hour);

CREATE MATERIALIZED VIEW IF NOT EXISTS attribution_marks_mv TO attribution_marks AS
SELECT kind, if(kind = 'uptake', program, campaign_id) AS key,
    toStartOfHour(event_time) AS hour, count() AS events
FROM events
WHERE kind = 'uptake' OR client_hash != ''
GROUP BY kind, key, hour;

CREATE TABLE IF NOT EXISTS attribution_slices
(
    program String,
    hour DateTime,
    fingerprint UInt64,
    settled UInt8,
    generation UInt64
)
ENGINE = ReplacingMergeTree(generation)
PARTITION BY toYYYYMM(hour)
ORDER BY (program, hour);

CREATE TABLE IF NOT EXISTS attribution_credits
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
ENGINE = ReplacingMergeTree(generation)
PARTITION BY toYYYYMM(hour)
ORDER BY (program, campaign, measure, by_kind, hour, stage, by_value, by_language);

CREATE TABLE IF NOT EXISTS variant_hourly
(
    hour DateTime,
    campaign_id String,
    variant String,
    language String,
    events AggregateFunction(count),
    clients AggregateFunction(uniqExact, String),
    click_count AggregateFunction(sum, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (campaign_id, hour, variant, language);

CREATE MATERIALIZED VIEW IF NOT EXISTS variant_hourly_mv TO variant_hourly AS
SELECT toStartOfHour(event_time) AS hour, campaign_id, variant, language,
    countState() AS events,
    uniqExactStateIf(client_hash, client_hash != '') AS clients,
    sumStateIf(toUInt64(count), action = 'click') AS click_count
FROM events
WHERE kind = 'engagement' AND variant != ''
GROUP BY hour, campaign_id, variant, language;
