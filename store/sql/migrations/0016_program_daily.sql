-- The daily uptake tier sorted by campaign first, and a program's completed
-- uptake in a table of its own (issue 14). A campaign's uptake counts
-- whatever its program, so its query cannot narrow `uptake_daily` by
-- program, and sorted by program first (0015) that table made it read
-- about a third of its rows: rows growing with every campaign's data, not
-- with the question. Sorted by campaign, grouping and day, a campaign's
-- query reads its own granules. A program's completed uptake (whatever
-- its campaign, the program KPIs) then reads `program_daily`: per program,
-- grouping, local day and service channel, at most one of segment, region,
-- language kept (bits as in 0015), completed uptake only; kept by four
-- views on every INSERT into `events` and rebuilt and drift-checked with
-- the other daily tables.
-- ClickHouse cannot change a sorting key: the rows are copied into a new
-- table that takes `uptake_daily`'s name (the copy keeps 0015's rows, no
-- rebuild needed), and `program_daily` is filled from them. Views are
-- dropped before the copy and created after it: an INSERT in between
-- reaches the ledger and the hourly rollups but not these two tables, and
-- the aggregator's drift check rebuilds that month (run `migrate` with
-- cmp-ingest stopped to avoid it). The old table is derived data and is
-- dropped.
-- Runs only on a single node without `program_daily`
-- (store/sql/queries/migration_0016_needed.sql); a cluster's schema.sql
-- has both already. Interrupted, it starts again from a fresh copy; an
-- empty or short `program_daily` left behind is the drift check's to fill.
DROP TABLE IF EXISTS uptake_daily_0016;

DROP TABLE IF EXISTS uptake_daily_before_0016;

CREATE TABLE uptake_daily_0016
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
ORDER BY (campaign_id, grouping, day, program, service_channel, stage, segment, region, language)
SETTINGS index_granularity = 1024;

DROP TABLE IF EXISTS uptake_daily_total_mv;

DROP TABLE IF EXISTS uptake_daily_segment_mv;

DROP TABLE IF EXISTS uptake_daily_region_mv;

DROP TABLE IF EXISTS uptake_daily_language_mv;

INSERT INTO uptake_daily_0016 SELECT * FROM uptake_daily;

RENAME TABLE uptake_daily TO uptake_daily_before_0016, uptake_daily_0016 TO uptake_daily;

DROP TABLE uptake_daily_before_0016;

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

CREATE TABLE IF NOT EXISTS program_daily
(
    month UInt32,
    day DateTime,
    program String,
    grouping UInt8,
    service_channel String,
    segment String,
    region String,
    language String,
    tally UInt64
)
ENGINE = SummingMergeTree(tally)
PARTITION BY month
ORDER BY (program, grouping, day, service_channel, segment, region, language)
SETTINGS index_granularity = 1024;

INSERT INTO program_daily (month, day, program, grouping, service_channel, segment, region, language, tally)
SELECT month, day, program, grouping, service_channel, segment, region, language, sum(tally)
FROM uptake_daily
WHERE stage = 'completed'
GROUP BY month, day, program, grouping, service_channel, segment, region, language;

CREATE MATERIALIZED VIEW IF NOT EXISTS program_daily_total_mv
TO program_daily AS
SELECT
    toYYYYMM(event_time) AS month,
    toDateTime(toStartOfDay(event_time, 'America/Toronto')) AS day,
    program,
    toUInt8(0) AS grouping,
    service_channel,
    '' AS segment, '' AS region, '' AS language,
    count() AS tally
FROM events
WHERE kind = 'uptake' AND stage = 'completed'
GROUP BY month, day, program, grouping, service_channel, segment, region, language;

CREATE MATERIALIZED VIEW IF NOT EXISTS program_daily_segment_mv
TO program_daily AS
SELECT
    toYYYYMM(event_time) AS month,
    toDateTime(toStartOfDay(event_time, 'America/Toronto')) AS day,
    program,
    toUInt8(1) AS grouping,
    service_channel,
    segment, '' AS region, '' AS language,
    count() AS tally
FROM events
WHERE kind = 'uptake' AND stage = 'completed'
GROUP BY month, day, program, grouping, service_channel, segment, region, language;

CREATE MATERIALIZED VIEW IF NOT EXISTS program_daily_region_mv
TO program_daily AS
SELECT
    toYYYYMM(event_time) AS month,
    toDateTime(toStartOfDay(event_time, 'America/Toronto')) AS day,
    program,
    toUInt8(8) AS grouping,
    service_channel,
    '' AS segment, region, '' AS language,
    count() AS tally
FROM events
WHERE kind = 'uptake' AND stage = 'completed'
GROUP BY month, day, program, grouping, service_channel, segment, region, language;

CREATE MATERIALIZED VIEW IF NOT EXISTS program_daily_language_mv
TO program_daily AS
SELECT
    toYYYYMM(event_time) AS month,
    toDateTime(toStartOfDay(event_time, 'America/Toronto')) AS day,
    program,
    toUInt8(16) AS grouping,
    service_channel,
    '' AS segment, '' AS region, language,
    count() AS tally
FROM events
WHERE kind = 'uptake' AND stage = 'completed'
GROUP BY month, day, program, grouping, service_channel, segment, region, language;
