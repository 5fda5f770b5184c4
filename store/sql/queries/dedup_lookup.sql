-- params: 'cmp.engagement.v1', ['a', 'b'], 1762300800, 1762473600
-- Ledger entries for event ids older than the in-memory horizon (late events).
SELECT event_id, event_ms FROM events
WHERE src_topic = ? AND event_id IN (SELECT arrayJoin(?)) AND event_time >= toDateTime(?) AND event_time < toDateTime(?)
SETTINGS max_replica_delay_for_distributed_queries = 1, fallback_to_stale_replicas_for_distributed_queries = 0
