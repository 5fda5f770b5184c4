-- Whether migration 0016 has work to do: `uptake_daily` is a single-node
-- table (not a cluster's Distributed one) and `program_daily` does not
-- exist yet (1), else 0.
SELECT count() FROM system.tables
WHERE database = currentDatabase() AND name = 'uptake_daily' AND engine = 'SummingMergeTree'
    AND (SELECT count() FROM system.tables
         WHERE database = currentDatabase() AND name = 'program_daily') = 0
