-- params: engagement_daily, 197001, events, 197001
-- Events counted by the daily engagement tier for a month (each grouping
-- counts every event once), then five times the ledger's engagement events
-- of that month (a rebuild is good when they are equal).
SELECT
    (SELECT sum(tally) FROM ? WHERE month = ?) AS rolled_up,
    (SELECT 5 * count() FROM ? WHERE kind = 'engagement' AND toYYYYMM(event_time) = ?) AS stored
