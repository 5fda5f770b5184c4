-- params: cmp_check_staging_exposure_touches, events, 197001
-- One month of the exposure copy from the ledger: the SELECT of
-- exposure_touches_mv (migration 0014), restricted to the month.
INSERT INTO ? (client_hash, event_ms, event_id, event_time, campaign_id, channel, action, variant, segment, region, language)
SELECT client_hash, event_ms, event_id, event_time, campaign_id, channel, action, variant,
    segment, region, language
FROM ?
WHERE kind = 'engagement' AND client_hash != '' AND toYYYYMM(event_time) = ?
