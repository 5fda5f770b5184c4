-- The campaign registry and target sets, versioned: every change is a new row
-- with who and when; the current version is the newest row of a campaign.
CREATE TABLE IF NOT EXISTS campaigns
(
    campaign_id String,
    name_en String,
    name_fr String,
    program String,
    start_date Date,
    end_date Date,
    budget_cents UInt64,
    changed_by String,
    changed_at DateTime
)
ENGINE = MergeTree
ORDER BY (campaign_id, changed_at);

-- A campaign's whole target set per version, as the JSON array the API received (validated).
CREATE TABLE IF NOT EXISTS target_sets
(
    campaign_id String,
    targets String,
    changed_by String,
    changed_at DateTime
)
ENGINE = MergeTree
ORDER BY (campaign_id, changed_at);

-- Each target's recorded actual, attainment, pace and status over time
-- (every few minutes and at the end of each day), for the ADM's trends.
CREATE TABLE IF NOT EXISTS attainment_history
(
    campaign_id String,
    target_index UInt16,
    kpi String,
    target Float64,
    recorded_at DateTime,
    end_of_day UInt8,
    actual Nullable(Float64),
    attainment Nullable(Float64),
    pace Nullable(Float64),
    status String
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(recorded_at)
ORDER BY (campaign_id, target_index, recorded_at);
