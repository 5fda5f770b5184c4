-- params:
-- The current version of every campaign: its whole newest row, ties
-- between versions of the same second broken by the row's own fields
-- (as registry_campaign.sql).
SELECT
    campaign_id,
    tupleElement(cur, 1) AS cur_name_en,
    tupleElement(cur, 2) AS cur_name_fr,
    tupleElement(cur, 3) AS cur_program,
    tupleElement(cur, 4) AS cur_start_date,
    tupleElement(cur, 5) AS cur_end_date,
    tupleElement(cur, 6) AS cur_budget_cents,
    tupleElement(cur, 7) AS cur_flight_plan
FROM
(
    SELECT
        campaign_id,
        argMax(
            tuple(name_en, name_fr, program, start_date, end_date, budget_cents, flight_plan),
            tuple(changed_at, name_en, name_fr, program, start_date, end_date, budget_cents, flight_plan, changed_by)
        ) AS cur
    FROM campaigns
    GROUP BY campaign_id
)
ORDER BY campaign_id
