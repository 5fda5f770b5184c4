-- params: 'oas', 1790000000, 1790600000
-- A program's uptake events in [from, to) from their copy sorted by program
-- and time (an index range): with their client (empty: none), the campaign
-- they name (referral) and the instant in milliseconds. A row copied twice
-- reads twice until a merge: the caller keeps one per event_id.
SELECT event_id, event_ms, client_hash, campaign_id, stage, service_channel
FROM uptake_touches
WHERE program = ? AND event_time >= toDateTime(?) AND event_time < toDateTime(?)
SETTINGS load_balancing = 'in_order'
