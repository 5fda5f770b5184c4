-- params: 'oas-online-2026', 1000
-- A campaign's target sets, newest first (LIMIT 1: the current one).
SELECT targets, changed_by, toUInt32(changed_at) AS at
FROM target_sets
WHERE campaign_id = ?
ORDER BY changed_at DESC
LIMIT ?
