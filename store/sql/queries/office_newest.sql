-- params: 'ON-0001'
-- When the newest record of an office was written (0 when none was).
SELECT toUInt32(max(changed_at)) FROM offices WHERE office_id = ?
