-- params: uptake_touches, 197001, events, 197001
-- Rows of the uptake copy for a month, then uptake events of the ledger for
-- that month (equal when the copy is whole).
SELECT
    (SELECT count() FROM ? WHERE toYYYYMM(event_time) = ?) AS rolled_up,
    (SELECT count() FROM ? WHERE kind = 'uptake' AND toYYYYMM(event_time) = ?) AS stored
