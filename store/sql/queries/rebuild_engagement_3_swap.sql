-- params: 197001, engagement_hourly
-- Swaps the rebuilt month into the engagement rollup atomically. (The check's
-- sample source is the rollup itself: its staging sample may be empty, and the
-- current engine refuses to replace from an empty source; the aggregator
-- drops the month with rebuild_clear_month.sql instead then.)
ALTER TABLE engagement_hourly REPLACE PARTITION ? FROM ?
