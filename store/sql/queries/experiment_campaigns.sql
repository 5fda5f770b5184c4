-- params:
-- The campaigns with at least one registered experiment (the portfolio
-- computes experiment results for these only).
SELECT DISTINCT campaign_id FROM experiments ORDER BY campaign_id
