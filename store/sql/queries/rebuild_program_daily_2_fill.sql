-- params: cmp_check_staging_program_daily, events, 197001
-- One month of the daily program tier recomputed from the ledger: the rows
-- of migration 0016's four views (the whole program, then one of segment,
-- region, language each), restricted to the month, in one pass.
INSERT INTO ? (month, day, program, grouping, service_channel, segment, region, language, tally)
SELECT
    toYYYYMM(event_time) AS month,
    toDateTime(toStartOfDay(event_time, 'America/Toronto')) AS day,
    program,
    arrayJoin([0, 1, 8, 16]) AS grouping,
    service_channel,
    if(bitTest(grouping, 0), e.segment, '') AS segment,
    if(bitTest(grouping, 3), e.region, '') AS region,
    if(bitTest(grouping, 4), e.language, '') AS language,
    count() AS tally
FROM ? AS e
WHERE kind = 'uptake' AND stage = 'completed' AND toYYYYMM(event_time) = ?
GROUP BY month, day, program, grouping, service_channel, segment, region, language
