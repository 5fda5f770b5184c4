-- params: cmp_check_staging_unused
-- Drops a rebuild's staging table (a name the aggregator generated).
DROP TABLE IF EXISTS ?
