//! A broker of a test's own beside the shared one, with the test's topics:
//! a replacement cluster whose offsets start again at zero (topics created
//! again, a rebuilt or disaster-recovery cluster). Started and stopped by
//! `deploy/local/services.sh` in a run folder of its own (memory storage).

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::TestEnv;
use crate::services::repo_root;

static NEXT: AtomicU32 = AtomicU32::new(0);

/// A running broker of our own; stopped and purged when dropped.
#[derive(Debug)]
pub struct OwnBroker {
    run_dir: PathBuf,
    /// `host:port` to bootstrap from.
    pub brokers: String,
}

impl OwnBroker {
    /// Starts a broker on a free port with `env`'s three topics, `partitions` each.
    pub fn start(env: &TestEnv, partitions: i32) -> OwnBroker {
        let run_dir = std::env::temp_dir().join(format!(
            "cmp-own-broker-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let t = &env.settings.topics;
        let started = services(&run_dir)
            .args(["start", "kafka"])
            .env("CMP_KAFKA_STORAGE", "memory")
            .env("CMP_PARTITIONS", partitions.to_string())
            .env("CMP_TOPIC_ENGAGEMENT", &t.engagement)
            .env("CMP_TOPIC_UPTAKE", &t.uptake)
            .env("CMP_TOPIC_DLQ", &t.dlq)
            .status()
            .expect("run services.sh");
        // Built before the check, so that a failed start is cleaned up too.
        let mut broker = OwnBroker {
            brokers: String::new(),
            run_dir,
        };
        assert!(started.success(), "services.sh start kafka failed");
        let env_sh = std::fs::read_to_string(broker.run_dir.join("env.sh")).expect("env.sh");
        broker.brokers = env_sh
            .lines()
            .find_map(|l| l.strip_prefix("export CMP_KAFKA_BROKERS="))
            .expect("CMP_KAFKA_BROKERS in env.sh")
            .trim_matches('\'')
            .to_owned();
        broker
    }
}

impl Drop for OwnBroker {
    fn drop(&mut self) {
        let _ = services(&self.run_dir).args(["stop", "--purge"]).status();
    }
}

/// `services.sh` on `run_dir`, choosing its own free ports.
fn services(run_dir: &std::path::Path) -> Command {
    let mut c = Command::new("bash");
    c.arg(repo_root().join("deploy/local/services.sh"))
        .env("CMP_RUN_DIR", run_dir)
        .env_remove("CMP_KAFKA_PORT")
        .env_remove("CMP_CH_HTTP_PORT")
        .env_remove("CMP_CH_TCP_PORT")
        .env_remove("CMP_PROM_PORT");
    c
}
