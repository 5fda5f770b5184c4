-- params: cmp_check_staging_uptake, uptake_hourly
-- A staging table shaped like the uptake rollup (the single-node table, or a
-- shard's local one), to rebuild one month in: the same columns, partitions
-- and key as migration 0003 and the cluster schema give it, on a plain
-- engine (a replicated table's engine would name its Keeper path).
CREATE TABLE ? AS ?
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (program, campaign_id, hour, service_channel, stage, segment, region, language)
