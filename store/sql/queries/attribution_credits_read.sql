-- params: 'oas', 'oas-online-2026', ['last_touch', 'referred', 'both'], [''], 1793505600, 1794110400
-- A campaign's kept attribution (migration 0014) for the measures and
-- groupings asked, per UTC hour of the uptake in [from, to): the newest
-- value of each key, zeros left out. Rows read follow the hours and groups
-- asked, not the events behind them: the measures and groupings are sets
-- (`IN`), which the table's key narrows to.
SELECT measure, by_kind, stage, by_value, by_language, toUInt32(hour) AS hour_start, value
FROM
(
    SELECT measure, by_kind, stage, by_value, by_language, hour, argMax(value, generation) AS value
    FROM attribution_credits
    WHERE program = ? AND campaign = ?
        AND measure IN (SELECT arrayJoin(?)) AND by_kind IN (SELECT arrayJoin(?))
        AND hour >= toDateTime(?) AND hour < toDateTime(?)
    GROUP BY measure, by_kind, stage, by_value, by_language, hour
)
WHERE value != 0
