-- Whether migration 0007 has work to do: how many of its three columns the
-- ledger still lacks (3 before it ran, 0 after, or on a cluster whose
-- schema.sql has them).
SELECT toUInt64(3 - count()) FROM system.columns
WHERE database = currentDatabase() AND table = 'events'
    AND name IN ('variant', 'office_id', 'fsa')
