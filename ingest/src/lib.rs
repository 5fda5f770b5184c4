//! `cmp-ingest`: consumes the engagement and uptake topics in a consumer
//! group, refuses bad messages to the DLQ, pseudonymises client identifiers,
//! and stores each accepted event exactly once in the ClickHouse ledger.
//!
//! Layout: [`consumer`] polls Kafka on its own thread and feeds one
//! [`worker`] per partition; a worker decodes ([`cmp_model`]), decides a
//! batch ([`batch`], [`dedup`]), sends refusals ([`dlq`]) and stores rows
//! ([`ledger`], in INSERTs [`combiner`] shares among the workers) before its
//! offsets are committed.

pub mod backoff;
pub mod batch;
pub mod combiner;
pub mod consumer;
pub mod dedup;
pub mod dlq;
#[cfg(debug_assertions)]
pub mod fault;
pub mod ledger;
pub mod metrics;
pub mod outage;
pub mod parking;
pub mod pseudonym;
pub mod shared;
pub mod stored;
pub mod worker;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Context as _;
use cmp_config::Settings;
use cmp_model::Limits;
use cmp_process::{Readiness, Shutdown, serve_probes};
use cmp_store::Store;

use crate::combiner::Combiner;
use crate::metrics::Metrics;
use crate::outage::Outage;
use crate::shared::Shared;

/// How long after SIGTERM the process may take to exit (the promise is
/// 10 s). The workers stop waiting 7 s in; this is for what they cannot
/// see, such as a request already in flight to a server that hangs.
const EXIT_DEADLINE: Duration = Duration::from_secs(9);

/// Runs the ingest workers until `shutdown`; returns once the last batch is
/// flushed and committed, or its grace period ran out, or at the latest
/// [`EXIT_DEADLINE`] after `shutdown`.
pub async fn run(settings: Settings, mut shutdown: Shutdown) -> anyhow::Result<()> {
    let key = settings.require_client_id_key()?;
    if settings.client_id_key.is_none() {
        tracing::warn!("CMP_DEMO: client identifiers are hashed with the public demo key");
    }
    let metrics = Metrics::new();
    metrics
        .dedup_capacity
        .set(i64::try_from(settings.dedup_capacity_bytes).unwrap_or(i64::MAX));
    metrics.init_topics(&[&settings.topics.engagement, &settings.topics.uptake]);
    let ready = Readiness::default();
    let addr = serve_probes(
        settings.metrics_addr,
        metrics.registry.clone(),
        ready.clone(),
        shutdown.clone(),
    )
    .await
    .with_context(|| {
        format!(
            "cannot listen on CMP_METRICS_ADDR {}",
            settings.metrics_addr
        )
    })?;
    tracing::info!(%addr, "metrics and probes listening");

    let store = Store::new(&settings);
    let mut stop = shutdown.clone();
    if !cmp_store::wait_for_schema(&store, async move { stop.wait().await }).await? {
        // Nothing was read yet, so nothing to flush: a clean stop, not a failure.
        tracing::info!("shutdown requested before ClickHouse answered");
        return Ok(());
    }

    let (ch_retries, ch_outages) = metrics.dependency("clickhouse");
    let (k_retries, k_outages) = metrics.dependency("kafka");
    let (commit_tx, commit_rx) = std::sync::mpsc::channel();
    let (dead_tx, mut dead_rx) = tokio::sync::mpsc::unbounded_channel();
    let clickhouse = Arc::new(Outage::new("clickhouse", ch_retries, ch_outages));
    let ledger = Combiner::start(
        store.clone(),
        metrics.batch_rows.clone(),
        metrics.insert_seconds.clone(),
        Arc::clone(&clickhouse),
    );
    let shared = Arc::new(Shared {
        store,
        ledger,
        dlq: dlq::Dlq::new(&settings.kafka_brokers, &settings.topics.dlq)?,
        pseudo: pseudonym::Pseudonymiser::new(&key),
        metrics,
        clickhouse,
        kafka: Outage::new("kafka", k_retries, k_outages),
        limits: Limits {
            max_age: chrono::Duration::days(i64::from(settings.max_event_age_days)),
            ..Limits::default()
        },
        batch_max_rows: settings.batch_max_rows,
        batch_max_wait: settings.batch_max_wait,
        dedup_horizon_hours: settings.dedup_horizon_hours,
        dedup_budget: dedup::Budget::new(settings.dedup_capacity_bytes),
        commits: commit_tx,
    });
    let consumer = consumer::consumer(
        &settings,
        Arc::clone(&shared),
        commit_rx,
        dead_tx,
        tokio::runtime::Handle::current(),
    )?;
    let stop = Arc::new(AtomicBool::new(false));
    let (stopped_tx, stopped) = tokio::sync::oneshot::channel();
    {
        let stop = Arc::clone(&stop);
        std::thread::Builder::new()
            .name("kafka-poll".into())
            .spawn(move || {
                consumer::poll_loop(consumer, stop);
                let _ = stopped_tx.send(());
            })?;
    }
    tracing::info!(group = %settings.kafka_group, "ingest running");
    // A worker that panicked leaves its partition unread: the process then
    // stops as on SIGTERM (the other workers flush and commit) and fails,
    // so that its supervisor starts it again.
    let mut dead = None;
    loop {
        ready.set(!shared.clickhouse.is_down() && !shared.kafka.is_down());
        tokio::select! {
            _ = shutdown.wait() => break,
            Some(partition) = dead_rx.recv() => {
                dead = Some(partition);
                break;
            }
            _ = tokio::time::sleep(Duration::from_millis(500)) => {}
        }
    }
    ready.set(false);
    stop.store(true, Ordering::Relaxed);
    let stopped = stop_consumer(stopped).await;
    match dead {
        Some((topic, partition)) => Err(anyhow::anyhow!(
            "the worker of partition {partition} of {topic} panicked"
        )),
        None => stopped,
    }
}

/// Waits for the consumer thread to stop, at most [`EXIT_DEADLINE`].
async fn stop_consumer(stopped: tokio::sync::oneshot::Receiver<()>) -> anyhow::Result<()> {
    match tokio::time::timeout(EXIT_DEADLINE, stopped).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(_)) => Err(anyhow::anyhow!("the consumer thread panicked")),
        // Leaving now is leaving as after a crash, which loses and doubles
        // nothing: what was not committed is read again by the partitions'
        // next owners, who skip what the ledger already holds.
        Err(_) => {
            tracing::warn!(
                seconds = EXIT_DEADLINE.as_secs(),
                "work still in flight at the exit deadline: leaving it uncommitted for the partitions' next owners"
            );
            Ok(())
        }
    }
}
