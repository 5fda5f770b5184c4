-- params: 'ON-0001', 1790000000, 1790600000
-- Signage impressions shown at one office in the UTC instants [start, end),
-- by campaign. The hourly rollups have no office_id, so this reads the
-- ledger restricted to the office and range; a row delivered twice at the
-- same coordinates (before the ledger's merge) counts once by its event_id.
SELECT campaign_id, sum(n) AS impressions
FROM
(
    SELECT event_id, any(campaign_id) AS campaign_id, any(count) AS n
    FROM events
    WHERE kind = 'engagement' AND office_id = ? AND channel = 'signage'
        AND action = 'impression'
        AND event_time >= toDateTime(?) AND event_time < toDateTime(?)
    GROUP BY event_id
)
GROUP BY campaign_id
ORDER BY campaign_id
