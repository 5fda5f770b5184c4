-- Whether migration 0005 has work to do: `events` is a single-node table still
-- keyed by source coordinates alone (1), not yet keyed by event or a cluster's
-- Distributed table (0).
SELECT count() FROM system.tables
WHERE database = currentDatabase() AND name = 'events' AND engine = 'ReplacingMergeTree'
    AND position(sorting_key, 'event_id') = 0
