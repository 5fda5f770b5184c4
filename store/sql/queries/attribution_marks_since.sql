-- params: '2026-09-01'
-- How many events each (kind, program or campaign, UTC day) from a day on
-- has received (migration 0014): the aggregator's change detector. Read from
-- the first replica in order, as the copies are (attribution_slice_*.sql), so
-- that marks and rows come from one server while it answers.
SELECT toString(kind) AS kind_name, key, toString(day) AS day_text, sum(events) AS events
FROM attribution_marks
WHERE day >= toDate(?)
GROUP BY kind, key, day
SETTINGS load_balancing = 'in_order'
