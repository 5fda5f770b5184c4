-- params: 'oas'
-- Whether the rollups hold any uptake of a program (1) or none (0).
SELECT toUInt8(count() > 0) FROM uptake_hourly WHERE program = ?
