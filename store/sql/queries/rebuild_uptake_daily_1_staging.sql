-- params: cmp_check_staging_uptake_daily, uptake_daily
-- A staging table shaped like the daily uptake tier (the single-node table,
-- or a shard's local one), to rebuild one month in: the same columns,
-- partitions and key as migration 0016 and the cluster schema give it, on
-- a plain engine.
CREATE TABLE ? AS ?
ENGINE = SummingMergeTree(tally)
PARTITION BY month
ORDER BY (campaign_id, grouping, day, program, service_channel, stage, segment, region, language)
SETTINGS index_granularity = 1024
