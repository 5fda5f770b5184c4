-- params: 'oas-online-2026', 1000
-- A campaign's target sets, newest first (LIMIT 1: the current one). Two
-- versions may share a second (concurrent writers, see registry.rs): the
-- tie is broken by the row's own fields, so every reader sees one order.
SELECT targets, changed_by, toUInt32(changed_at) AS at
FROM target_sets
WHERE campaign_id = ?
ORDER BY changed_at DESC, targets DESC, changed_by DESC
LIMIT ?
