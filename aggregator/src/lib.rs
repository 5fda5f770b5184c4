//! The aggregator: it owns the rollups derived from the `events` ledger (kept
//! live by ClickHouse materialized views, rebuilt on demand from the ledger),
//! the KPI engine the API calls ([`report`]), the attainment history, the
//! business metrics and retention.

pub mod history;
pub mod metrics;
pub mod rebuild;
pub mod report;
pub mod retention;

use std::time::Duration;

use anyhow::Context;
use cmp_config::Settings;
use cmp_process::{Readiness, Shutdown, serve_probes};
use cmp_store::Store;

/// Runs until `shutdown`.
pub async fn run(settings: Settings, store: Store, mut shutdown: Shutdown) -> anyhow::Result<()> {
    cmp_store::check_schema(&store).await.context("schema check")?;
    let registry = prometheus::Registry::new();
    let ready = Readiness::default();
    let addr = serve_probes(
        settings.metrics_addr,
        registry,
        ready.clone(),
        shutdown.clone(),
    )
    .await?;
    tracing::info!(%addr, "aggregator running");
    loop {
        ready.set(cmp_store::ping(&store, Duration::from_secs(2)).await);
        tokio::select! {
            _ = shutdown.wait() => break,
            _ = tokio::time::sleep(Duration::from_secs(5)) => {}
        }
    }
    Ok(())
}
