-- params: 'oas', '2026-11-01', '2026-11-07'
-- The keys of a program's credit rows on the UTC days [from, to] whose
-- newest value is not 0: a recomputed slice writes 0 for those it no longer
-- has.
SELECT campaign, measure, by_kind, toString(day) AS day_text, toUInt32(hour) AS hour_start,
    stage, by_value, by_language
FROM attribution_credits
WHERE program = ? AND day >= toDate(?) AND day <= toDate(?)
GROUP BY campaign, measure, by_kind, day, hour, stage, by_value, by_language
HAVING argMax(value, generation) != 0
