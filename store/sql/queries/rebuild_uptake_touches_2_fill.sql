-- params: cmp_check_staging_uptake_touches, events, 197001
-- One month of the uptake copy from the ledger: the SELECT of
-- uptake_touches_mv (migration 0014), restricted to the month.
INSERT INTO ? (program, event_time, event_ms, event_id, client_hash, campaign_id, stage, service_channel)
SELECT program, event_time, event_ms, event_id, client_hash, campaign_id, stage, service_channel
FROM ?
WHERE kind = 'uptake' AND toYYYYMM(event_time) = ?
