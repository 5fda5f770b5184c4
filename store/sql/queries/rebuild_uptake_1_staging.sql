-- params: cmp_check_staging_uptake
-- A staging table shaped like the uptake rollup, to rebuild one month in.
CREATE TABLE ? AS uptake_hourly
