-- params: ['oas-online-2026', 'ei-digital-2026']
-- Uptake events attributed to the given campaigns, counted by the hourly
-- rollup: the freshness probe's `uptake` point, the same events its `api`
-- point counts through the API.
SELECT toUInt64(countMerge(events)) FROM uptake_hourly
WHERE campaign_id IN (SELECT arrayJoin(?))
