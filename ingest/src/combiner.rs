//! Ledger INSERTs of all the partition workers, combined (group commit):
//! a worker hands its batch's rows over and waits; batches that arrive while
//! an INSERT is running wait for it and then go together in the next one.
//! ClickHouse gets a few large INSERTs a second (fewer parts to write
//! through the rollups' views and to merge) instead of one per partition
//! and flush, with no added wait when it is idle. The rows come back to their worker
//! with the INSERT's outcome: after a failure the worker checks which of
//! its offsets arrived (part of an INSERT may be stored) and hands over the
//! rest again, as it did when it inserted alone.
//!
//! An INSERT is the one call to ClickHouse that is never abandoned at the
//! store's timeout: a request the server has received may still be stored
//! after its client gave up (a hung server resumes and reads it), and a
//! retry checked against the ledger before then would store its rows twice.
//! So past the timeout the server is reported down ([`Outage::unanswered`]:
//! logged, counted, not ready) and the INSERT is still waited for; its
//! outcome, when it comes, decides what is retried. What bounds the wait is
//! the process: after SIGTERM it leaves at its exit deadline, as after a
//! crash, and the next owner resumes from the ledger.
//!
//! A batch waiting for the next INSERT is left out of it when its worker's
//! partition was revoked or lost meanwhile (its fence is closed) or its
//! worker stopped waiting: the partition's next owner stores those rows.

use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use cmp_store::{EventRow, Store, StoreError};
use prometheus::Histogram;
use tokio::sync::{mpsc, oneshot};

use crate::ledger;
use crate::outage::Outage;

/// Why a combined INSERT did not store a batch.
#[derive(Debug, Clone, thiserror::Error)]
pub enum InsertError {
    #[error(transparent)]
    Store(Arc<StoreError>),
    /// Only when the process is ending (the runtime drops the tasks).
    #[error("the ledger INSERT tasks have stopped")]
    Stopped,
    /// The worker's partition was revoked or lost before its rows went in.
    #[error("the partition was revoked before its rows were INSERTed")]
    Revoked,
}

/// What a worker gets back: its rows and the INSERT's outcome.
pub type Outcome = (Vec<EventRow>, Result<(), InsertError>);

/// A batch's rows and where their outcome goes.
struct Job {
    rows: Vec<EventRow>,
    done: oneshot::Sender<Outcome>,
    /// Closed by the consumer thread when the partition is revoked or lost.
    fence: Arc<AtomicBool>,
}

impl Job {
    /// Whether the rows may still go in: the partition is still this
    /// worker's and the worker still waits for the outcome.
    fn owned(&self) -> bool {
        !self.fence.load(Ordering::SeqCst) && !self.done.is_closed()
    }
}

/// The workers' side: hand rows over, get them back with the outcome.
#[derive(Debug, Clone)]
pub struct Combiner {
    jobs: mpsc::UnboundedSender<Job>,
}

/// One combined INSERT, waited for until its outcome is known; past the
/// store's timeout the server is reported down meanwhile.
async fn insert(
    store: &Store,
    batches: &[&[EventRow]],
    clickhouse: &Outage,
) -> Result<(), StoreError> {
    let mut insert = pin!(ledger::insert(store, batches));
    match tokio::time::timeout(store.timeout(), insert.as_mut()).await {
        Ok(result) => result,
        Err(_) => {
            let waited = store.timeout().as_secs();
            clickhouse.unanswered(&format!(
                "an INSERT has not been answered in {waited} s; still waiting for its outcome"
            ));
            insert.await
        }
    }
}

impl Combiner {
    /// Starts the inserting task; it ends when every `Combiner` is dropped.
    /// Each INSERT's rows and duration go to the two histograms; an INSERT
    /// unanswered past the store's timeout starts an outage of `clickhouse`.
    pub fn start(
        store: Store,
        rows: Histogram,
        seconds: Histogram,
        clickhouse: Arc<Outage>,
    ) -> Self {
        let (jobs, mut rx) = mpsc::unbounded_channel::<Job>();
        tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                let mut jobs = vec![first];
                while let Ok(job) = rx.try_recv() {
                    jobs.push(job);
                }
                let (jobs, fenced): (Vec<Job>, Vec<Job>) = jobs.into_iter().partition(Job::owned);
                for job in fenced {
                    let _ = job.done.send((job.rows, Err(InsertError::Revoked)));
                }
                if jobs.is_empty() {
                    continue;
                }
                let started = Instant::now();
                let batches: Vec<&[EventRow]> = jobs.iter().map(|j| j.rows.as_slice()).collect();
                let result = insert(&store, &batches, &clickhouse).await;
                if result.is_ok() {
                    seconds.observe(started.elapsed().as_secs_f64());
                    rows.observe(jobs.iter().map(|j| j.rows.len()).sum::<usize>() as f64);
                }
                let result = result.map_err(|e| InsertError::Store(Arc::new(e)));
                for job in jobs {
                    // A worker that stopped waiting (revoked) needs no answer.
                    let _ = job.done.send((job.rows, result.clone()));
                }
            }
        });
        Self { jobs }
    }

    /// INSERTs `rows` (with whatever else is waiting) unless `fence` is
    /// closed before they go in; returns them with the outcome.
    /// The rows are lost only with [`InsertError::Stopped`] after the
    /// hand-over, when the process ends: the batch is then not committed.
    pub async fn insert(&self, rows: Vec<EventRow>, fence: &Arc<AtomicBool>) -> Outcome {
        let (done, outcome) = oneshot::channel();
        let job = Job {
            rows,
            done,
            fence: Arc::clone(fence),
        };
        if let Err(mpsc::error::SendError(job)) = self.jobs.send(job) {
            return (job.rows, Err(InsertError::Stopped));
        }
        outcome
            .await
            .unwrap_or_else(|_| (Vec::new(), Err(InsertError::Stopped)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Metrics;

    /// A combiner whose ClickHouse refuses connections: an INSERT it tries
    /// fails with a store error, so a `Revoked` answer shows it did not try.
    fn unreachable() -> Combiner {
        let settings =
            cmp_config::Settings::from_vars([("CMP_CLICKHOUSE_URL", "http://127.0.0.1:1")])
                .expect("settings");
        let metrics = Metrics::new();
        let (retries, outages) = metrics.dependency("clickhouse");
        Combiner::start(
            Store::new(&settings),
            metrics.batch_rows.clone(),
            metrics.insert_seconds.clone(),
            Arc::new(Outage::new("clickhouse", retries, outages)),
        )
    }

    #[tokio::test]
    async fn rows_of_a_revoked_partition_never_go_in() {
        let combiner = unreachable();
        let fenced = Arc::new(AtomicBool::new(true));
        let (_, outcome) = combiner.insert(Vec::new(), &fenced).await;
        assert!(matches!(outcome, Err(InsertError::Revoked)), "{outcome:?}");

        let open = Arc::new(AtomicBool::new(false));
        let (_, outcome) = combiner.insert(Vec::new(), &open).await;
        assert!(!matches!(outcome, Err(InsertError::Revoked)), "{outcome:?}");
    }
}
