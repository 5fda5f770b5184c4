-- params: 'oas-online-2026'
-- The current version of one campaign (no row when it does not exist): the
-- whole newest row, read as one tuple so its fields always come from the
-- same version. Two versions may share a second (concurrent writers, see
-- registry.rs): the tie is broken by the row's own fields, so every reader
-- picks the same one of them, whole, before and after a merge.
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
    WHERE campaign_id = ?
    GROUP BY campaign_id
)
