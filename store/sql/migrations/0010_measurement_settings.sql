-- How a campaign's effect is measured (contract/API.md v1.1): its
-- `attribution_windows` (days per action replacing the contract's defaults,
-- "Attribution to exposure") and its `variant_split` (the planned share of
-- each message variant the split check tests against, "Message tests"),
-- both optional fields of the campaign's PUT body. Versioned as the
-- registry is: every PUT of a campaign writes a row here too, with who and
-- when; each column is the JSON object the API validated, empty when the
-- body had none (the defaults apply: the contract's windows, an equal
-- split). The current settings of a campaign are its newest row. A small
-- table: one row per PUT.
CREATE TABLE IF NOT EXISTS measurement_settings
(
    campaign_id String,
    attribution_windows String,
    variant_split String,
    changed_by String,
    changed_at DateTime
)
ENGINE = MergeTree
ORDER BY (campaign_id, changed_at);
