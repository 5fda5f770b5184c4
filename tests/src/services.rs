//! The services under test and per-test isolation: each test gets its own
//! database and its own topics, so tests run in parallel on one broker and
//! one ClickHouse server.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use cmp_config::{Settings, Source};
use cmp_store::Store;
use rdkafka::ClientConfig;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;

static NEXT: AtomicU32 = AtomicU32::new(0);

/// One test's slice of the services.
#[derive(Debug, Clone)]
pub struct TestEnv {
    /// `CMP_*` variables for the processes under test.
    pub vars: Vec<(String, String)>,
    pub settings: Settings,
    pub store: Store,
    pub brokers: String,
}

fn required(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run the integration tests through deploy/local/test.sh, which starts the services")
    })
}

impl TestEnv {
    /// The address of ClickHouse's HTTP interface the processes are given.
    pub fn clickhouse_addr(&self) -> SocketAddr {
        self.vars
            .iter()
            .find(|(k, _)| k == "CMP_CLICKHOUSE_URL")
            .and_then(|(_, url)| {
                url.strip_prefix("http://")?
                    .trim_end_matches('/')
                    .parse()
                    .ok()
            })
            .expect("CMP_CLICKHOUSE_URL is http://host:port")
    }

    /// A fresh database `t_<name>_<pid>_<n>` and fresh topics with `partitions` each.
    pub async fn new(name: &str, partitions: i32) -> Self {
        crate::proc::reset_logs(name);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let suffix = format!("{name}_{}_{n}", std::process::id());
        let brokers = required("CMP_KAFKA_BROKERS");
        let vars: Vec<(String, String)> = vec![
            ("CMP_KAFKA_BROKERS".into(), brokers.clone()),
            ("CMP_CLICKHOUSE_URL".into(), required("CMP_CLICKHOUSE_URL")),
            ("CMP_CLICKHOUSE_DATABASE".into(), format!("t_{suffix}")),
            (
                "CMP_TOPIC_ENGAGEMENT".into(),
                format!("t.{suffix}.engagement"),
            ),
            ("CMP_TOPIC_UPTAKE".into(), format!("t.{suffix}.uptake")),
            ("CMP_TOPIC_DLQ".into(), format!("t.{suffix}.dlq")),
            ("CMP_KAFKA_GROUP".into(), format!("t.{suffix}.ingest")),
            (
                "CMP_CLIENT_ID_KEY".into(),
                "test-key-0123456789-0123456789-0123456789".into(),
            ),
            (
                "CMP_DISCLOSURE_KEY".into(),
                "test-disclosure-key-0123456789-0123456789".into(),
            ),
            ("CMP_BATCH_MAX_WAIT_MS".into(), "200".into()),
            (
                "CMP_PARTITION_QUEUE".into(),
                std::env::var("CMP_TEST_PARTITION_QUEUE").unwrap_or_else(|_| "20000".into()),
            ),
        ];
        let settings = Settings::from_source(&Source::layered(None, vars.clone()).expect("source"))
            .expect("test settings are valid");
        let store = Store::new(&settings);
        let env = Self {
            vars,
            store,
            brokers,
            settings,
        };
        let topics = &env.settings.topics;
        env.create_topics(
            &[&topics.engagement, &topics.uptake, &topics.dlq],
            partitions,
        )
        .await;
        env
    }

    /// Creates topics (idempotent enough for tests: fails loudly on any error).
    pub async fn create_topics(&self, names: &[&str], partitions: i32) {
        let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
            .set("bootstrap.servers", &self.brokers)
            .create()
            .expect("admin client");
        let new: Vec<NewTopic<'_>> = names
            .iter()
            .map(|n| NewTopic::new(n, partitions, TopicReplication::Fixed(1)))
            .collect();
        let results = admin
            .create_topics(
                &new,
                &AdminOptions::new().operation_timeout(Some(Duration::from_secs(10))),
            )
            .await
            .expect("create topics");
        for r in results {
            r.expect("topic created");
        }
    }

    /// The same test on another broker (same database and topic names).
    pub fn with_broker(&self, brokers: &str) -> TestEnv {
        let vars = self.with("CMP_KAFKA_BROKERS", brokers);
        let settings = Settings::from_source(&Source::layered(None, vars.clone()).expect("source"))
            .expect("test settings are valid");
        TestEnv {
            vars,
            settings,
            store: self.store.clone(),
            brokers: brokers.to_owned(),
        }
    }

    /// The variables with one more set or replaced.
    pub fn with(&self, name: &str, value: &str) -> Vec<(String, String)> {
        let mut vars: Vec<(String, String)> = self
            .vars
            .iter()
            .filter(|(k, _)| k != name)
            .cloned()
            .collect();
        vars.push((name.to_owned(), value.to_owned()));
        vars
    }
}

/// The repository root: the tests crate's parent folder, as `cargo test`
/// names it when it runs the tests (a binary built in another checkout
/// sharing the target directory keeps that checkout's path at compile
/// time, which may be gone).
pub fn repo_root() -> PathBuf {
    let tests = std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    Path::new(&tests)
        .parent()
        .expect("repository root")
        .to_path_buf()
}

/// Runs `deploy/local/services.sh ARGS` on the services of this run
/// (`CMP_RUN_DIR`), e.g. `["stop", "clickhouse"]`; panics if it fails.
pub fn services_sh(args: &[&str]) {
    let status = std::process::Command::new("bash")
        .arg(repo_root().join("deploy/local/services.sh"))
        .args(args)
        .status()
        .expect("run services.sh");
    assert!(status.success(), "services.sh {args:?} failed");
}

/// Polls `check` every 200 ms until it returns `Some`, or panics after `limit`
/// naming `what` (the last observed value helps the reader of the failure).
pub async fn wait_until<T, F, Fut>(what: &str, limit: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, String>>,
{
    let start = Instant::now();
    loop {
        let last = match check().await {
            Ok(v) => return v,
            Err(state) => state,
        };
        assert!(
            start.elapsed() < limit,
            "timed out after {limit:?} waiting for {what}; last state: {last}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// ClickHouse hung: its server process stopped (SIGSTOP) with every
/// connection open, as a server that stops answering; resumed (SIGCONT)
/// when this is dropped, so a failing test never leaves it stopped.
#[derive(Debug)]
pub struct Hung {
    pid: String,
}

impl Hung {
    /// Stops the ClickHouse server of this run (`$CMP_RUN_DIR/clickhouse.pid`).
    pub fn start() -> Hung {
        let run =
            std::env::var_os("CMP_RUN_DIR").map_or_else(|| repo_root().join(".run"), PathBuf::from);
        let pid = std::fs::read_to_string(run.join("clickhouse.pid"))
            .expect("the ClickHouse pid file of this run")
            .trim()
            .to_owned();
        signal(&pid, "STOP");
        Hung { pid }
    }
}

impl Drop for Hung {
    fn drop(&mut self) {
        signal(&self.pid, "CONT");
    }
}

fn signal(pid: &str, name: &str) {
    let status = std::process::Command::new("kill")
        .args([&format!("-{name}"), pid])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -{name} {pid} failed");
}
