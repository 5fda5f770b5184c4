-- params: ['oas-online-2026', 'oas-print-2026'], 1787400000, 1790600000, 'oas', 1790000000, 1790600000
-- The engagement events with a client of the program's campaigns (bound
-- list) in [from − longest window, to), of the clients who have a program
-- uptake event in [from, to): every exposure that could be eligible for one
-- of those uptake events, and nothing else of the ledger.
SELECT event_id, event_ms, client_hash, campaign_id, channel, action, variant,
    segment, region, language
FROM events
WHERE kind = 'engagement' AND has(?, campaign_id) AND client_hash != ''
    AND event_time >= toDateTime(?) AND event_time < toDateTime(?)
    AND client_hash IN (
        SELECT client_hash FROM events
        WHERE kind = 'uptake' AND program = ? AND client_hash != ''
            AND event_time >= toDateTime(?) AND event_time < toDateTime(?))
