-- params: 'ON-0001', 1000
-- An office's records, newest first (LIMIT 1: the current one). Ties in
-- `changed_at` (concurrent writers) are broken by the row's own fields, as
-- for unit costs (service_costs_versions.sql).
SELECT office_id, office, changed_by, toUInt32(changed_at) AS at
FROM offices
WHERE office_id = ?
ORDER BY changed_at DESC, office DESC, changed_by DESC
LIMIT ?
