-- params: 'cmp.engagement.v1', 3, 100
-- The events of one partition already in the ledger at or past an offset,
-- with their ids: a worker skips a message it meets again only where the
-- stored event is the same (offsets can be reused: a topic created again,
-- a replacement cluster); a failed INSERT is retried only for the rest.
SELECT src_offset, event_id FROM events
WHERE src_topic = ? AND src_partition = ? AND src_offset >= ?
ORDER BY src_offset
