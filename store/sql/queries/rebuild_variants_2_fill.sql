-- params: cmp_check_staging_variants, events, 197001
-- One month of the message test's rollup from the ledger: the SELECT of
-- variant_hourly_mv (migration 0014), restricted to the month.
INSERT INTO ? (hour, campaign_id, variant, language, events, clients, click_count)
SELECT toStartOfHour(event_time) AS hour, campaign_id, variant, language,
    countState() AS events,
    uniqExactStateIf(client_hash, client_hash != '') AS clients,
    sumStateIf(toUInt64(count), action = 'click') AS click_count
FROM ?
WHERE kind = 'engagement' AND variant != '' AND toYYYYMM(event_time) = ?
GROUP BY hour, campaign_id, variant, language
