-- params: 'oas', 1000
-- A program's cost lists, newest first (LIMIT 1: the current one). Ties in
-- `changed_at` (concurrent writers) are broken by the row's own fields, as
-- for target sets (registry_target_sets.sql).
SELECT costs, changed_by, toUInt32(changed_at) AS at
FROM service_costs
WHERE program = ?
ORDER BY changed_at DESC, costs DESC, changed_by DESC
LIMIT ?
