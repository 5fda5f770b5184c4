-- params: ['oas-online-2026', 'oas-print-2026']
-- The current attribution windows of each of the named campaigns that has
-- any: its newest row, ties in `changed_at` (concurrent writers) broken by
-- the row's own fields, as for target sets (registry_target_sets.sql).
SELECT campaign_id, windows
FROM attribution_windows
WHERE has(?, campaign_id)
ORDER BY campaign_id, changed_at DESC, windows DESC, changed_by DESC
LIMIT 1 BY campaign_id
