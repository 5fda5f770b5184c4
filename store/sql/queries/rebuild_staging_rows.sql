-- params: engagement_hourly
-- Rows a rebuild's staging table holds.
SELECT count() FROM ?
