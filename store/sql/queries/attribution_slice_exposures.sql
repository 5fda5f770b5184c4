-- params: ['oas-online-2026', 'oas-print-2026'], 1787400000, 1790600000, 'oas', 1790000000, 1790600000
-- The exposures to the program's campaigns (bound list) in
-- [from − longest window, to) of the clients with uptake of the program in
-- [from, to): index seeks by client in the copy sorted by client. A row
-- copied twice reads twice until a merge: the caller keeps one per event_id.
-- GLOBAL: on a cluster the clients' uptake and exposures lie on any shard
-- (the subquery runs once, on the initiator; one server reads it as IN).
SELECT event_id, event_ms, client_hash, campaign_id, channel, action, variant,
    segment, region, language
FROM exposure_touches
WHERE has(?, campaign_id)
    AND event_time >= toDateTime(?) AND event_time < toDateTime(?)
    AND client_hash GLOBAL IN (
        SELECT client_hash FROM uptake_touches
        WHERE program = ? AND client_hash != ''
            AND event_time >= toDateTime(?) AND event_time < toDateTime(?))
SETTINGS load_balancing = 'in_order'
