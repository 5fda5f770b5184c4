-- The engine of the ledger `events` on the node asked: `Distributed` on a
-- cluster (whose shards hold `events_local`), a MergeTree on one server.
SELECT engine FROM system.tables WHERE database = currentDatabase() AND name = 'events'
