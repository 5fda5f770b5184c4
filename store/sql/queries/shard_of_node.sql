-- The node's `{shard}` macro and whether it holds the shard's local ledger
-- (empty and 0 on a node that is not a cluster's).
SELECT
    (SELECT any(substitution) FROM system.macros WHERE macro = 'shard') AS shard,
    (SELECT count() FROM system.tables WHERE database = currentDatabase() AND name = 'events_local') AS has_ledger
