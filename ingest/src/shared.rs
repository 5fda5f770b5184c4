//! What every partition worker of the process shares.

use std::sync::Arc;
use std::time::Duration;

use cmp_model::Limits;
use cmp_store::Store;

use crate::combiner::Combiner;
use crate::dedup::Budget;
use crate::dlq::Dlq;
use crate::metrics::Metrics;
use crate::outage::Outage;
use crate::pseudonym::Pseudonymiser;

/// A request to commit `next_offset` for a partition, sent by its worker once
/// everything before it is stored, a duplicate, or acknowledged by the DLQ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    pub topic: String,
    pub partition: i32,
    pub next_offset: i64,
}

/// Process-wide state of the workers.
#[derive(Debug)]
pub struct Shared {
    pub store: Store,
    /// The ledger INSERTs, combined across partitions.
    pub ledger: Combiner,
    pub dlq: Dlq,
    pub pseudo: Pseudonymiser,
    pub metrics: Metrics,
    /// Shared with the combiner, which reports an INSERT left unanswered.
    pub clickhouse: Arc<Outage>,
    pub kafka: Outage,
    pub limits: Limits,
    pub batch_max_rows: usize,
    pub batch_max_wait: Duration,
    pub dedup_horizon_hours: u32,
    /// The memory the partitions' dedup indexes share.
    pub dedup_budget: Arc<Budget>,
    /// Commit requests to the consumer thread, which owns the commits.
    pub commits: std::sync::mpsc::Sender<Commit>,
}
