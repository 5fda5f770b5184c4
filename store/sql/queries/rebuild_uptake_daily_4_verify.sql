-- params: uptake_daily, 197001, events, 197001
-- Events counted by the daily uptake tier for a month (each grouping counts
-- every event once), then four times the ledger's uptake events of that
-- month (a rebuild is good when they are equal).
SELECT
    (SELECT sum(tally) FROM ? WHERE month = ?) AS rolled_up,
    (SELECT 4 * count() FROM ? WHERE kind = 'uptake' AND toYYYYMM(event_time) = ?) AS stored
