-- The daily tier (issue 14): per campaign and local day of America/Toronto,
-- the sums a report adds up, for the whole campaign and for each single
-- breakdown dimension, so that a report over days reads rows that grow
-- with days × values asked, not with events. Kept by materialized views on
-- every INSERT into `events` (one view per grouping, each a plain GROUP BY:
-- 18.16 refuses UNION in a view, and one view fanning each event out to
-- every grouping with arrayJoin cost 5 times as much), rebuilt month by
-- month with the hourly rollups by `cmp-aggregator rebuild`, and checked
-- by its drift check.
-- - `month` is the UTC month of the events (the ledger's partition), so a
--   ledger month is rebuilt into the same partition here;
-- - `day` is the first instant of the event's local day;
-- - `grouping` says which dimensions a row keeps (bits in Dimension order:
--   1 segment, 2 channel, 4 service channel, 8 region, 16 language); the
--   others are '' (no stored value is empty);
-- - engagement: every grouping of at most one dimension, counts (`tally`
--   events, `units` their count, `spend_cents`) as plain sums;
-- - the engine sums only the columns it is told to: left to choose, it
--   sums every number outside the sort key, `month` with the rest, so that
--   merged rows left their month (`WHERE month = …` missed them);
-- - uptake: program, campaign, service channel and stage always kept, and
--   at most one of segment, region, language;
-- - reach: a uniqCombined sketch of the engagement clients for the whole
--   campaign, per segment and per region (sketches cost the most to
--   write: channel and language reach is read from the hourly tier);
-- - sorted by campaign (uptake: program, grouping, campaign), grouping and
--   day, in granules of 1,024 rows, so that a report's query reads little
--   more than its own rows.
-- Older rows reach these tables when the aggregator starts: its first
-- drift check covers every month retention keeps (docs/runbook.md).
CREATE TABLE IF NOT EXISTS engagement_daily
(
    month UInt32,
    day DateTime,
    campaign_id String,
    grouping UInt8,
    segment String,
    channel String,
    region String,
    language String,
    action String,
    tally UInt64,
    units UInt64,
    spend_cents UInt64
)
ENGINE = SummingMergeTree((tally, units, spend_cents))
PARTITION BY month
ORDER BY (campaign_id, grouping, day, segment, channel, region, language, action)
SETTINGS index_granularity = 1024;

CREATE TABLE IF NOT EXISTS uptake_daily
(
    month UInt32,
    day DateTime,
    program String,
    campaign_id String,
    grouping UInt8,
    service_channel String,
    stage String,
    segment String,
    region String,
    language String,
    tally UInt64
)
ENGINE = SummingMergeTree(tally)
PARTITION BY month
ORDER BY (program, grouping, campaign_id, day, service_channel, stage, segment, region, language)
SETTINGS index_granularity = 1024;

CREATE TABLE IF NOT EXISTS reach_daily
(
    month UInt32,
    day DateTime,
    campaign_id String,
    grouping UInt8,
    segment String,
    region String,
    reach AggregateFunction(uniqCombined, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY month
ORDER BY (campaign_id, grouping, day, segment, region)
SETTINGS index_granularity = 1024;

CREATE MATERIALIZED VIEW IF NOT EXISTS engagement_daily_total_mv
TO engagement_daily AS
SELECT
    toYYYYMM(event_time) AS month,
    toDateTime(toStartOfDay(event_time, 'America/Toronto')) AS day,
    campaign_id,
    toUInt8(0) AS grouping,
    '' AS segment, '' AS channel, '' AS region, '' AS language,
    action,
    count() AS tally,
    sum(count) AS units,
    sum(cost_cents) AS spend_cents
FROM events
WHERE kind = 'engagement'
GROUP BY month, day, campaign_id, grouping, segment, channel, region, language, action;

CREATE MATERIALIZED VIEW IF NOT EXISTS engagement_daily_segment_mv
TO engagement_daily AS
SELECT
    toYYYYMM(event_time) AS month,
    toDateTime(toStartOfDay(event_time, 'America/Toronto')) AS day,
    campaign_id,
    toUInt8(1) AS grouping,
    segment, '' AS channel, '' AS region, '' AS language,
    action,
    count() AS tally,
    sum(count) AS units,
    sum(cost_cents) AS spend_cents
FROM events
WHERE kind = 'engagement'
GROUP BY month, day, campaign_id, grouping, segment, channel, region, language, action;

CREATE MATERIALIZED VIEW IF NOT EXISTS engagement_daily_channel_mv
TO engagement_daily AS
SELECT
    toYYYYMM(event_time) AS month,
    toDateTime(toStartOfDay(event_time, 'America/Toronto')) AS day,
    campaign_id,
    toUInt8(2) AS grouping,
    '' AS segment, channel, '' AS region, '' AS language,
    action,
    count() AS tally,
    sum(count) AS units,
    sum(cost_cents) AS spend_cents
FROM events
WHERE kind = 'engagement'
GROUP BY month, day, campaign_id, grouping, segment, channel, region, language, action;

CREATE MATERIALIZED VIEW IF NOT EXISTS engagement_daily_region_mv
TO engagement_daily AS
SELECT
    toYYYYMM(event_time) AS month,
    toDateTime(toStartOfDay(event_time, 'America/Toronto')) AS day,
    campaign_id,
    toUInt8(8) AS grouping,
    '' AS segment, '' AS channel, region, '' AS language,
    action,
    count() AS tally,
    sum(count) AS units,
    sum(cost_cents) AS spend_cents
FROM events
WHERE kind = 'engagement'
GROUP BY month, day, campaign_id, grouping, segment, channel, region, language, action;

CREATE MATERIALIZED VIEW IF NOT EXISTS engagement_daily_language_mv
TO engagement_daily AS
SELECT
    toYYYYMM(event_time) AS month,
    toDateTime(toStartOfDay(event_time, 'America/Toronto')) AS day,
    campaign_id,
    toUInt8(16) AS grouping,
    '' AS segment, '' AS channel, '' AS region, language,
    action,
    count() AS tally,
    sum(count) AS units,
    sum(cost_cents) AS spend_cents
FROM events
WHERE kind = 'engagement'
GROUP BY month, day, campaign_id, grouping, segment, channel, region, language, action;

CREATE MATERIALIZED VIEW IF NOT EXISTS uptake_daily_total_mv
TO uptake_daily AS
SELECT
    toYYYYMM(event_time) AS month,
    toDateTime(toStartOfDay(event_time, 'America/Toronto')) AS day,
    program, campaign_id,
    toUInt8(0) AS grouping,
    service_channel, stage,
    '' AS segment, '' AS region, '' AS language,
    count() AS tally
FROM events
WHERE kind = 'uptake'
GROUP BY month, day, program, campaign_id, grouping, service_channel, stage, segment, region, language;

CREATE MATERIALIZED VIEW IF NOT EXISTS uptake_daily_segment_mv
TO uptake_daily AS
SELECT
    toYYYYMM(event_time) AS month,
    toDateTime(toStartOfDay(event_time, 'America/Toronto')) AS day,
    program, campaign_id,
    toUInt8(1) AS grouping,
    service_channel, stage,
    segment, '' AS region, '' AS language,
    count() AS tally
FROM events
WHERE kind = 'uptake'
GROUP BY month, day, program, campaign_id, grouping, service_channel, stage, segment, region, language;

CREATE MATERIALIZED VIEW IF NOT EXISTS uptake_daily_region_mv
TO uptake_daily AS
SELECT
    toYYYYMM(event_time) AS month,
    toDateTime(toStartOfDay(event_time, 'America/Toronto')) AS day,
    program, campaign_id,
    toUInt8(8) AS grouping,
    service_channel, stage,
    '' AS segment, region, '' AS language,
    count() AS tally
FROM events
WHERE kind = 'uptake'
GROUP BY month, day, program, campaign_id, grouping, service_channel, stage, segment, region, language;

CREATE MATERIALIZED VIEW IF NOT EXISTS uptake_daily_language_mv
TO uptake_daily AS
SELECT
    toYYYYMM(event_time) AS month,
    toDateTime(toStartOfDay(event_time, 'America/Toronto')) AS day,
    program, campaign_id,
    toUInt8(16) AS grouping,
    service_channel, stage,
    '' AS segment, '' AS region, language,
    count() AS tally
FROM events
WHERE kind = 'uptake'
GROUP BY month, day, program, campaign_id, grouping, service_channel, stage, segment, region, language;

CREATE MATERIALIZED VIEW IF NOT EXISTS reach_daily_total_mv
TO reach_daily AS
SELECT
    toYYYYMM(event_time) AS month,
    toDateTime(toStartOfDay(event_time, 'America/Toronto')) AS day,
    campaign_id,
    toUInt8(0) AS grouping,
    '' AS segment, '' AS region,
    uniqCombinedState(client_hash) AS reach
FROM events
WHERE kind = 'engagement' AND client_hash != ''
GROUP BY month, day, campaign_id, grouping, segment, region;

CREATE MATERIALIZED VIEW IF NOT EXISTS reach_daily_segment_mv
TO reach_daily AS
SELECT
    toYYYYMM(event_time) AS month,
    toDateTime(toStartOfDay(event_time, 'America/Toronto')) AS day,
    campaign_id,
    toUInt8(1) AS grouping,
    segment, '' AS region,
    uniqCombinedState(client_hash) AS reach
FROM events
WHERE kind = 'engagement' AND client_hash != ''
GROUP BY month, day, campaign_id, grouping, segment, region;

CREATE MATERIALIZED VIEW IF NOT EXISTS reach_daily_region_mv
TO reach_daily AS
SELECT
    toYYYYMM(event_time) AS month,
    toDateTime(toStartOfDay(event_time, 'America/Toronto')) AS day,
    campaign_id,
    toUInt8(8) AS grouping,
    '' AS segment, region,
    uniqCombinedState(client_hash) AS reach
FROM events
WHERE kind = 'engagement' AND client_hash != ''
GROUP BY month, day, campaign_id, grouping, segment, region;
