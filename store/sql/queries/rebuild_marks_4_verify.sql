-- params: attribution_marks, 197001, events, 197001
-- Events the change marks count for a month, then the ledger's events they
-- should count (uptake, and engagement with a client) for that month.
SELECT
    (SELECT sum(events) FROM ? WHERE toYYYYMM(hour) = ?) AS rolled_up,
    (SELECT count() FROM ?
        WHERE (kind = 'uptake' OR client_hash != '') AND toYYYYMM(event_time) = ?) AS stored
