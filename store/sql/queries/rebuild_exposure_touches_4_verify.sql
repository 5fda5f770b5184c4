-- params: exposure_touches, 197001, events, 197001
-- Rows of the exposure copy for a month, then engagement events with a
-- client of the ledger for that month (equal when the copy is whole).
SELECT
    (SELECT count() FROM ? WHERE toYYYYMM(event_time) = ?) AS rolled_up,
    (SELECT count() FROM ?
        WHERE kind = 'engagement' AND client_hash != '' AND toYYYYMM(event_time) = ?) AS stored
