-- params: cmp_check_staging_marks, attribution_marks
-- A staging table shaped like attribution's change marks (the single-node
-- table, or a shard's local one), to rebuild one month in: the partitions
-- and key of migration 0014 and the cluster schema, on a plain engine.
CREATE TABLE ? AS ?
ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (kind, key, hour)
