-- The ledger keyed by its events, not only by their source coordinates:
-- offsets are reused when a topic is created again or a replacement or
-- disaster-recovery cluster takes over, and two different events at the same
-- (src_topic, src_partition, src_offset) must both stay (ReplacingMergeTree
-- keeps one row per sorting key at a merge). An event is its coordinates and
-- its event_id; the same event delivered twice at the same coordinates is
-- still one row.
-- ClickHouse cannot change a table's sorting key, so the rows are copied into
-- a new table, which then takes the ledger's name; the old table stays, as
-- `events_before_0005`, until an operator drops it (docs/runbook.md,
-- "Upgrading the schema"). The views that feed the rollups are dropped here
-- and created again on the new table by 0006: run `migrate` with cmp-ingest
-- stopped. The copy does not go through the views, so the rollups stay as
-- they are.
-- Runs only where `events` is a single-node table still keyed by coordinates
-- alone (store/sql/queries/migration_0005_needed.sql); elsewhere (done
-- already, or a cluster, whose schema.sql has the new key) it is only
-- recorded. Interrupted before the RENAME, it starts again from a fresh copy.
DROP TABLE IF EXISTS events_0005;

CREATE TABLE events_0005
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
    ingested_at DateTime
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(event_time)
ORDER BY (src_topic, src_partition, src_offset, event_id);

INSERT INTO events_0005 SELECT * FROM events;

DROP TABLE IF EXISTS engagement_hourly_mv;

DROP TABLE IF EXISTS uptake_hourly_mv;

RENAME TABLE events TO events_before_0005, events_0005 TO events;
