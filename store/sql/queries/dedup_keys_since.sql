-- params: 'cmp.engagement.v1', 3, 1762300800
-- Event ids and times of one partition's recent event hours, to rebuild the
-- in-memory dedup index on assignment.
SELECT event_id, event_ms FROM events
WHERE src_topic = ? AND src_partition = ? AND event_time >= toDateTime(?)
SETTINGS max_replica_delay_for_distributed_queries = 1, fallback_to_stale_replicas_for_distributed_queries = 0
