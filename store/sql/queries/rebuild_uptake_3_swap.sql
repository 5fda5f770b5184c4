-- params: 197001, uptake_hourly
-- Swaps the rebuilt month into the uptake rollup atomically. (The check's
-- sample source is the rollup itself: its staging sample may be empty, and the
-- current engine refuses to replace from an empty source; the aggregator
-- drops the month with rebuild_clear_month.sql instead then.)
ALTER TABLE uptake_hourly REPLACE PARTITION ? FROM ?
