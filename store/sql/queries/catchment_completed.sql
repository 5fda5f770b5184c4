-- params: 'America/Toronto', ['K2P', 'K1A'], 1790000000, 1790600000
-- Completed uptake of clients in a catchment (events whose fsa is one of
-- the bound list) in the UTC instants [start, end), by program, service
-- channel and local day of the reporting time zone: an office's
-- catchment online share. Read from the ledger (the rollups have no fsa),
-- each event once by its event_id.
WITH ? AS tz
SELECT program, service_channel, toUInt32(toStartOfDay(t, tz)) AS day,
    count() AS events
FROM
(
    SELECT event_id, any(program) AS program,
        any(service_channel) AS service_channel, any(event_time) AS t
    FROM events
    WHERE kind = 'uptake' AND stage = 'completed' AND has(?, fsa)
        AND event_time >= toDateTime(?) AND event_time < toDateTime(?)
    GROUP BY event_id
)
GROUP BY program, service_channel, day
ORDER BY program, service_channel, day
