-- params: ['oas-online-2026', 'oas-print-2026']
-- The current measurement settings of each of the named campaigns that has
-- any: its newest row, ties in `changed_at` (concurrent writers) broken by
-- the row's own fields, as for target sets (registry_target_sets.sql).
SELECT campaign_id, attribution_windows, variant_split
FROM measurement_settings
WHERE has(?, campaign_id)
ORDER BY campaign_id, changed_at DESC, attribution_windows DESC, variant_split DESC,
    changed_by DESC
LIMIT 1 BY campaign_id
