-- params: reach_daily, 197001, events, 197001
-- The daily reach tier's whole-campaign sketches of a month, each read as
-- its count and summed, then the same sum counted from the ledger's
-- engagement events of that month per campaign and local day (a rebuild is
-- good when they are equal: a sketch's count depends only on the clients
-- it holds, however its states were merged). It reads the month's client
-- column, unlike the other checks, which count rows.
SELECT
    (SELECT sum(r) FROM (
        SELECT uniqCombinedMerge(reach) AS r FROM ? WHERE month = ? AND grouping = 0
        GROUP BY campaign_id, day
    )) AS rolled_up,
    (SELECT sum(r) FROM (
        SELECT uniqCombined(client_hash) AS r FROM ?
        WHERE kind = 'engagement' AND client_hash != '' AND toYYYYMM(event_time) = ?
        GROUP BY campaign_id, toStartOfDay(event_time, 'America/Toronto')
    )) AS stored
