-- params: 202501
-- Months (partitions) of the ledger older than the cutoff month, i.e.
-- entirely older than the retention period.
SELECT DISTINCT toUInt32(partition) AS month FROM system.parts
WHERE database = currentDatabase() AND table = 'events' AND active AND month < ?
ORDER BY month
