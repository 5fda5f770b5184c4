-- Geographic experiments (contract/API.md v1.1, "Geographic experiments"),
-- versioned as target sets are: every PUT of a campaign's experiment is a new
-- row saying who and when; the current definition is the newest row of
-- (campaign_id, experiment_id). `definition` is the JSON object the API
-- validated (unit, treated, control, kpi, periods). A small table: one row
-- per registration.
CREATE TABLE IF NOT EXISTS experiments
(
    campaign_id String,
    experiment_id String,
    definition String,
    changed_by String,
    changed_at DateTime
)
ENGINE = MergeTree
ORDER BY (campaign_id, experiment_id, changed_at);
