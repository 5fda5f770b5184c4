-- params: cmp_check_staging_engagement, engagement_hourly
-- A staging table shaped like the engagement rollup (the single-node table,
-- or a shard's local one), to rebuild one month in: the same columns,
-- partitions and key as migration 0003 and the cluster schema give it, on a
-- plain engine (a replicated table's engine would name its Keeper path).
CREATE TABLE ? AS ?
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (campaign_id, hour, segment, channel, action, region, language)
