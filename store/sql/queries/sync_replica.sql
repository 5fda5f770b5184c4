-- params: engagement_hourly
-- parse-only: only a replicated table (a cluster's shard) takes it
-- On a shard's node: waits until the node's replica of a table has fetched
-- what its other replicas hold, so that a rebuild or retention reads the
-- whole shard.
SYSTEM SYNC REPLICA ?
