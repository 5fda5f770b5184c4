//! The aggregator: it owns the rollups derived from the `events` ledger (kept
//! live by ClickHouse materialized views, rebuilt on demand from the ledger:
//! [`rebuild`]), the attainment history ([`history`], judged by the KPI
//! engine of `cmp_report`, the one the API calls), the business metrics
//! ([`metrics`]: targets, and budget pacing and anomalies refreshed with
//! each periodic snapshot by [`pacing`] and [`anomalies`]) and retention
//! ([`retention`]).
//!
//! The service ([`run`]) ticks every few seconds: readiness is "ClickHouse
//! answers"; the rollup lag gauge is refreshed; the tasks [`schedule`] says
//! are due run (history snapshots, the day-end snapshot, daily retention, and
//! the rollup drift check every `CMP_DRIFT_CHECK_INTERVAL_MIN`: a view that
//! failed after its INSERT reached the ledger, as a replicated rollup still
//! read-only after a Keeper outage does on a cluster, is repaired from the
//! ledger within that interval). A ClickHouse outage (refused connections, or a
//! server that hangs: every call has a timeout) only costs warnings and a
//! not-ready probe: the loop keeps going and the tasks are retried;
//! readiness is followed while a task runs too. Beside the loop, a task of
//! its own recomputes the attribution slices that changed every tick
//! (`cmp_report::attribution`), so that a long catch-up holds nothing else
//! back.

pub mod anomalies;
pub mod history;
pub mod metrics;
pub mod pacing;
pub mod rebuild;
pub mod retention;
pub mod schedule;
pub mod shards;

use std::time::Duration;

use chrono::{Datelike, Utc};
use cmp_config::Settings;
use cmp_process::{Readiness, Shutdown, serve_probes};
use cmp_store::{Store, StoreError};

use crate::metrics::Metrics;
use crate::schedule::{Schedule, Task};

/// Longest pause between two turns of the loop.
const TICK: Duration = Duration::from_secs(5);

/// Runs until `shutdown`.
pub async fn run(settings: Settings, store: Store, mut shutdown: Shutdown) -> anyhow::Result<()> {
    let metrics = Metrics::new();
    let ready = Readiness::default();
    let addr = serve_probes(
        settings.metrics_addr,
        metrics.registry.clone(),
        ready.clone(),
        shutdown.clone(),
    )
    .await?;
    tracing::info!(%addr, "metrics and probes listening");
    let mut stop = shutdown.clone();
    let schema_ok = cmp_store::wait_for_schema(&store, async move { stop.wait().await })
        .await
        .map_err(|e| anyhow::Error::new(e).context("schema check"))?;
    if !schema_ok {
        return Ok(());
    }
    tracing::info!(
        history_every = ?settings.history_interval,
        retention_days = settings.retention_days,
        "aggregator running"
    );
    let mut schedule = Schedule::new(
        Utc::now(),
        settings.report_tz,
        settings.history_interval,
        settings.drift_check_interval,
    );
    let tick = TICK.min(settings.history_interval);
    let attribution = tokio::spawn(keep_attribution(
        store.clone(),
        settings.max_event_age_days,
        metrics.clone(),
        shutdown.clone(),
        tick,
    ));
    loop {
        let up = follow_readiness(&store, &ready).await;
        if up {
            let turn = async {
                if let Err(e) = refresh_lag(&store, &metrics).await {
                    failed(&metrics, "rollup_lag", &e);
                }
                let now = Utc::now();
                for task in schedule.due(now) {
                    if let Err(e) = run_task(task, &settings, &store, &metrics).await {
                        failed(&metrics, task_name(task), &e);
                        schedule.failed(task, Utc::now());
                    }
                }
            };
            // Readiness follows ClickHouse while a task runs too (a call
            // to a hung server waits up to its timeout).
            let watch = async {
                loop {
                    tokio::time::sleep(tick).await;
                    follow_readiness(&store, &ready).await;
                }
            };
            tokio::select! {
                _ = shutdown.wait() => break,
                _ = turn => {}
                _ = watch => {}
            }
        }
        tokio::select! {
            _ = shutdown.wait() => break,
            _ = tokio::time::sleep(tick) => {}
        }
    }
    ready.set(false);
    if let Err(e) = attribution.await {
        tracing::error!(error = %e, "the attribution task ended abnormally");
    }
    tracing::info!("aggregator stopped");
    Ok(())
}

/// Sets readiness to "ClickHouse answers" and logs each change; returns it.
async fn follow_readiness(store: &Store, ready: &Readiness) -> bool {
    let up = cmp_store::ping(store, Duration::from_secs(2)).await;
    match (ready.get(), up) {
        (true, false) => tracing::error!("ClickHouse does not answer: not ready"),
        (false, true) => tracing::info!("ClickHouse answers: ready"),
        _ => {}
    }
    ready.set(up);
    up
}

fn task_name(task: Task) -> &'static str {
    match task {
        Task::History => "history",
        Task::EndOfDay(_) => "history_end_of_day",
        Task::Maintenance => "maintenance",
        Task::DriftCheck { .. } => "drift_check",
    }
}

fn failed(metrics: &Metrics, task: &str, e: &dyn std::fmt::Display) {
    metrics.task_failures.with_label_values(&[task]).inc();
    tracing::warn!(task, error = %e, "aggregator task failed; retrying later");
}

async fn run_task(
    task: Task,
    settings: &Settings,
    store: &Store,
    metrics: &Metrics,
) -> anyhow::Result<()> {
    let now = Utc::now();
    match task {
        Task::History | Task::EndOfDay(_) => {
            let ended = match task {
                Task::EndOfDay(day) => Some(day),
                _ => None,
            };
            let done = history::snapshot(store, settings, metrics, now, ended).await?;
            if ended.is_none() {
                let tz = settings.report_tz;
                let today = now.with_timezone(&tz).date_naive();
                pacing::refresh(store, metrics, today, tz).await?;
                anomalies::refresh(store, metrics, today, tz, settings.suppress_k).await?;
            }
            tracing::debug!(
                campaigns = done.campaigns,
                rows = done.rows,
                end_of_day = ended.is_some(),
                "attainment history recorded"
            );
        }
        Task::Maintenance => {
            let locals = shards::resolve(store, settings).await?;
            let dropped =
                retention::run(&locals, now.date_naive(), settings.retention_days).await?;
            if !dropped.is_empty() {
                tracing::info!(months = ?dropped, "retention dropped ledger months");
            }
        }
        Task::DriftCheck { every_month } => {
            let locals = shards::resolve(store, settings).await?;
            // The rollups of this month and the previous one (at start: of
            // every month retention keeps), checked against the ledger.
            let today = now.date_naive();
            let first = if every_month {
                retention::first_kept_day(today, settings.retention_days)
            } else {
                today
                    .with_day(1)
                    .and_then(|d| d.pred_opt())
                    .unwrap_or(today)
            };
            let months = rebuild::months_between(first, today);
            let repaired = rebuild::repair_drift(&locals, &months, metrics).await?;
            tracing::info!(
                months = months.len(),
                repaired = repaired.len(),
                "drift check done"
            );
            if let Some(days) = rebuild::attribution_days(&repaired) {
                let horizon = settings.max_event_age_days;
                cmp_report::attribution::refresh(store, now, horizon, Some(days)).await?;
            }
            for r in repaired {
                tracing::warn!(
                    table = r.rollup.table(),
                    shard = %r.shard,
                    month = r.month,
                    rows = r.rows,
                    "rollup month rebuilt after drifting from the ledger"
                );
            }
        }
    }
    Ok(())
}

/// Keeps attribution current until `shutdown`: a pass
/// (`cmp_report::attribution::refresh`) every `tick`, in a task of its own
/// so that a long catch-up never holds back the history snapshots, the
/// gauges or the drift check. A pass cut short by shutdown is redone by
/// the next start (its rows are idempotent); a failed one after
/// [`schedule::RETRY`], as the loop's tasks are.
async fn keep_attribution(
    store: Store,
    horizon_days: u32,
    metrics: Metrics,
    mut shutdown: Shutdown,
    tick: Duration,
) {
    loop {
        let started = std::time::Instant::now();
        let pass = cmp_report::attribution::refresh(&store, Utc::now(), horizon_days, None);
        let mut pause = tick;
        tokio::select! {
            _ = shutdown.wait() => break,
            result = pass => match result {
                Ok(done) => {
                    // The gauges first: a reader that sees the pass counted sees them.
                    metrics
                        .attribution_pass_seconds
                        .set(started.elapsed().as_secs_f64());
                    metrics.attribution_changed.set(done.changed as i64);
                    metrics.attribution_passes.inc();
                    if done.slices > 0 {
                        tracing::debug!(
                            changed = done.changed,
                            slices = done.slices,
                            rows = done.rows,
                            "attribution kept current"
                        );
                    }
                }
                Err(e) => {
                    failed(&metrics, "attribution", &e);
                    pause = schedule::RETRY;
                }
            }
        }
        tokio::select! {
            _ = shutdown.wait() => break,
            _ = tokio::time::sleep(pause) => {}
        }
    }
}

/// Sets the rollup lag gauge from the newest hour in the rollups.
async fn refresh_lag(store: &Store, metrics: &Metrics) -> Result<(), StoreError> {
    let q = store.client.query(cmp_store::sql::ROLLUP_NEWEST_HOUR);
    let newest = store.timed(q.fetch_one::<u32>()).await?;
    let lag = if newest == 0 {
        f64::NAN
    } else {
        (Utc::now().timestamp() - i64::from(newest)).max(0) as f64
    };
    metrics.rollup_lag_seconds.set(lag);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_task_name_is_created_at_zero() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 4, 1).expect("date");
        for task in [
            Task::History,
            Task::EndOfDay(day),
            Task::Maintenance,
            Task::DriftCheck { every_month: true },
        ] {
            assert!(crate::metrics::TASKS.contains(&task_name(task)), "{task:?}");
        }
    }
}
