-- A campaign's optional weekly flight plan (contract/API.md v1.1, "Budget
-- pacing"): the JSON array the API received, validated, or '' when the
-- budget is planned evenly over the flight. Versions written before read
-- as ''.
-- ClickHouse 18.16 has no `ADD COLUMN IF NOT EXISTS`, so this runs only
-- where the registry lacks the column (store/sql/queries/migration_0014_needed.sql):
-- a cluster whose schema.sql has it only records it.
ALTER TABLE campaigns ADD COLUMN flight_plan String;
