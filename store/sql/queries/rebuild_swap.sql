-- params: engagement_hourly, 197001, engagement_hourly
-- Swaps a rebuilt month into a rollup (the single-node table, or a shard's
-- local one, whose replicas follow) atomically. (The check's sample source is
-- the rollup itself: its staging sample may be empty, and the current engine
-- refuses to replace from an empty source; the aggregator drops the month
-- with rebuild_clear_month.sql instead then.)
ALTER TABLE ? REPLACE PARTITION ? FROM ?
