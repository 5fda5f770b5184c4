-- params: 'spring-oas-2026', 1790812800, 1796083200
-- The months (event partitions) in which one campaign has events in a
-- range, for `cmp-aggregator rebuild --campaign`.
SELECT DISTINCT toYYYYMM(event_time) AS month FROM events
WHERE campaign_id = ? AND event_time >= toDateTime(?) AND event_time < toDateTime(?)
ORDER BY month
