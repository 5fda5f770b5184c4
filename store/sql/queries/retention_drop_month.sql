-- params: events, 190001
-- Drops one whole month of the ledger (the single-node table, or a shard's
-- local one, whose replicas follow): retention; rollups and history stay.
ALTER TABLE ? DROP PARTITION ?
