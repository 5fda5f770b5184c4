-- params:
-- Whether migration 0014 has work to do: 1 while the registry lacks the
-- flight_plan column (0 after, or on a cluster whose schema.sql has it).
SELECT toUInt64(1 - count()) FROM system.columns
WHERE database = currentDatabase() AND table = 'campaigns' AND name = 'flight_plan'
