-- The ledger: one row per accepted event, written only by cmp-ingest.
-- Its source coordinates (src_topic, src_partition, src_offset) identify the
-- Kafka message the row came from; ingest resumes from them after a crash, and
-- ReplacingMergeTree on them is a last guard against a row stored twice.
-- Partitioned by the month of the event (late events land in their own month;
-- retention drops whole months).
CREATE TABLE IF NOT EXISTS events
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
ORDER BY (src_topic, src_partition, src_offset);
