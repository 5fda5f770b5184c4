-- params:
-- The current version of every campaign: the values of its newest row.
-- Versions of one campaign never share a second (see registry.rs).
SELECT
    campaign_id,
    argMax(name_en, changed_at) AS cur_name_en,
    argMax(name_fr, changed_at) AS cur_name_fr,
    argMax(program, changed_at) AS cur_program,
    argMax(start_date, changed_at) AS cur_start_date,
    argMax(end_date, changed_at) AS cur_end_date,
    argMax(budget_cents, changed_at) AS cur_budget_cents
FROM campaigns
GROUP BY campaign_id
ORDER BY campaign_id
