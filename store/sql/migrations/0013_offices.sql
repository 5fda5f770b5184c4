-- The office registry (contract/API.md v1.1, "Offices"), versioned like
-- the unit costs of service (0009): every change is a new row holding the
-- office's whole record (the JSON object the API checked: EN/FR name,
-- region, catchment FSAs), with who and when; the current record is the
-- newest row of the office.
CREATE TABLE IF NOT EXISTS offices
(
    office_id String,
    office String,
    changed_by String,
    changed_at DateTime
)
ENGINE = MergeTree
ORDER BY (office_id, changed_at);
