-- params: 1790000000
-- The newest record of each attribution slice (program, UTC hour) from an
-- instant on: the fingerprint of the marks its credits were computed from,
-- whether they had settled, and its generation (microseconds since the
-- epoch).
SELECT program, toUInt32(hour) AS hour_start,
    argMax(fingerprint, generation) AS fingerprint,
    argMax(settled, generation) AS settled,
    max(generation) AS newest
FROM attribution_slices
WHERE hour >= toDateTime(?)
GROUP BY program, hour
