-- params: 'oas-online-2026'
-- The current version of one campaign (no row when it does not exist).
SELECT
    campaign_id,
    argMax(name_en, changed_at) AS cur_name_en,
    argMax(name_fr, changed_at) AS cur_name_fr,
    argMax(program, changed_at) AS cur_program,
    argMax(start_date, changed_at) AS cur_start_date,
    argMax(end_date, changed_at) AS cur_end_date,
    argMax(budget_cents, changed_at) AS cur_budget_cents
FROM campaigns
WHERE campaign_id = ?
GROUP BY campaign_id
