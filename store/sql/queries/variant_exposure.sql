-- params: 'oas-online-2026', 1790000000, 1790600000
-- A campaign's message-test exposure in [from, to) per variant and
-- language: distinct clients with an engagement event of the variant, and
-- its clicks (the events' counts). Events without a variant are not part
-- of a test and are left out.
SELECT variant, language,
    toUInt64(uniqExactIf(client_hash, client_hash != '')) AS exposed,
    toUInt64(sumIf(count, action = 'click')) AS clicks
FROM events
WHERE kind = 'engagement' AND campaign_id = ? AND variant != ''
    AND event_time >= toDateTime(?) AND event_time < toDateTime(?)
GROUP BY variant, language
ORDER BY variant, language
