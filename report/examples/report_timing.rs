//! Times the KPI engine: `performance()` for one campaign over its flight
//! with a segment × channel breakdown and a daily series, against whatever
//! the configured database holds (`deploy/bench/report.sh` fills it with
//! 10 M events over 50 campaigns). Prints p50/p99 of REPS calls.
//!
//! `cargo run --release -p cmp-report --example report_timing -- CAMPAIGN REPS`

use std::time::Instant;

use anyhow::Context;
use cmp_config::Settings;
use cmp_kpi::{Dimension, Granularity};
use cmp_report::{Query, performance};
use cmp_store::Store;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let settings = Settings::load()?;
    let store = Store::new(&settings);
    let mut args = std::env::args().skip(1);
    let id = args.next().unwrap_or_else(|| "camp-0".into());
    let reps: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(20);
    let campaign = cmp_store::campaign(&store, &id)
        .await?
        .with_context(|| format!("no campaign {id}"))?;
    let query = Query {
        from: campaign.start_date,
        to: campaign.end_date,
        campaign,
        by: vec![Dimension::Segment, Dimension::Channel],
        granularity: Some(Granularity::Day),
        tz: settings.report_tz,
    };
    let mut ms = Vec::with_capacity(reps);
    let mut groups = 0;
    for _ in 0..reps.max(1) {
        let start = Instant::now();
        let report = performance(&store, &query).await?;
        ms.push(start.elapsed().as_secs_f64() * 1000.0);
        groups = report.groups.len();
    }
    ms.sort_by(f64::total_cmp);
    let pct = |p: f64| ms[((ms.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "performance({id}, by segment,channel, daily): {} calls, {groups} groups, p50 {:.1} ms, p99 {:.1} ms",
        ms.len(),
        pct(0.5),
        pct(0.99)
    );
    Ok(())
}
