-- params: 'oas', 1790000000, 1790600000
-- The keys of a program's credit rows in the UTC hours [from, to) whose
-- newest value is not 0: a recomputed slice writes 0 for those it no longer
-- has.
SELECT campaign, measure, by_kind, toUInt32(hour) AS hour_start, stage, by_value, by_language
FROM attribution_credits
WHERE program = ? AND hour >= toDateTime(?) AND hour < toDateTime(?)
GROUP BY campaign, measure, by_kind, hour, stage, by_value, by_language
HAVING argMax(value, generation) != 0
