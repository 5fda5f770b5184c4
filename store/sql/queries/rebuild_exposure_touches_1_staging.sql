-- params: cmp_check_staging_exposure_touches, exposure_touches
-- A staging table shaped like the exposure copy attribution reads (the
-- single-node table, or a shard's local one), to rebuild one month in: the
-- partitions, key and granules of migration 0014 and the cluster schema,
-- on a plain engine.
CREATE TABLE ? AS ?
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(event_time)
ORDER BY (client_hash, event_ms, event_id)
SETTINGS index_granularity = 1024
