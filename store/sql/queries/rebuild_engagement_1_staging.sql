-- params: cmp_check_staging_engagement
-- A staging table shaped like the engagement rollup, to rebuild one month in.
CREATE TABLE ? AS engagement_hourly
