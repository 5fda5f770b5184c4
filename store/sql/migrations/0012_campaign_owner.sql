-- The organisation that owns a campaign (contract/API.md v1.1,
-- "Organisations"): a slug such as `esdc` or `ircc`; versions written
-- before read as `esdc`, the contract's default.
-- ClickHouse 18.16 has no `ADD COLUMN IF NOT EXISTS`, so this runs only
-- where the registry lacks the column (store/sql/queries/migration_0012_needed.sql):
-- a cluster whose schema.sql has it only records it.
ALTER TABLE campaigns ADD COLUMN owner String DEFAULT 'esdc';
