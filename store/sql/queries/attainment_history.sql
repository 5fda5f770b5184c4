-- params: 'oas-online-2026', 1790000000, 1790600000, 0, -1, -1, 50000
-- A campaign's recorded attainment over [from, to) (UTC seconds), oldest
-- first per target: every snapshot, or only the end-of-day ones (the
-- fourth value 1); one target (its index) or all (-1, bound twice).
SELECT
    target_index,
    kpi,
    target,
    toUInt32(recorded_at) AS at,
    end_of_day,
    actual,
    attainment,
    pace,
    status
FROM attainment_history
WHERE campaign_id = ?
    AND recorded_at >= toDateTime(?) AND recorded_at < toDateTime(?)
    AND (? = 0 OR end_of_day = 1)
    AND (? < 0 OR toInt32(target_index) = ?)
ORDER BY target_index, recorded_at
LIMIT ?
