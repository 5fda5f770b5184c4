-- params: cmp_check_staging_engagement_daily, engagement_daily
-- A staging table shaped like the daily engagement tier (the single-node
-- table, or a shard's local one), to rebuild one month in: the same
-- columns, partitions and key as migration 0015 and the cluster schema
-- give it, on a plain engine.
CREATE TABLE ? AS ?
ENGINE = SummingMergeTree((tally, units, spend_cents))
PARTITION BY month
ORDER BY (campaign_id, grouping, day, segment, channel, region, language, action)
SETTINGS index_granularity = 1024
