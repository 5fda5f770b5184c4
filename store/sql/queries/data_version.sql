-- params: 'cmp'
-- What the reports are computed from, as a signature that changes with
-- every INSERT (a new part with a higher block number), merge, rebuild
-- (REPLACE PARTITION attaches new blocks) and dropped partition: the API
-- keeps computed reports while it is unchanged.
SELECT
    table,
    max(max_block_number) AS block,
    count() AS parts,
    sum(rows) AS rows
FROM system.parts
WHERE database = ? AND active
    AND table IN ('engagement_hourly', 'uptake_hourly', 'engagement_daily', 'uptake_daily', 'program_daily',
        'reach_daily', 'campaigns', 'target_sets')
GROUP BY table
ORDER BY table
