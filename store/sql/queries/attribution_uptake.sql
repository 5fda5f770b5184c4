-- params: 'oas', 1790000000, 1790600000
-- A program's uptake events in [from, to) (event time), the ones a
-- campaign's attribution is computed for: with their client (empty: none,
-- never exposed), the campaign they name (referral) and the event instant
-- in milliseconds, which the exposure windows are measured in.
SELECT event_id, event_ms, client_hash, campaign_id, stage, service_channel
FROM events
WHERE kind = 'uptake' AND program = ?
    AND event_time >= toDateTime(?) AND event_time < toDateTime(?)
