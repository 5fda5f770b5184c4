-- params:
-- Every office's current record (its newest row, ties broken as in
-- office_versions.sql), by office_id.
SELECT office_id, office, changed_by, toUInt32(changed_at) AS at
FROM offices
ORDER BY office_id, changed_at DESC, office DESC, changed_by DESC
LIMIT 1 BY office_id
