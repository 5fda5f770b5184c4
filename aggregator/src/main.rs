//! `cmp-aggregator`: `migrate` applies the ClickHouse schema and exits;
//! `rebuild --from D --to D [--campaign ID]` recomputes the rollups and
//! attribution's inputs of the months the range touches from the ledger,
//! then the kept attribution of those months; `retention` drops the ledger
//! months older than `CMP_RETENTION_DAYS`; without arguments the process runs
//! the service (history, metrics, daily retention) until SIGTERM.
//! Bad arguments exit with status 2.

use std::process::ExitCode;

use anyhow::Context;
use cmp_aggregator::metrics::Metrics;
use cmp_aggregator::rebuild::{self, Request};
use cmp_aggregator::{retention, shards};
use cmp_config::Settings;
use cmp_store::Store;

const USAGE: &str = "usage: cmp-aggregator [migrate | rebuild --from YYYY-MM-DD --to YYYY-MM-DD [--campaign ID] | retention]";

#[tokio::main]
async fn main() -> anyhow::Result<ExitCode> {
    let settings = Settings::load().context("invalid configuration")?;
    cmp_process::init_logging(settings.log_format);
    let args: Vec<String> = std::env::args().skip(1).collect();
    let store = Store::new(&settings);
    match args.first().map(String::as_str) {
        Some("migrate") if args.len() == 1 => {
            let applied = cmp_store::migrate(&store)
                .await
                .context("migration failed")?;
            println!(
                "schema of database {} is current ({} migration(s) applied now)",
                store.database,
                applied.len()
            );
        }
        Some("rebuild") => {
            let request = match Request::parse(&args[1..]) {
                Ok(r) => r,
                Err(e) => return Ok(usage_error(&e)),
            };
            cmp_store::check_schema(&store)
                .await
                .context("schema check")?;
            let locals = shards::resolve(&store, &settings)
                .await
                .context("rebuild refused")?;
            let done = rebuild::rebuild(&store, &locals, &request, &Metrics::new())
                .await
                .context("rebuild failed")?;
            for r in &done {
                println!(
                    "rebuilt {} {} ({}): {} rows ({} attempt(s))",
                    r.rollup.table(),
                    r.month,
                    r.shard,
                    r.rows,
                    r.attempts
                );
            }
            println!("rebuilt {} month(s) of derived tables", done.len());
            if let Some(days) = rebuild::attribution_days(&done) {
                let (first, last) = (*days.start(), *days.end());
                let horizon = settings.max_event_age_days;
                let now = chrono::Utc::now();
                let kept = cmp_report::attribution::refresh(&store, now, horizon, Some(days))
                    .await
                    .context("recomputing the kept attribution")?;
                println!(
                    "recomputed the kept attribution of {first} to {last}: {} slice(s), {} row(s)",
                    kept.slices, kept.rows
                );
            }
        }
        Some("retention") if args.len() == 1 => {
            cmp_store::check_schema(&store)
                .await
                .context("schema check")?;
            let locals = shards::resolve(&store, &settings)
                .await
                .context("retention refused")?;
            let today = chrono::Utc::now().date_naive();
            let dropped = retention::run(&locals, today, settings.retention_days)
                .await
                .context("retention failed")?;
            for month in &dropped {
                println!("dropped ledger month {month}");
            }
            println!(
                "retention of {} days: {} month(s) dropped, months from {} kept",
                settings.retention_days,
                dropped.len(),
                retention::first_kept_month(today, settings.retention_days)
            );
        }
        None => cmp_aggregator::run(settings, store, cmp_process::shutdown_signal()).await?,
        Some(_) => return Ok(usage_error(&format!("unexpected arguments {args:?}"))),
    }
    Ok(ExitCode::SUCCESS)
}

fn usage_error(e: &dyn std::fmt::Display) -> ExitCode {
    eprintln!("cmp-aggregator: {e}\n{USAGE}");
    ExitCode::from(2)
}
