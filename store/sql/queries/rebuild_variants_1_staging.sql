-- params: cmp_check_staging_variants, variant_hourly
-- A staging table shaped like the message test's rollup (the single-node
-- table, or a shard's local one), to rebuild one month in: the partitions
-- and key of migration 0014 and the cluster schema, on a plain engine.
CREATE TABLE ? AS ?
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (campaign_id, hour, variant, language)
