-- params: events, 190001
-- Drops one whole month of a table: of the ledger, or of a copy or change
-- marks attribution derives from it (the single-node table, or a shard's
-- local one, whose replicas follow), for retention, whose rollups, kept
-- credits and history stay; of the kept attribution, before a rebuild
-- recomputes that month whole.
ALTER TABLE ? DROP PARTITION ?
