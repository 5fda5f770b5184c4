-- params: cmp_check_staging_uptake_touches, uptake_touches
-- A staging table shaped like the uptake copy attribution reads (the
-- single-node table, or a shard's local one), to rebuild one month in: the
-- partitions and key of migration 0014 and the cluster schema, on a plain
-- engine.
CREATE TABLE ? AS ?
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(event_time)
ORDER BY (program, event_time, event_id)
