-- Contract v1.1's optional fields in the ledger (contract/EVENTS.md, "v1.1
-- additions"): `variant` (engagement only), `office_id` and `fsa`, each
-- normalised by ingest (office_id and fsa upper-case), empty when the event
-- had none, as the other optional text columns are. Rows stored before stay
-- as they are and read as empty.
-- ClickHouse 18.16 has no `ADD COLUMN IF NOT EXISTS`, so this runs only
-- where the ledger lacks the columns (store/sql/queries/migration_0007_needed.sql):
-- a cluster whose schema.sql has them only records it. One ALTER adds all
-- three at once, so a run cut short leaves either none or all of them.
ALTER TABLE events
    ADD COLUMN variant String,
    ADD COLUMN office_id String,
    ADD COLUMN fsa String;
