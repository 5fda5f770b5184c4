//! A client that keeps asking the API during a chaos run and tallies how
//! each attempt ended: the availability the API's users saw while its
//! processes were killed and ClickHouse stopped.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tokio::task::JoinHandle;

use crate::http::try_request;

/// How the attempts ended.
#[derive(Debug, Default)]
pub struct Tally {
    /// Answers by status.
    pub answered: BTreeMap<u16, u64>,
    /// Connections refused (no instance listening).
    pub unreachable: u64,
    /// Connections cut before a whole answer (an instance killed mid-request).
    pub cut: u64,
    /// No answer within the limit.
    pub no_answer: u64,
    /// Longest time between two 200 answers.
    pub longest_gap: Duration,
}

impl Tally {
    pub fn attempts(&self) -> u64 {
        self.answered.values().sum::<u64>() + self.unreachable + self.cut + self.no_answer
    }
}

/// The running client.
#[derive(Debug)]
pub struct Prober {
    stop: Arc<AtomicBool>,
    task: JoinHandle<Tally>,
}

/// How long one attempt may wait for its answer (the API's own request
/// timeout is shorter: a slow store is a 503, not silence).
const LIMIT: Duration = Duration::from_secs(30);

impl Prober {
    /// GETs `paths` in turn with `token`, one every `every`.
    pub fn start(addr: SocketAddr, paths: Vec<String>, token: &str, every: Duration) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let (flag, token) = (stop.clone(), token.to_owned());
        let task = tokio::spawn(async move {
            let mut tally = Tally::default();
            let mut last_ok = Instant::now();
            for path in paths.iter().cycle() {
                if flag.load(Ordering::Relaxed) {
                    break;
                }
                match try_request(addr, "GET", path, Some(&token), None, LIMIT).await {
                    Ok(r) => {
                        *tally.answered.entry(r.status).or_default() += 1;
                        if r.status == 200 {
                            tally.longest_gap = tally.longest_gap.max(last_ok.elapsed());
                            last_ok = Instant::now();
                        }
                    }
                    Err(e) if e.starts_with("connect ") => tally.unreachable += 1,
                    Err(e) if e.contains("no answer") => tally.no_answer += 1,
                    Err(_) => tally.cut += 1,
                }
                tokio::time::sleep(every).await;
            }
            tally
        });
        Self { stop, task }
    }

    /// Stops asking; returns the tally.
    pub async fn finish(self) -> Tally {
        self.stop.store(true, Ordering::Relaxed);
        self.task.await.expect("the prober task")
    }
}
