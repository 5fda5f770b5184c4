-- params: 'cmp.engagement.v1', 3, 100
-- The events of one partition already in the ledger at or past an offset,
-- with their ids: a worker skips a message it meets again only where the
-- stored event is the same (offsets can be reused: a topic created again,
-- a replacement cluster); a failed INSERT is retried only for the rest.
-- On a cluster (through the Distributed table) a replica more than 1 s
-- behind is never read, even when every replica of a shard is: the read
-- fails and ingest asks again, rather than miss rows a lagging replica has
-- not fetched and store them twice (deploy/cluster/stale.sh). A single
-- server ignores both settings; dedup_keys_since.sql and dedup_lookup.sql
-- read the same way.
SELECT src_offset, event_id FROM events
WHERE src_topic = ? AND src_partition = ? AND src_offset >= ?
ORDER BY src_offset
SETTINGS max_replica_delay_for_distributed_queries = 1, fallback_to_stale_replicas_for_distributed_queries = 0
