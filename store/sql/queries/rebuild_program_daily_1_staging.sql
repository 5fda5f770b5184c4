-- params: cmp_check_staging_program_daily, program_daily
-- A staging table shaped like the daily program tier (the single-node
-- table, or a shard's local one), to rebuild one month in: the same
-- columns, partitions and key as migration 0016 and the cluster schema give
-- it, on a plain engine.
CREATE TABLE ? AS ?
ENGINE = SummingMergeTree(tally)
PARTITION BY month
ORDER BY (program, grouping, day, service_channel, segment, region, language)
SETTINGS index_granularity = 1024
