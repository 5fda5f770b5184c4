//! The project's binaries as child processes: started with a test's
//! variables, their output kept under `target/test-logs/`, stopped with
//! SIGTERM or killed with SIGKILL, their metrics scraped over HTTP.

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Where cargo put the binaries (next to the test executable's `deps/`).
pub fn bin_path(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let dir = exe
        .parent()
        .and_then(|d| d.parent())
        .expect("target profile dir");
    let path = dir.join(name);
    assert!(
        path.exists(),
        "{} is missing: build the binaries first (cargo build --bins)",
        path.display()
    );
    path
}

/// A free TCP port on 127.0.0.1.
pub fn free_addr() -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind port 0");
    l.local_addr().expect("local addr")
}

/// The folder of a test's process logs.
fn log_dir(test: &str) -> PathBuf {
    bin_path("cmp-ingest")
        .parent()
        .map(|d| d.join("test-logs").join(test))
        .expect("log dir")
}

/// Empties a test's log folder (logs of an earlier run would mislead it).
pub fn reset_logs(test: &str) {
    let _ = std::fs::remove_dir_all(log_dir(test));
}

/// What the process `name` of `test` has logged so far (empty before its
/// first line).
pub fn log_text(test: &str, name: &str) -> String {
    std::fs::read_to_string(log_dir(test).join(format!("{name}.log"))).unwrap_or_default()
}

fn log_file(test: &str, name: &str) -> std::fs::File {
    let dir = log_dir(test);
    std::fs::create_dir_all(&dir).expect("create log dir");
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join(format!("{name}.log")))
        .expect("open log")
}

/// A running child process of ours.
#[derive(Debug)]
pub struct Process {
    pub name: String,
    child: Child,
    pub metrics_addr: SocketAddr,
}

impl Process {
    /// Starts `bin` with `args` and `vars`, on a free metrics address; output to the test's log.
    pub fn spawn(
        test: &str,
        name: &str,
        bin: &str,
        args: &[&str],
        vars: &[(String, String)],
    ) -> Self {
        let metrics_addr = free_addr();
        let log = log_file(test, name);
        let err = log.try_clone().expect("clone log handle");
        let child = Command::new(bin_path(bin))
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("RUST_LOG", "info")
            .envs(vars.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .env("CMP_METRICS_ADDR", metrics_addr.to_string())
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(err)
            .spawn()
            .unwrap_or_else(|e| panic!("start {bin}: {e}"));
        Self {
            name: name.to_owned(),
            child,
            metrics_addr,
        }
    }

    /// SIGKILL, no chance to clean up.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then waits up to `limit` for the exit; returns its status and how long it took.
    pub fn terminate(&mut self, limit: Duration) -> (ExitStatus, Duration) {
        let start = Instant::now();
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM {} failed", self.name);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait child") {
                return (status, start.elapsed());
            }
            if start.elapsed() > limit {
                self.kill();
                panic!("{} did not exit within {limit:?} of SIGTERM", self.name);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Whether the process is still running.
    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// How the process ended; `None` while it runs.
    pub fn exit_status(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// The highest resident memory the process has used so far, in KiB
    /// (`VmHWM` of `/proc/<pid>/status`); `None` once it has exited.
    pub fn peak_rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    }

    /// `GET path` on the metrics address: (status code, body); `None` if unreachable.
    pub async fn get(&self, path: &str) -> Option<(u16, String)> {
        http_get(self.metrics_addr, path).await
    }

    /// The value of every sample of `metric` (any labels) added up.
    pub async fn metric_sum(&self, metric: &str) -> Option<f64> {
        let (_, body) = self.get("/metrics").await?;
        Some(metric_sum(&body, metric))
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if self.running() {
            self.kill();
        }
    }
}

/// Adds up every sample of `metric` in a Prometheus text body.
pub fn metric_sum(body: &str, metric: &str) -> f64 {
    body.lines()
        .filter(|l| !l.starts_with('#'))
        .filter(|l| {
            l.strip_prefix(metric)
                .is_some_and(|rest| rest.starts_with(['{', ' ']))
        })
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

/// A minimal HTTP/1.0 GET.
pub async fn http_get(addr: SocketAddr, path: &str) -> Option<(u16, String)> {
    let mut s = tokio::time::timeout(Duration::from_secs(2), tokio::net::TcpStream::connect(addr))
        .await
        .ok()?
        .ok()?;
    s.write_all(format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").as_bytes())
        .await
        .ok()?;
    let mut buf = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut buf))
        .await
        .ok()?
        .ok()?;
    let text = String::from_utf8_lossy(&buf);
    let code = text.split(' ').nth(1)?.parse().ok()?;
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Some((code, body))
}

/// Runs `bin` to completion and returns its status (output to the test's log).
pub fn run(test: &str, bin: &str, args: &[&str], vars: &[(String, String)]) -> ExitStatus {
    let log = log_file(test, bin);
    let err = log.try_clone().expect("clone log handle");
    Command::new(bin_path(bin))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(vars.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(err)
        .status()
        .unwrap_or_else(|e| panic!("run {bin}: {e}"))
}

impl Process {
    /// Waits for the process to exit by itself; panics after `limit`.
    pub async fn wait_exit(&mut self, limit: Duration) -> ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait child") {
                return status;
            }
            assert!(
                start.elapsed() < limit,
                "{} still running after {limit:?}",
                self.name
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}
