-- params: 'oas'
-- When the newest cost list of a program was written (0 when none was).
SELECT toUInt32(max(changed_at)) FROM service_costs WHERE program = ?
