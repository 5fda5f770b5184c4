-- params: engagement_hourly, 190001
-- Empties one month of a rollup (its rebuild found no events that month).
ALTER TABLE ? DROP PARTITION ?
