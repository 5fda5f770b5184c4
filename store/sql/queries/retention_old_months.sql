-- params: 'events', 202501
-- Months (partitions) of the ledger (the single-node table, or a shard's
-- local one) older than the cutoff month, i.e. entirely older than the
-- retention period.
SELECT DISTINCT toUInt32(partition) AS month FROM system.parts
WHERE database = currentDatabase() AND table = ? AND active AND month < ?
ORDER BY month
