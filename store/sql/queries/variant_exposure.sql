-- params: 'oas-online-2026', 1790000000, 1790600000
-- A campaign's message-test exposure in [from, to) (UTC hours) per variant
-- and language, from its rollup (migration 0014): distinct clients with an
-- engagement event of the variant (exact: the hours' client sets merged),
-- and its clicks (the events' counts). Events without a variant are not
-- part of a test and are not in the rollup.
SELECT variant, language,
    toUInt64(uniqExactMerge(clients)) AS exposed,
    toUInt64(sumMerge(click_count)) AS clicks
FROM variant_hourly
WHERE campaign_id = ? AND hour >= toDateTime(?) AND hour < toDateTime(?)
GROUP BY variant, language
ORDER BY variant, language
