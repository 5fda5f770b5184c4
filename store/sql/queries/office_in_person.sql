-- params: 'America/Toronto', 'ON-0001', 1790000000, 1790600000
-- In-person uptake served at one office in the UTC instants [start, end),
-- by program, stage and local day of the reporting time zone (its first
-- instant, UTC seconds): the days are the daily atoms a non-admin's counts
-- are published from (docs/privacy.md). Read from the ledger (the rollups
-- have no office_id), each event once by its event_id.
WITH ? AS tz
SELECT program, stage, toUInt32(toStartOfDay(t, tz)) AS day, count() AS events
FROM
(
    SELECT event_id, any(program) AS program, any(stage) AS stage,
        any(event_time) AS t
    FROM events
    WHERE kind = 'uptake' AND office_id = ? AND service_channel = 'in_person'
        AND event_time >= toDateTime(?) AND event_time < toDateTime(?)
    GROUP BY event_id
)
GROUP BY program, stage, day
ORDER BY program, stage, day
