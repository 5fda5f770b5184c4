-- params: cmp_check_staging_reach_daily, reach_daily
-- A staging table shaped like the daily reach tier (the single-node table,
-- or a shard's local one), to rebuild one month in: the same columns,
-- partitions and key as migration 0015 and the cluster schema give it, on
-- a plain engine.
CREATE TABLE ? AS ?
ENGINE = AggregatingMergeTree
PARTITION BY month
ORDER BY (campaign_id, grouping, day, segment, region)
SETTINGS index_granularity = 1024
