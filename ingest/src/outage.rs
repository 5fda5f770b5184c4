//! Tracks an outage of one dependency (ClickHouse or the broker) across every
//! worker: one error line when it starts, one when it ends, a retry counter in
//! between, and the process's readiness while it lasts.

use std::sync::Mutex;
use std::time::Instant;

use prometheus::IntCounter;

/// The state of one dependency.
#[derive(Debug)]
pub struct Outage {
    /// `clickhouse` or `kafka`, for logs.
    name: &'static str,
    /// When the current outage began; `None` while healthy.
    since: Mutex<Option<Instant>>,
    retries: IntCounter,
    outages: IntCounter,
}

impl Outage {
    pub fn new(name: &'static str, retries: IntCounter, outages: IntCounter) -> Self {
        Self {
            name,
            since: Mutex::new(None),
            retries,
            outages,
        }
    }

    /// A call failed and will be retried.
    pub fn failed(&self, error: &dyn std::fmt::Display) {
        self.retries.inc();
        self.begin(error);
    }

    /// A call has not been answered within its timeout and is still waited
    /// for (an INSERT, whose outcome decides what is retried): the server
    /// is down as if it had refused the call, but nothing is retried yet.
    pub fn unanswered(&self, what: &dyn std::fmt::Display) {
        self.begin(what);
    }

    /// Starts an outage unless one is under way (one error line, counted).
    fn begin(&self, error: &dyn std::fmt::Display) {
        let mut since = self.since.lock().unwrap_or_else(|p| p.into_inner());
        if since.is_none() {
            *since = Some(Instant::now());
            self.outages.inc();
            tracing::error!(dependency = self.name, error = %error, "dependency unavailable: pausing consumption and retrying with backoff");
        }
    }

    /// A call succeeded.
    pub fn ok(&self) {
        let mut since = self.since.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(start) = since.take() {
            tracing::warn!(
                dependency = self.name,
                seconds = start.elapsed().as_secs_f64(),
                "dependency recovered: resuming"
            );
        }
    }

    /// Whether an outage is under way.
    pub fn is_down(&self) -> bool {
        self.since
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }
}
