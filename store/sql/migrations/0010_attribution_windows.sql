-- Per-campaign attribution windows (contract/API.md v1.1, "Attribution to
-- exposure": a campaign's PUT body may set `attribution_windows`, days per
-- action, to replace the contract's defaults), versioned as the registry
-- is: every PUT of a campaign writes a row here too, with who and when;
-- `windows` is the JSON object the API validated (only the actions it
-- replaces), empty when the body had none (the defaults apply). The current
-- windows of a campaign are its newest row. A small table: one row per PUT.
CREATE TABLE IF NOT EXISTS attribution_windows
(
    campaign_id String,
    windows String,
    changed_by String,
    changed_at DateTime
)
ENGINE = MergeTree
ORDER BY (campaign_id, changed_at);
