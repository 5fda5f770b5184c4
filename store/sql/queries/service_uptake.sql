-- params: 'oas', 'oas', 1790000000, 1790600000
-- Uptake events of one program ('': every program) by service channel and
-- stage, attributed to a campaign or not, in the UTC hours [start, end):
-- the channel-shift route and the Service Inventory export.
SELECT
    program,
    service_channel,
    stage,
    countMerge(events) AS events
FROM uptake_hourly
WHERE (? = '' OR program = ?)
    AND hour >= toDateTime(?) AND hour < toDateTime(?)
GROUP BY program, service_channel, stage
ORDER BY program, service_channel, stage
