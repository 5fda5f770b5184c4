-- params: '2026-09-01'
-- The newest record of each attribution slice (program, UTC day) from a day
-- on: the fingerprint of the marks its credits were computed from, whether
-- they had settled, and its generation (microseconds since the epoch).
SELECT program, toString(day) AS day_text,
    argMax(fingerprint, generation) AS fingerprint,
    argMax(settled, generation) AS settled,
    max(generation) AS newest
FROM attribution_slices
WHERE day >= toDate(?)
GROUP BY program, day
