//! The typed settings of the pipeline, one struct for the three processes:
//! each process reads the fields it needs and calls the `require_*` method
//! for the settings it cannot run without.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::{ConfigError, Secret, Source};

/// Every setting a `CMP_*` variable (or file key) may name.
pub(crate) const KNOWN: &[&str] = &[
    "CMP_CONFIG_FILE",
    "CMP_DEMO",
    "CMP_KAFKA_BROKERS",
    "CMP_KAFKA_GROUP",
    "CMP_KAFKA_MAX_POLL_INTERVAL_MS",
    "CMP_KAFKA_ASSIGNMENT",
    "CMP_KAFKA_FETCH_WAIT_MS",
    "CMP_TOPIC_ENGAGEMENT",
    "CMP_TOPIC_UPTAKE",
    "CMP_TOPIC_DLQ",
    "CMP_CLICKHOUSE_URL",
    "CMP_CLICKHOUSE_DATABASE",
    "CMP_CLICKHOUSE_USER",
    "CMP_CLICKHOUSE_PASSWORD",
    "CMP_CLICKHOUSE_TIMEOUT_SECS",
    "CMP_CLICKHOUSE_MAINTENANCE_TIMEOUT_SECS",
    "CMP_CLICKHOUSE_COMPRESSION",
    "CMP_API_ADDR",
    "CMP_METRICS_ADDR",
    "CMP_REPORT_TZ",
    "CMP_API_TOKENS_FILE",
    "CMP_CLIENT_ID_KEY",
    "CMP_BATCH_MAX_ROWS",
    "CMP_BATCH_MAX_WAIT_MS",
    "CMP_PARTITION_QUEUE",
    "CMP_MAX_EVENT_AGE_DAYS",
    "CMP_DEDUP_HORIZON_HOURS",
    "CMP_DEDUP_CAPACITY_KIB",
    "CMP_LOG_FORMAT",
    "CMP_RETENTION_DAYS",
    "CMP_HISTORY_INTERVAL_MIN",
    "CMP_HISTORY_INTERVAL_SECS",
    "CMP_PACE_ON_TRACK",
    "CMP_PACE_AT_RISK",
    "CMP_SUPPRESS_K",
    "CMP_DISCLOSURE_KEY",
    "CMP_ROUNDING_BASE",
];

/// The disclosure key of the local demo (`CMP_DEMO=true`): public, so
/// its rounding protects nothing.
pub const DEMO_DISCLOSURE_KEY: &str = "cmp-local-demo-disclosure-key-not-for-production";

/// The consumer group session timeout `cmp-ingest` sets: a member that sends
/// no heartbeat for this long is dropped from the group.
pub const KAFKA_SESSION_TIMEOUT: Duration = Duration::from_secs(10);

/// Kafka topic names (contract defaults, each configurable).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topics {
    pub engagement: String,
    pub uptake: String,
    pub dlq: String,
}

/// The whole configuration, parsed and checked.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Local demo mode: allows a missing HMAC key and tokens file (with a loud warning).
    pub demo: bool,
    /// Comma-separated `host:port` list handed to librdkafka.
    pub kafka_brokers: String,
    /// Consumer group of the ingest workers; every `cmp-ingest` of one pipeline shares it.
    pub kafka_group: String,
    /// librdkafka's `max.poll.interval.ms`: a member whose poll thread does
    /// not poll for this long leaves the group, and it is also how long the
    /// group waits for a member to finish a rebalance (its revocations).
    /// At least [`KAFKA_SESSION_TIMEOUT`] (librdkafka refuses less).
    pub kafka_max_poll_interval: Duration,
    /// librdkafka's `partition.assignment.strategy`: `cooperative-sticky`
    /// (a rebalance moves only the partitions that change owner) or an eager
    /// `range` / `roundrobin` (every member gives up every partition). One
    /// group cannot mix cooperative and eager members.
    pub kafka_assignment: String,
    /// librdkafka's `fetch.wait.max.ms`: how long the broker may hold a
    /// fetch that has not yet `fetch.min.bytes` to answer with. Shorter
    /// reads a quiet partition sooner, for more fetch requests.
    pub kafka_fetch_wait: Duration,
    pub topics: Topics,
    pub clickhouse_url: String,
    /// On a replicated, sharded cluster, one node URL of each shard: the
    /// aggregator's rebuild, retention and drift check change each shard's
    /// local tables there (`Distributed` tables cannot). Empty on one server.
    pub clickhouse_shard_urls: Vec<String>,
    /// Database holding every table; an identifier, checked at load.
    pub clickhouse_database: String,
    pub clickhouse_user: String,
    pub clickhouse_password: Option<Secret>,
    /// The longest one call to ClickHouse may take (a query, a poll, an
    /// INSERT): a server that has not answered by then is down, as one that
    /// refuses connections is. Queries carry it as `max_execution_time`, so
    /// the server also stops a query its client gave up on.
    pub clickhouse_timeout: Duration,
    /// The same for maintenance, which may run long on a large ledger: the
    /// migrations, rollup rebuilds and retention.
    pub clickhouse_maintenance_timeout: Duration,
    /// LZ4 on the wire (INSERT bodies and query results), or none.
    pub clickhouse_compression: Compression,
    pub api_addr: SocketAddr,
    pub metrics_addr: SocketAddr,
    /// Time zone of days, weeks and fiscal years in reports.
    pub report_tz: chrono_tz::Tz,
    pub api_tokens_file: Option<PathBuf>,
    /// HMAC-SHA-256 key pseudonymising `client_id` at ingest.
    pub client_id_key: Option<Secret>,
    /// A batch is flushed at this many rows (bounds memory per partition).
    pub batch_max_rows: usize,
    /// ... or when its oldest message has waited this long (bounds freshness).
    pub batch_max_wait: Duration,
    /// Messages queued per partition between the poll loop and its worker
    /// (past it the poll loop holds up to 8 MiB more, then pauses the partition).
    pub partition_queue: usize,
    /// Events older than this are refused (`event_too_old`).
    pub max_event_age_days: u32,
    /// Event hours kept in the in-memory dedup index; older ones are checked in ClickHouse.
    pub dedup_horizon_hours: u32,
    /// Bytes the dedup indexes of one `cmp-ingest` may hold together
    /// (`CMP_DEDUP_CAPACITY_KIB`, default 256 MiB): past it the oldest
    /// event hours are forgotten and the ledger decides for them. 0 keeps
    /// no index (every event is checked in the ledger).
    pub dedup_capacity_bytes: u64,
    /// `text` or `json` log lines.
    pub log_format: LogFormat,
    /// Ledger months entirely older than this many days are dropped (rollups
    /// and history are kept); longer than `max_event_age_days`, so ingest never
    /// writes into a month retention drops.
    pub retention_days: u32,
    /// How often the aggregator records attainment history (also once at the
    /// end of each reporting day). `CMP_HISTORY_INTERVAL_MIN` (default 15);
    /// `CMP_HISTORY_INTERVAL_SECS`, when set, wins (tests, demos).
    pub history_interval: Duration,
    /// How often the aggregator checks this month's and last month's rollups
    /// against the ledger and rebuilds a month that drifted (a view that
    /// failed after its INSERT reached the ledger). `CMP_DRIFT_CHECK_INTERVAL_MIN`
    /// (default 10); `CMP_DRIFT_CHECK_INTERVAL_SECS`, when set, wins.
    pub drift_check_interval: Duration,
    /// Pace at or above which a running target is on track.
    pub pace_on_track: f64,
    /// Pace at or above which (and below on-track) a running target is at risk.
    pub pace_at_risk: f64,
    /// Cells counting fewer than this many clients are suppressed in reports.
    pub suppress_k: u32,
    /// Secret keying the random rounding of client counts non-admins see
    /// (docs/privacy.md); the API refuses to start without it (but in demo mode).
    pub disclosure_key: Option<Secret>,
    /// Client counts non-admins see are randomly rounded to a multiple of
    /// this (1: exact); 0 is refused.
    pub rounding_base: u32,
}

/// How the ClickHouse client compresses what it sends and receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// ClickHouse's LZ4 framing (checksummed blocks), both ways.
    Lz4,
    None,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

impl Settings {
    /// Loads from `CMP_CONFIG_FILE` and the environment.
    pub fn load() -> Result<Self, ConfigError> {
        Self::from_source(&Source::from_process()?)
    }

    /// Settings from these variables alone (defaults for the rest), as a
    /// process would load them with only these set; no file is read.
    pub fn from_vars<'a>(
        vars: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, ConfigError> {
        let env = vars.into_iter().map(|(k, v)| (k.to_owned(), v.to_owned()));
        Self::from_source(&Source::layered(None, env)?)
    }

    /// Parses and checks every setting of `src`.
    pub fn from_source(src: &Source) -> Result<Self, ConfigError> {
        let demo = src.parse_or("CMP_DEMO", false)?;
        let topics = Topics {
            engagement: topic(src, "CMP_TOPIC_ENGAGEMENT", "cmp.engagement.v1")?,
            uptake: topic(src, "CMP_TOPIC_UPTAKE", "cmp.uptake.v1")?,
            dlq: topic(src, "CMP_TOPIC_DLQ", "cmp.dlq.v1")?,
        };
        if topics.engagement == topics.uptake
            || topics.dlq == topics.engagement
            || topics.dlq == topics.uptake
        {
            return Err(ConfigError::invalid(
                "CMP_TOPIC_DLQ",
                "the engagement, uptake and DLQ topics must be three different topics",
            ));
        }
        let clickhouse_url = src.string_or("CMP_CLICKHOUSE_URL", "http://127.0.0.1:8123");
        if !(clickhouse_url.starts_with("http://") || clickhouse_url.starts_with("https://")) {
            return Err(ConfigError::invalid(
                "CMP_CLICKHOUSE_URL",
                "must start with http:// or https://",
            ));
        }
        let clickhouse_compression =
            match src.string_or("CMP_CLICKHOUSE_COMPRESSION", "lz4").as_str() {
                "lz4" => Compression::Lz4,
                "none" => Compression::None,
                other => {
                    return Err(ConfigError::invalid(
                        "CMP_CLICKHOUSE_COMPRESSION",
                        format!("{other:?} is not `lz4` or `none`"),
                    ));
                }
            };
        let kafka_brokers = src.string_or("CMP_KAFKA_BROKERS", "127.0.0.1:9092");
        if kafka_brokers.split(',').any(|b| !b.trim().contains(':')) {
            return Err(ConfigError::invalid(
                "CMP_KAFKA_BROKERS",
                "expected a comma-separated list of host:port",
            ));
        }
        let kafka_max_poll_interval = Duration::from_millis(src.ranged(
            "CMP_KAFKA_MAX_POLL_INTERVAL_MS",
            300_000,
            1..=86_400_000,
        )?);
        if kafka_max_poll_interval < KAFKA_SESSION_TIMEOUT {
            return Err(ConfigError::invalid(
                "CMP_KAFKA_MAX_POLL_INTERVAL_MS",
                format!(
                    "{} must be at least the consumer session timeout ({} ms): librdkafka refuses a shorter one",
                    kafka_max_poll_interval.as_millis(),
                    KAFKA_SESSION_TIMEOUT.as_millis()
                ),
            ));
        }
        let kafka_assignment = src.string_or("CMP_KAFKA_ASSIGNMENT", "cooperative-sticky");
        if !["cooperative-sticky", "range", "roundrobin"].contains(&kafka_assignment.as_str()) {
            return Err(ConfigError::invalid(
                "CMP_KAFKA_ASSIGNMENT",
                format!("{kafka_assignment:?} is not cooperative-sticky, range or roundrobin"),
            ));
        }
        let tz_name = src.string_or("CMP_REPORT_TZ", "America/Toronto");
        let report_tz = tz_name.parse().map_err(|_| {
            ConfigError::invalid("CMP_REPORT_TZ", format!("unknown time zone {tz_name:?}"))
        })?;
        let log_format = match src.string_or("CMP_LOG_FORMAT", "text").as_str() {
            "text" => LogFormat::Text,
            "json" => LogFormat::Json,
            other => {
                return Err(ConfigError::invalid(
                    "CMP_LOG_FORMAT",
                    format!("{other:?} is not `text` or `json`"),
                ));
            }
        };
        let max_event_age_days = src.ranged("CMP_MAX_EVENT_AGE_DAYS", 90, 1..=3_650)?;
        let retention_days = src.ranged("CMP_RETENTION_DAYS", 400, 31..=36_500)?;
        if retention_days <= max_event_age_days {
            return Err(ConfigError::invalid(
                "CMP_RETENTION_DAYS",
                format!(
                    "{retention_days} must be greater than CMP_MAX_EVENT_AGE_DAYS ({max_event_age_days}): ingest would write into months retention drops"
                ),
            ));
        }
        let history_interval = interval(src, "CMP_HISTORY_INTERVAL", 15)?;
        let drift_check_interval = interval(src, "CMP_DRIFT_CHECK_INTERVAL", 10)?;
        let clickhouse_shard_urls = shard_urls(src)?;
        let pace_on_track = src.ranged("CMP_PACE_ON_TRACK", 0.90, 0.01..=10.0)?;
        let pace_at_risk = src.ranged("CMP_PACE_AT_RISK", 0.75, 0.01..=10.0)?;
        if pace_at_risk > pace_on_track {
            return Err(ConfigError::invalid(
                "CMP_PACE_AT_RISK",
                format!("{pace_at_risk} must not exceed CMP_PACE_ON_TRACK ({pace_on_track})"),
            ));
        }
        Ok(Self {
            demo,
            kafka_brokers,
            kafka_group: non_empty(src, "CMP_KAFKA_GROUP", "cmp-ingest")?,
            kafka_max_poll_interval,
            kafka_assignment,
            kafka_fetch_wait: Duration::from_millis(src.ranged(
                "CMP_KAFKA_FETCH_WAIT_MS",
                500,
                0..=300_000,
            )?),
            topics,
            clickhouse_url,
            clickhouse_shard_urls,
            clickhouse_database: identifier(src, "CMP_CLICKHOUSE_DATABASE", "cmp")?,
            clickhouse_user: src.string_or("CMP_CLICKHOUSE_USER", "default"),
            clickhouse_password: src.raw("CMP_CLICKHOUSE_PASSWORD").map(Secret::new),
            clickhouse_timeout: Duration::from_secs(src.ranged(
                "CMP_CLICKHOUSE_TIMEOUT_SECS",
                30,
                1..=3_600,
            )?),
            clickhouse_maintenance_timeout: Duration::from_secs(src.ranged(
                "CMP_CLICKHOUSE_MAINTENANCE_TIMEOUT_SECS",
                3_600,
                1..=86_400,
            )?),
            clickhouse_compression,
            api_addr: src.parse_or("CMP_API_ADDR", SocketAddr::from(([127, 0, 0, 1], 8080)))?,
            metrics_addr: src
                .parse_or("CMP_METRICS_ADDR", SocketAddr::from(([127, 0, 0, 1], 9464)))?,
            report_tz,
            api_tokens_file: src.raw("CMP_API_TOKENS_FILE").map(PathBuf::from),
            client_id_key: src.raw("CMP_CLIENT_ID_KEY").map(Secret::new),
            batch_max_rows: src.ranged("CMP_BATCH_MAX_ROWS", 20_000, 1..=1_000_000)?,
            batch_max_wait: Duration::from_millis(src.ranged(
                "CMP_BATCH_MAX_WAIT_MS",
                500,
                1..=60_000,
            )?),
            partition_queue: src.ranged("CMP_PARTITION_QUEUE", 20_000, 1..=1_000_000)?,
            max_event_age_days,
            dedup_horizon_hours: src.ranged("CMP_DEDUP_HORIZON_HOURS", 72, 48..=24 * 400)?,
            dedup_capacity_bytes: 1024
                * src.ranged::<u64>("CMP_DEDUP_CAPACITY_KIB", 256 * 1024, 0..=1 << 30)?,
            log_format,
            retention_days,
            history_interval,
            drift_check_interval,
            pace_on_track,
            pace_at_risk,
            suppress_k: src.ranged("CMP_SUPPRESS_K", 10, 1..=1_000)?,
            disclosure_key: src.raw("CMP_DISCLOSURE_KEY").map(Secret::new),
            rounding_base: src.ranged("CMP_ROUNDING_BASE", 5, 1..=1_000)?,
        })
    }

    /// The HMAC key; in demo mode a fixed, publicly known demo key.
    pub fn require_client_id_key(&self) -> Result<Secret, ConfigError> {
        match (&self.client_id_key, self.demo) {
            (Some(k), _) if k.expose().len() < 32 => Err(ConfigError::invalid(
                "CMP_CLIENT_ID_KEY",
                "must be at least 32 characters",
            )),
            (Some(k), _) => Ok(k.clone()),
            (None, true) => Ok(Secret::new("cmp-local-demo-key-not-for-production-use")),
            (None, false) => Err(ConfigError::Missing {
                setting: "CMP_CLIENT_ID_KEY".into(),
                why: "ingest pseudonymises client_id with it (set CMP_DEMO=true only for the local demo)".into(),
            }),
        }
    }

    /// The key of the API's random rounding; in demo mode a fixed, publicly
    /// known demo key.
    pub fn require_disclosure_key(&self) -> Result<Secret, ConfigError> {
        match (&self.disclosure_key, self.demo) {
            (Some(k), _) if k.expose().len() < 32 => Err(ConfigError::invalid(
                "CMP_DISCLOSURE_KEY",
                "must be at least 32 characters",
            )),
            (Some(k), _) => Ok(k.clone()),
            (None, true) => Ok(Secret::new(DEMO_DISCLOSURE_KEY)),
            (None, false) => Err(ConfigError::Missing {
                setting: "CMP_DISCLOSURE_KEY".into(),
                why: "the API keys the random rounding of the client counts non-admins see with it (set CMP_DEMO=true only for the local demo)".into(),
            }),
        }
    }

    /// The tokens file the API authenticates against.
    pub fn require_api_tokens_file(&self) -> Result<PathBuf, ConfigError> {
        self.api_tokens_file
            .clone()
            .ok_or_else(|| ConfigError::Missing {
                setting: "CMP_API_TOKENS_FILE".into(),
                why: "the API authenticates every request against it".into(),
            })
    }
}

fn non_empty(src: &Source, setting: &str, default: &str) -> Result<String, ConfigError> {
    let v = src.string_or(setting, default);
    if v.is_empty() {
        return Err(ConfigError::invalid(setting, "must not be empty"));
    }
    Ok(v)
}

/// A period set as `<PREFIX>_MIN` (1 to 1,440, default `default_min`), or
/// in seconds as `<PREFIX>_SECS` (1 to 86,400), which wins when set (tests,
/// demos).
fn interval(src: &Source, prefix: &str, default_min: u64) -> Result<Duration, ConfigError> {
    let secs = format!("{prefix}_SECS");
    if src.raw(&secs).is_some() {
        return Ok(Duration::from_secs(src.ranged(
            &secs,
            60 * default_min,
            1..=86_400,
        )?));
    }
    let min = src.ranged(&format!("{prefix}_MIN"), default_min, 1..=1_440)?;
    Ok(Duration::from_secs(60 * min))
}

/// `CMP_CLICKHOUSE_SHARD_URLS`: node URLs separated by spaces or commas,
/// each `http(s)://`, none twice.
fn shard_urls(src: &Source) -> Result<Vec<String>, ConfigError> {
    const SETTING: &str = "CMP_CLICKHOUSE_SHARD_URLS";
    let mut urls: Vec<String> = Vec::new();
    for url in src
        .string_or(SETTING, "")
        .split([' ', ','])
        .filter(|u| !u.is_empty())
    {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(ConfigError::invalid(
                SETTING,
                format!("{url:?} must start with http:// or https://"),
            ));
        }
        if urls.iter().any(|u| u == url) {
            return Err(ConfigError::invalid(
                SETTING,
                format!("{url} is named twice"),
            ));
        }
        urls.push(url.to_owned());
    }
    Ok(urls)
}

/// Kafka topic names: 1–249 of `a-zA-Z0-9._-` (Kafka's own rule).
fn topic(src: &Source, setting: &str, default: &str) -> Result<String, ConfigError> {
    let v = src.string_or(setting, default);
    let ok = (1..=249).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    if ok {
        Ok(v)
    } else {
        Err(ConfigError::invalid(
            setting,
            format!("{v:?} is not a valid Kafka topic name"),
        ))
    }
}

/// A ClickHouse identifier: `[a-z_][a-z0-9_]*`, so it can be named in DDL safely.
fn identifier(src: &Source, setting: &str, default: &str) -> Result<String, ConfigError> {
    let v = src.string_or(setting, default);
    let mut bytes = v.bytes();
    let ok = bytes
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b == b'_')
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && v.len() <= 64;
    if ok {
        Ok(v)
    } else {
        Err(ConfigError::invalid(
            setting,
            format!("{v:?} must match [a-z_][a-z0-9_]* (at most 64 characters)"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(file: Option<&str>, env: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let env = env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned()));
        Settings::from_source(&Source::layered(file.map(|t| ("cmp.toml", t)), env)?)
    }

    #[test]
    fn defaults_match_the_contract() {
        let s = load(None, &[]).expect("defaults are valid");
        assert_eq!(s.kafka_brokers, "127.0.0.1:9092");
        assert_eq!(s.clickhouse_url, "http://127.0.0.1:8123");
        assert_eq!(s.clickhouse_database, "cmp");
        assert_eq!(s.api_addr.to_string(), "127.0.0.1:8080");
        assert_eq!(s.metrics_addr.to_string(), "127.0.0.1:9464");
        assert_eq!(s.report_tz, chrono_tz::America::Toronto);
        assert_eq!(s.topics.dlq, "cmp.dlq.v1");
        assert_eq!(s.batch_max_wait, Duration::from_millis(500));
        assert!(s.api_tokens_file.is_none() && s.client_id_key.is_none());
        assert_eq!(s.retention_days, 400);
        assert_eq!(s.history_interval, Duration::from_secs(15 * 60));
        assert_eq!((s.pace_on_track, s.pace_at_risk), (0.90, 0.75));
        assert_eq!(s.suppress_k, 10);
        assert_eq!(s.clickhouse_timeout, Duration::from_secs(30));
        assert_eq!(s.clickhouse_maintenance_timeout, Duration::from_secs(3_600));
        assert_eq!(s.clickhouse_compression, Compression::Lz4);
        assert_eq!(s.rounding_base, 5);
        assert_eq!(s.kafka_max_poll_interval, Duration::from_secs(300));
        assert_eq!(s.kafka_assignment, "cooperative-sticky");
        assert_eq!(s.kafka_fetch_wait, Duration::from_millis(500));
        assert_eq!(s.dedup_capacity_bytes, 256 << 20);
    }

    #[test]
    fn dedup_capacity_is_in_kib_and_zero_keeps_no_index() {
        let s = load(None, &[("CMP_DEDUP_CAPACITY_KIB", "4")]).expect("valid");
        assert_eq!(s.dedup_capacity_bytes, 4096);
        let s = load(None, &[("CMP_DEDUP_CAPACITY_KIB", "0")]).expect("valid");
        assert_eq!(s.dedup_capacity_bytes, 0);
        let s = load(None, &[("CMP_KAFKA_FETCH_WAIT_MS", "10")]).expect("valid");
        assert_eq!(s.kafka_fetch_wait, Duration::from_millis(10));
    }

    #[test]
    fn max_poll_interval_is_at_least_the_session_timeout() {
        let err = load(None, &[("CMP_KAFKA_MAX_POLL_INTERVAL_MS", "9999")]).expect_err("short");
        let shown = err.to_string();
        assert!(
            shown.starts_with("CMP_KAFKA_MAX_POLL_INTERVAL_MS") && shown.contains("10000 ms"),
            "{shown}"
        );
        let s = load(None, &[("CMP_KAFKA_MAX_POLL_INTERVAL_MS", "10000")]).expect("valid");
        assert_eq!(s.kafka_max_poll_interval, KAFKA_SESSION_TIMEOUT);
    }

    #[test]
    fn history_interval_in_seconds_wins_over_minutes() {
        let s = load(None, &[("CMP_HISTORY_INTERVAL_MIN", "5")]).expect("valid");
        assert_eq!(s.history_interval, Duration::from_secs(300));
        let s = load(
            None,
            &[
                ("CMP_HISTORY_INTERVAL_MIN", "5"),
                ("CMP_HISTORY_INTERVAL_SECS", "2"),
            ],
        )
        .expect("valid");
        assert_eq!(s.history_interval, Duration::from_secs(2));
    }

    #[test]
    fn the_drift_check_runs_every_ten_minutes_unless_set() {
        let s = load(None, &[]).expect("valid");
        assert_eq!(s.drift_check_interval, Duration::from_secs(600));
        let s = load(None, &[("CMP_DRIFT_CHECK_INTERVAL_SECS", "3")]).expect("valid");
        assert_eq!(s.drift_check_interval, Duration::from_secs(3));
        let err = load(None, &[("CMP_DRIFT_CHECK_INTERVAL_MIN", "0")]).expect_err("0 minutes");
        assert!(
            err.to_string().contains("CMP_DRIFT_CHECK_INTERVAL_MIN"),
            "{err}"
        );
    }

    #[test]
    fn shard_urls_are_a_list_of_distinct_http_urls() {
        let s = load(None, &[]).expect("valid");
        assert!(s.clickhouse_shard_urls.is_empty());
        let s = load(
            None,
            &[(
                "CMP_CLICKHOUSE_SHARD_URLS",
                " http://a:8123, https://b:8443  http://c:1 ",
            )],
        )
        .expect("valid");
        assert_eq!(
            s.clickhouse_shard_urls,
            ["http://a:8123", "https://b:8443", "http://c:1"]
        );
        for bad in ["a:8123", "http://a:1 http://a:1"] {
            let err = load(None, &[("CMP_CLICKHOUSE_SHARD_URLS", bad)]).expect_err(bad);
            assert!(
                err.to_string().contains("CMP_CLICKHOUSE_SHARD_URLS"),
                "{err}"
            );
        }
    }

    #[test]
    fn retention_and_pace_settings_are_checked_together() {
        let cases: &[&[(&str, &str)]] = &[
            &[("CMP_RETENTION_DAYS", "90")],
            &[
                ("CMP_RETENTION_DAYS", "100"),
                ("CMP_MAX_EVENT_AGE_DAYS", "100"),
            ],
            &[("CMP_PACE_AT_RISK", "0.95")],
        ];
        let expected = [
            "CMP_RETENTION_DAYS",
            "CMP_RETENTION_DAYS",
            "CMP_PACE_AT_RISK",
        ];
        for (env, setting) in cases.iter().zip(expected) {
            let err = load(None, env).expect_err(setting);
            assert!(err.to_string().starts_with(setting), "{setting}: {err}");
        }
        let s = load(None, &[("CMP_RETENTION_DAYS", "91")]).expect("valid");
        assert_eq!(s.retention_days, 91);
    }

    #[test]
    fn environment_overrides_file_overrides_defaults() {
        let file = "clickhouse_database = \"fromfile\"\nbatch_max_rows = 500\n";
        let s = load(Some(file), &[("CMP_BATCH_MAX_ROWS", "700")]).expect("valid");
        assert_eq!(s.clickhouse_database, "fromfile");
        assert_eq!(s.batch_max_rows, 700);
    }

    #[test]
    fn invalid_values_name_the_setting() {
        let cases: &[(&str, &str)] = &[
            ("CMP_API_ADDR", "nowhere"),
            ("CMP_METRICS_ADDR", "1.2.3.4"),
            ("CMP_REPORT_TZ", "Mars/Olympus"),
            ("CMP_CLICKHOUSE_URL", "ftp://x"),
            ("CMP_CLICKHOUSE_DATABASE", "cmp; DROP"),
            ("CMP_BATCH_MAX_ROWS", "0"),
            ("CMP_BATCH_MAX_WAIT_MS", "soon"),
            ("CMP_KAFKA_BROKERS", "localhost"),
            ("CMP_TOPIC_DLQ", "cmp.uptake.v1"),
            ("CMP_TOPIC_UPTAKE", "bad topic"),
            ("CMP_DEMO", "maybe"),
            ("CMP_LOG_FORMAT", "xml"),
            ("CMP_MAX_EVENT_AGE_DAYS", "-1"),
            ("CMP_RETENTION_DAYS", "30"),
            ("CMP_HISTORY_INTERVAL_MIN", "0"),
            ("CMP_HISTORY_INTERVAL_SECS", "0"),
            ("CMP_PACE_ON_TRACK", "NaN"),
            ("CMP_PACE_AT_RISK", "-1"),
            ("CMP_SUPPRESS_K", "0"),
            ("CMP_CLICKHOUSE_TIMEOUT_SECS", "0"),
            ("CMP_CLICKHOUSE_TIMEOUT_SECS", "3601"),
            ("CMP_CLICKHOUSE_MAINTENANCE_TIMEOUT_SECS", "0"),
            ("CMP_CLICKHOUSE_COMPRESSION", "zstd"),
            ("CMP_ROUNDING_BASE", "0"),
            ("CMP_KAFKA_MAX_POLL_INTERVAL_MS", "0"),
            ("CMP_KAFKA_ASSIGNMENT", "sticky"),
            ("CMP_KAFKA_FETCH_WAIT_MS", "-1"),
            ("CMP_KAFKA_FETCH_WAIT_MS", "300001"),
            ("CMP_DEDUP_CAPACITY_KIB", "256MiB"),
            ("CMP_DEDUP_CAPACITY_KIB", "-5"),
            ("CMP_DEDUP_CAPACITY_KIB", "1073741825"),
        ];
        for (setting, value) in cases {
            let err = load(None, &[(setting, value)]).expect_err(setting);
            assert!(err.to_string().starts_with(setting), "{setting}: {err}");
        }
    }

    #[test]
    fn unknown_file_keys_are_refused() {
        let err = load(Some("batch_rows = 5\n"), &[]).expect_err("unknown key");
        assert!(
            err.to_string().contains("unknown setting `batch_rows`"),
            "{err}"
        );
    }

    #[test]
    fn secrets_are_required_outside_demo_and_never_printed() {
        let s = load(None, &[]).expect("valid");
        let err = s.require_client_id_key().expect_err("missing");
        assert!(err.to_string().starts_with("CMP_CLIENT_ID_KEY is required"));
        assert!(s.require_api_tokens_file().is_err());
        let demo = load(None, &[("CMP_DEMO", "true")]).expect("valid");
        assert!(demo.require_client_id_key().is_ok());
        let key = "k".repeat(40);
        let s = load(
            None,
            &[
                ("CMP_CLIENT_ID_KEY", &key),
                ("CMP_CLICKHOUSE_PASSWORD", "pw-secret"),
            ],
        )
        .expect("valid");
        let shown = format!("{s:?}");
        assert!(
            !shown.contains(&key) && !shown.contains("pw-secret"),
            "{shown}"
        );
        let short = load(None, &[("CMP_CLIENT_ID_KEY", "short")]).expect("valid");
        assert!(short.require_client_id_key().is_err());
    }

    #[test]
    fn the_disclosure_key_is_required_outside_demo_and_never_printed() {
        let s = load(None, &[]).expect("valid");
        let err = s.require_disclosure_key().expect_err("missing");
        assert!(
            err.to_string()
                .starts_with("CMP_DISCLOSURE_KEY is required"),
            "{err}"
        );
        let demo = load(None, &[("CMP_DEMO", "true")]).expect("valid");
        assert!(demo.require_disclosure_key().is_ok());
        let key = "d".repeat(40);
        let s = load(None, &[("CMP_DISCLOSURE_KEY", &key)]).expect("valid");
        assert_eq!(
            s.require_disclosure_key().map(|k| k.expose().len()).ok(),
            Some(40)
        );
        assert!(!format!("{s:?}").contains(&key));
        let short = load(None, &[("CMP_DISCLOSURE_KEY", "short")]).expect("valid");
        assert!(short.require_disclosure_key().is_err());
    }
}
