-- params: 1790000000
-- How many events each (kind, program or campaign, UTC hour) from an instant
-- on has received (migration 0014): the aggregator's change detector. Read
-- from the first replica in order, as the copies are (attribution_slice_*.sql),
-- so that marks and rows come from one server while it answers.
SELECT toString(kind) AS kind_name, key, toUInt32(hour) AS hour_start, sum(events) AS events
FROM attribution_marks
WHERE hour >= toDateTime(?)
GROUP BY kind, key, hour
SETTINGS load_balancing = 'in_order'
