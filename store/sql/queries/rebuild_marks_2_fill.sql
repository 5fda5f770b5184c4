-- params: cmp_check_staging_marks, events, 197001
-- One month of attribution's change marks from the ledger: the SELECT of
-- attribution_marks_mv (migration 0014), restricted to the month.
INSERT INTO ? (kind, key, hour, events)
SELECT kind, if(kind = 'uptake', program, campaign_id) AS key,
    toStartOfHour(event_time) AS hour, count() AS events
FROM ?
WHERE (kind = 'uptake' OR client_hash != '') AND toYYYYMM(event_time) = ?
GROUP BY kind, key, hour
