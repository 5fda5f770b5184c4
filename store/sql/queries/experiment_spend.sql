-- params: 'region', 'region', 'oas-online-2026', 1790000000, 1790600000
-- A campaign's spend (cost_cents of its engagement events) per experiment
-- unit (region, fsa or office_id, picked by the bound unit name) over a
-- range of instants: what a geographic experiment's treated units cost.
SELECT
    multiIf(? = 'region', region, ? = 'fsa', fsa, office_id) AS unit,
    toUInt64(sum(cost_cents)) AS spend_cents
FROM events
WHERE kind = 'engagement' AND campaign_id = ?
    AND event_time >= toDateTime(?) AND event_time < toDateTime(?)
GROUP BY unit
HAVING unit != ''
ORDER BY unit
