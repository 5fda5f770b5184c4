-- params: 'cmp.engagement.v1', 3, 100
-- Offsets of one partition already in the ledger at or past the committed offset:
-- a worker resumes after them and skips any it meets again.
SELECT src_offset FROM events
WHERE src_topic = ? AND src_partition = ? AND src_offset >= ?
ORDER BY src_offset
