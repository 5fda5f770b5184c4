-- Unit costs of service per program (contract/API.md v1.1, "Channel shift
-- and the cost of service"), versioned like target sets: every change is a
-- new row holding the program's whole cost list (the JSON array the API
-- received, validated), with who and when; the current list is the newest
-- row of the program.
CREATE TABLE IF NOT EXISTS service_costs
(
    program String,
    costs String,
    changed_by String,
    changed_at DateTime
)
ENGINE = MergeTree
ORDER BY (program, changed_at);
