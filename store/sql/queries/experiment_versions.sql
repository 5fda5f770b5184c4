-- params: 'oas-online-2026', 'atlantic-fall', 1
-- One experiment's versions, newest first (LIMIT 1: the current one); a tie
-- of the same second is broken by the row's own fields, as target sets are
-- (registry_target_sets.sql).
SELECT experiment_id, definition, changed_by, toUInt32(changed_at) AS at
FROM experiments
WHERE campaign_id = ? AND experiment_id = ?
ORDER BY changed_at DESC, definition DESC, changed_by DESC
LIMIT ?
