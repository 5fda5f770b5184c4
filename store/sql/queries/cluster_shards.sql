-- The number of shards of the node's cluster (its `{cluster}` macro).
SELECT uniqExact(shard_num) FROM system.clusters
WHERE cluster = (SELECT any(substitution) FROM system.macros WHERE macro = 'cluster')
