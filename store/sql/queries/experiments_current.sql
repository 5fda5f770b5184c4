-- params: 'oas-online-2026'
-- The current version of every experiment of a campaign, by id: each one's
-- whole newest row (ties broken by its fields, as experiment_versions.sql).
SELECT
    experiment_id,
    tupleElement(cur, 1) AS cur_definition,
    tupleElement(cur, 2) AS cur_changed_by,
    toUInt32(tupleElement(cur, 3)) AS cur_at
FROM
(
    SELECT
        experiment_id,
        argMax(tuple(definition, changed_by, changed_at), tuple(changed_at, definition, changed_by)) AS cur
    FROM experiments
    WHERE campaign_id = ?
    GROUP BY experiment_id
)
ORDER BY experiment_id
