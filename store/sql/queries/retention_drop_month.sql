-- params: 190001
-- Drops one whole month of the ledger (retention; rollups and history stay).
ALTER TABLE events DROP PARTITION ?
