//! A Prometheus of a test's own: Debian's `prometheus`, started by
//! `deploy/local/services.sh` in a private run directory on a free port,
//! scraping the given jobs every second and evaluating the project's alert
//! rules; queried through its HTTP API; stopped and purged on drop.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::promql::url_encode;
use crate::services::repo_root;

/// A running Prometheus and its run directory.
#[derive(Debug)]
pub struct Prometheus {
    pub addr: SocketAddr,
    run_dir: PathBuf,
}

impl Prometheus {
    /// Starts Prometheus scraping `jobs` (job name, metrics address) every second.
    pub fn start(test: &str, jobs: &[(&str, SocketAddr)]) -> Self {
        let run_dir = std::env::temp_dir().join(format!("cmp-prom-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&run_dir);
        let targets: Vec<String> = jobs.iter().map(|(job, a)| format!("{job}={a}")).collect();
        // Stopped and purged on drop, also when the start fails below.
        let mut prom = Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            run_dir,
        };
        let status = services(&prom.run_dir)
            .args(["start", "prometheus"])
            .env("CMP_PROM_TARGETS", targets.join(","))
            .env("CMP_PROM_SCRAPE_INTERVAL", "1s")
            .status()
            .expect("run services.sh");
        let log = std::fs::read_to_string(prom.run_dir.join("prometheus/prometheus.log"))
            .unwrap_or_default();
        assert!(
            status.success(),
            "services.sh start prometheus failed ({status}); prometheus.log:\n{log}"
        );
        let env = std::fs::read_to_string(prom.run_dir.join("env.sh")).expect("env.sh");
        let port = env
            .lines()
            .find_map(|l| l.strip_prefix("export CMP_PROM_PORT="))
            .map(|p| p.trim_matches('\''))
            .and_then(|p| p.parse::<u16>().ok())
            .expect("CMP_PROM_PORT in env.sh");
        prom.addr.set_port(port);
        prom
    }

    /// `GET /api/v1/<path>`: the `data` of a successful answer, else the error.
    pub async fn api(&self, path: &str) -> Result<Value, String> {
        let (code, body) = crate::http_get(self.addr, &format!("/api/v1/{path}"))
            .await
            .ok_or("prometheus unreachable")?;
        let v: Value = serde_json::from_str(&body).map_err(|e| format!("{code}: {e}: {body}"))?;
        if v["status"] == "success" {
            Ok(v["data"].clone())
        } else {
            Err(format!("{code}: {}: {}", v["errorType"], v["error"]))
        }
    }

    /// An instant query: its result vector (or scalar as a one-element vector).
    pub async fn query(&self, expr: &str) -> Result<Vec<Value>, String> {
        let data = self
            .api(&format!("query?query={}", url_encode(expr)))
            .await?;
        match &data["result"] {
            Value::Array(series) if data["resultType"] == "vector" => Ok(series.clone()),
            other => Err(format!("{expr}: not a vector: {other}")),
        }
    }

    /// The value of a query returning one sample.
    pub async fn value(&self, expr: &str) -> Result<f64, String> {
        let series = self.query(expr).await?;
        match series.as_slice() {
            [one] => sample(one).ok_or_else(|| format!("{expr}: bad sample {one}")),
            _ => Err(format!("{expr}: {} series", series.len())),
        }
    }
}

/// The value of one series of a query result (`"NaN"` parses as NaN).
pub fn sample(series: &Value) -> Option<f64> {
    series["value"][1].as_str()?.parse().ok()
}

fn services(run_dir: &Path) -> Command {
    let mut c = Command::new("bash");
    c.arg(repo_root().join("deploy/local/services.sh"))
        .env("CMP_RUN_DIR", run_dir)
        // free ports, never those of the services the tests share
        .env_remove("CMP_PROM_PORT")
        .env_remove("CMP_CH_HTTP_PORT")
        .env_remove("CMP_CH_HTTPS_PORT")
        .env_remove("CMP_CH_TCP_PORT")
        .env_remove("CMP_KAFKA_PORT");
    c
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = services(&self.run_dir)
            .args(["stop", "--purge"])
            .stderr(std::process::Stdio::null())
            .status();
    }
}
