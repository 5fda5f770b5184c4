-- params: 'America/Toronto', 'region', 'region', 'oas', 1790000000, 1790600000
-- A program's uptake per experiment unit (region, fsa or office_id, picked
-- by the bound unit name, never pasted) and reporting day, attributed to a
-- campaign or not: by stage, and completed through `online`, for the KPIs of
-- a geographic experiment. Events without the unit's field are left out;
-- `day` is the day's first instant (seconds) in the reporting zone.
WITH ? AS tz
SELECT
    multiIf(? = 'region', region, ? = 'fsa', fsa, office_id) AS unit,
    toUInt32(toStartOfDay(event_time, tz)) AS day,
    toUInt64(countIf(stage = 'started')) AS started,
    toUInt64(countIf(stage = 'submitted')) AS submitted,
    toUInt64(countIf(stage = 'completed')) AS completed,
    toUInt64(countIf(stage = 'completed' AND service_channel = 'online')) AS online_completed
FROM events
WHERE kind = 'uptake' AND program = ?
    AND event_time >= toDateTime(?) AND event_time < toDateTime(?)
GROUP BY unit, day
HAVING unit != ''
ORDER BY unit, day
