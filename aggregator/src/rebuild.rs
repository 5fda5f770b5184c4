//! `cmp-aggregator rebuild`: recomputes the tables views derive from the
//! `events` ledger (the hourly rollups; attribution's copies and change
//! marks), month by month, idempotently and while the pipeline runs; the
//! kept attribution of the months rebuilt is then recomputed from them
//! (`main.rs`, `cmp_report::attribution::refresh` with the months forced).
//!
//! The unit of work is one month partition of one rollup (the rollups and the
//! ledger are both partitioned by `toYYYYMM` of the event's time) on one
//! server, or on one shard of a cluster, from the shard's own ledger
//! ([`crate::shards`]; its node first fetches what its other replicas hold).
//! For each month the requested range touches (with `--campaign`: only the
//! months in which that campaign has events in the range, though the whole
//! month is rebuilt, every campaign of it):
//!
//! 1. `CREATE TABLE <staging> AS <rollup>` on a plain engine, a name unique
//!    to this attempt;
//! 2. `INSERT INTO <staging>` the SELECT of the rollup's materialized view,
//!    restricted to the month;
//! 3. `ALTER TABLE <rollup> REPLACE PARTITION <yyyymm> FROM <staging>`, an
//!    atomic swap, which a shard's other replicas follow (or `DROP PARTITION` when the month holds no event of the
//!    rollup's kind: the current engine refuses to replace from an empty
//!    source);
//! 4. drop the staging table (also when a step failed);
//! 5. verify: in every hour of the month (every local day for the daily
//!    tier) the rollup counts as many events as the ledger holds of its
//!    kind. A live INSERT landing between steps 2 and 3 wrote its rollup
//!    rows into the partition the swap replaced, so its events would be
//!    missing: a slice differs and the month is redone (a few checks apart
//!    first, so that an INSERT still in flight is not mistaken for a loss),
//!    at most [`MAX_ATTEMPTS`] times.
//!
//! The drift check ([`repair_drift`]) reads the same slices and rebuilds a
//! month only when one differs alike in readings seconds apart: a reading
//! under live traffic meets INSERTs between the ledger and their views, and
//! a month rebuilt under traffic is exposed to the race above.
//!
//! On a shard, steps 1–4 are redone for up to 90 s while they fail: a
//! replicated table refuses swaps until its replicas have a leader again,
//! 30 s after a Keeper outage on the local cluster.
//!
//! Month ids are integers computed here from checked dates, never user text.
//! Dates are UTC days (the ClickHouse server's partitions are UTC months).

use std::time::Duration;

use chrono::{Datelike, NaiveDate};
use clickhouse::sql::Identifier;
use cmp_store::{Store, StoreError, sql};
use serde::Deserialize;

use crate::metrics::Metrics;
use crate::shards::{Local, Tables};

/// Swaps of one month attempted before giving up on live inserts racing them.
pub const MAX_ATTEMPTS: u32 = 5;
/// Count checks after a swap before concluding an insert raced it.
const VERIFY_CHECKS: u32 = 3;
const VERIFY_PAUSE: Duration = Duration::from_millis(500);
/// Readings of a month that must find a slice mismatched alike before the
/// drift check calls it drifted, and the pause between them.
const DRIFT_CHECKS: u32 = 3;
const DRIFT_PAUSE: Duration = Duration::from_secs(2);
/// How long a shard's failing swap is tried again, and how often.
const SWAP_RETRY_WINDOW: Duration = Duration::from_secs(90);
const SWAP_RETRY_PAUSE: Duration = Duration::from_secs(3);

/// A table derived from the ledger by views, and its statements: the two
/// hourly rollups, the daily tier's four tables (migrations 0015, 0016), the
/// message test's, and attribution's two copies and
/// change marks (migration 0014; `cmp_report::attribution` recomputes the
/// kept credits of a month whose inputs were rebuilt).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rollup {
    Engagement,
    Uptake,
    EngagementDaily,
    UptakeDaily,
    ProgramDaily,
    ReachDaily,
    Variants,
    UptakeTouches,
    ExposureTouches,
    Marks,
}

impl Rollup {
    pub const ALL: [Rollup; 10] = [
        Rollup::Engagement,
        Rollup::Uptake,
        Rollup::EngagementDaily,
        Rollup::UptakeDaily,
        Rollup::ProgramDaily,
        Rollup::ReachDaily,
        Rollup::Variants,
        Rollup::UptakeTouches,
        Rollup::ExposureTouches,
        Rollup::Marks,
    ];

    pub fn table(self) -> &'static str {
        self.table_in(crate::shards::SINGLE)
    }

    /// Whether attribution's kept credits are computed from it.
    pub fn feeds_attribution(self) -> bool {
        matches!(
            self,
            Rollup::UptakeTouches | Rollup::ExposureTouches | Rollup::Marks
        )
    }

    fn staging_sql(self) -> &'static str {
        match self {
            Rollup::Engagement => sql::REBUILD_ENGAGEMENT_STAGING,
            Rollup::Uptake => sql::REBUILD_UPTAKE_STAGING,
            Rollup::EngagementDaily => sql::REBUILD_ENGAGEMENT_DAILY_STAGING,
            Rollup::UptakeDaily => sql::REBUILD_UPTAKE_DAILY_STAGING,
            Rollup::ProgramDaily => sql::REBUILD_PROGRAM_DAILY_STAGING,
            Rollup::ReachDaily => sql::REBUILD_REACH_DAILY_STAGING,
            Rollup::Variants => sql::REBUILD_VARIANTS_STAGING,
            Rollup::UptakeTouches => sql::REBUILD_UPTAKE_TOUCHES_STAGING,
            Rollup::ExposureTouches => sql::REBUILD_EXPOSURE_TOUCHES_STAGING,
            Rollup::Marks => sql::REBUILD_MARKS_STAGING,
        }
    }

    fn fill_sql(self) -> &'static str {
        match self {
            Rollup::Engagement => sql::REBUILD_ENGAGEMENT_FILL,
            Rollup::Uptake => sql::REBUILD_UPTAKE_FILL,
            Rollup::EngagementDaily => sql::REBUILD_ENGAGEMENT_DAILY_FILL,
            Rollup::UptakeDaily => sql::REBUILD_UPTAKE_DAILY_FILL,
            Rollup::ProgramDaily => sql::REBUILD_PROGRAM_DAILY_FILL,
            Rollup::ReachDaily => sql::REBUILD_REACH_DAILY_FILL,
            Rollup::Variants => sql::REBUILD_VARIANTS_FILL,
            Rollup::UptakeTouches => sql::REBUILD_UPTAKE_TOUCHES_FILL,
            Rollup::ExposureTouches => sql::REBUILD_EXPOSURE_TOUCHES_FILL,
            Rollup::Marks => sql::REBUILD_MARKS_FILL,
        }
    }

    /// The table among `tables`.
    pub fn table_in(self, tables: Tables) -> &'static str {
        match self {
            Rollup::Engagement => tables.engagement,
            Rollup::Uptake => tables.uptake,
            Rollup::EngagementDaily => tables.engagement_daily,
            Rollup::UptakeDaily => tables.uptake_daily,
            Rollup::ProgramDaily => tables.program_daily,
            Rollup::ReachDaily => tables.reach_daily,
            Rollup::Variants => tables.variants,
            Rollup::UptakeTouches => tables.uptake_touches,
            Rollup::ExposureTouches => tables.exposure_touches,
            Rollup::Marks => tables.marks,
        }
    }

    fn verify_sql(self) -> &'static str {
        match self {
            Rollup::Engagement => sql::REBUILD_ENGAGEMENT_VERIFY,
            Rollup::Uptake => sql::REBUILD_UPTAKE_VERIFY,
            Rollup::EngagementDaily => sql::REBUILD_ENGAGEMENT_DAILY_VERIFY,
            Rollup::UptakeDaily => sql::REBUILD_UPTAKE_DAILY_VERIFY,
            Rollup::ProgramDaily => sql::REBUILD_PROGRAM_DAILY_VERIFY,
            Rollup::ReachDaily => sql::REBUILD_REACH_DAILY_VERIFY,
            Rollup::Variants => sql::REBUILD_VARIANTS_VERIFY,
            Rollup::UptakeTouches => sql::REBUILD_UPTAKE_TOUCHES_VERIFY,
            Rollup::ExposureTouches => sql::REBUILD_EXPOSURE_TOUCHES_VERIFY,
            Rollup::Marks => sql::REBUILD_MARKS_VERIFY,
        }
    }
}

/// What can go wrong in a rebuild.
#[derive(Debug, thiserror::Error)]
pub enum RebuildError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(
        "{table} {month}: in {slices} hours or days the rollup counts {rolled_up} events but the ledger holds {stored} after {attempts} attempts (live inserts kept racing the swap); run the rebuild again"
    )]
    Unstable {
        table: &'static str,
        month: u32,
        slices: usize,
        rolled_up: u64,
        stored: u64,
        attempts: u32,
    },
}

impl From<clickhouse::error::Error> for RebuildError {
    fn from(e: clickhouse::error::Error) -> Self {
        Self::Store(e.into())
    }
}

/// A bad command-line argument; the message names the flag.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{flag}: {reason}")]
pub struct ArgError {
    pub flag: String,
    pub reason: String,
}

fn arg_error(flag: &str, reason: impl Into<String>) -> ArgError {
    ArgError {
        flag: flag.to_owned(),
        reason: reason.into(),
    }
}

/// What to rebuild: the UTC days `from ..= to`, optionally only the months
/// in which one campaign has events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub campaign: Option<String>,
}

/// Usage of the subcommand, for error messages.
pub const USAGE: &str =
    "usage: cmp-aggregator rebuild --from YYYY-MM-DD --to YYYY-MM-DD [--campaign ID]";

impl Request {
    /// Parses `--from D --to D [--campaign ID]` (also `--flag=value`).
    pub fn parse(args: &[String]) -> Result<Request, ArgError> {
        let (mut from, mut to, mut campaign) = (None, None, None);
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f, Some(v.to_owned())),
                _ => (arg.as_str(), None),
            };
            let slot = match flag {
                "--from" => &mut from,
                "--to" => &mut to,
                "--campaign" => &mut campaign,
                other => return Err(arg_error(other, format!("unknown argument; {USAGE}"))),
            };
            if slot.is_some() {
                return Err(arg_error(flag, "given twice"));
            }
            let value = match inline {
                Some(v) => v,
                None => it
                    .next()
                    .cloned()
                    .ok_or_else(|| arg_error(flag, "needs a value"))?,
            };
            *slot = Some(value);
        }
        let from = date("--from", from)?;
        let to = date("--to", to)?;
        if from > to {
            return Err(arg_error("--from", format!("{from} is after --to {to}")));
        }
        if let Some(c) = &campaign {
            let ok = (1..=128).contains(&c.len())
                && c.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b));
            if !ok {
                return Err(arg_error(
                    "--campaign",
                    "expected a campaign id (1-128 of a-z A-Z 0-9 - _ . :)",
                ));
            }
        }
        Ok(Request { from, to, campaign })
    }

    /// Seconds since the epoch of the range's start and end (exclusive).
    fn bounds(&self) -> (u32, u32) {
        let secs = |d: NaiveDate| {
            d.and_hms_opt(0, 0, 0)
                .map(|t| t.and_utc().timestamp())
                .and_then(|s| u32::try_from(s).ok())
                .unwrap_or(u32::MAX)
        };
        (secs(self.from), secs(self.to.succ_opt().unwrap_or(self.to)))
    }
}

fn date(flag: &str, value: Option<String>) -> Result<NaiveDate, ArgError> {
    let value = value.ok_or_else(|| arg_error(flag, format!("is required; {USAGE}")))?;
    let d = NaiveDate::parse_from_str(&value, "%Y-%m-%d")
        .map_err(|_| arg_error(flag, format!("{value:?} is not a date YYYY-MM-DD")))?;
    // The range of ClickHouse's DateTime.
    let (min, max) = (
        NaiveDate::from_ymd_opt(1970, 1, 1),
        NaiveDate::from_ymd_opt(2105, 12, 31),
    );
    if Some(d) < min || Some(d) > max {
        return Err(arg_error(
            flag,
            format!("{d} is outside 1970-01-01..2105-12-31"),
        ));
    }
    Ok(d)
}

/// The month id (`toYYYYMM`) of a day.
pub fn month_of(d: NaiveDate) -> u32 {
    u32::try_from(d.year()).unwrap_or(0) * 100 + d.month()
}

/// Every month id from `from`'s month to `to`'s, in order.
pub fn months_between(from: NaiveDate, to: NaiveDate) -> Vec<u32> {
    let mut months = Vec::new();
    let (mut y, mut m) = (from.year(), from.month());
    while (y, m) <= (to.year(), to.month()) {
        months.push(u32::try_from(y).unwrap_or(0) * 100 + m);
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    months
}

/// The days from the first month's first to the last month's last of the
/// attribution inputs among `done`: the kept credits to recompute.
pub fn attribution_days(done: &[Rebuilt]) -> Option<std::ops::RangeInclusive<NaiveDate>> {
    let months = done.iter().filter(|r| r.rollup.feeds_attribution());
    let first = months.clone().map(|r| r.month).min()?;
    let last = months.map(|r| r.month).max()?;
    let day = |m: u32, d: u32| NaiveDate::from_ymd_opt(i32::try_from(m / 100).ok()?, m % 100, d);
    let next = if last % 100 == 12 {
        (last / 100 + 1) * 100 + 1
    } else {
        last + 1
    };
    Some(day(first, 1)?..=day(next, 1)?.pred_opt()?)
}

/// One rebuilt month of one rollup (on one shard of a cluster).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rebuilt {
    pub rollup: Rollup,
    pub month: u32,
    /// `single`, or the shard's name.
    pub shard: String,
    /// Rollup rows written for the month (before background merges).
    pub rows: u64,
    /// Swaps it took (more than 1 when a live insert raced one).
    pub attempts: u32,
}

/// The months a request touches.
pub async fn months(store: &Store, request: &Request) -> Result<Vec<u32>, StoreError> {
    let Some(campaign) = &request.campaign else {
        return Ok(months_between(request.from, request.to));
    };
    let (start, end) = request.bounds();
    let q = store
        .client
        .query(sql::REBUILD_CAMPAIGN_MONTHS)
        .bind(campaign)
        .bind(start)
        .bind(end);
    store.timed(q.fetch_all::<u32>()).await
}

/// Rebuilds every month of every derived table the request touches, in order, on
/// each of `locals` (what [`crate::shards::resolve`] found); stops at the
/// first failure.
pub async fn rebuild(
    store: &Store,
    locals: &[Local],
    request: &Request,
    metrics: &Metrics,
) -> Result<Vec<Rebuilt>, RebuildError> {
    let mut done = Vec::new();
    for month in months(&store.for_maintenance(), request).await? {
        for rollup in Rollup::ALL {
            for local in locals {
                done.push(rebuild_month(local, rollup, month, metrics).await?);
            }
        }
    }
    Ok(done)
}

/// Rebuilds one month of one rollup and verifies it (module documentation).
pub async fn rebuild_month(
    local: &Local,
    rollup: Rollup,
    month: u32,
    metrics: &Metrics,
) -> Result<Rebuilt, RebuildError> {
    let result = rebuild_month_inner(local, rollup, month).await;
    let label = if result.is_ok() { "ok" } else { "error" };
    metrics.rebuild_runs.with_label_values(&[label]).inc();
    result
}

async fn rebuild_month_inner(
    local: &Local,
    rollup: Rollup,
    month: u32,
) -> Result<Rebuilt, RebuildError> {
    local.sync(local.tables.ledger).await?;
    local.sync(rollup.table_in(local.tables)).await?;
    let store = &local.store.for_maintenance();
    let mut last = Vec::new();
    for attempt in 1..=MAX_ATTEMPTS {
        let rows = swap_retrying(store, local, rollup, month, attempt).await?;
        last = verify(store, local.tables, rollup, month).await?;
        if last.is_empty() {
            return Ok(Rebuilt {
                rollup,
                month,
                shard: local.name.clone(),
                rows,
                attempts: attempt,
            });
        }
        let (rolled_up, stored) = totals(&last);
        tracing::warn!(
            table = rollup.table(),
            shard = %local.name,
            month,
            attempt,
            slices = last.len(),
            rolled_up,
            stored,
            "a live insert raced the rebuild's swap: redoing the month"
        );
    }
    let (rolled_up, stored) = totals(&last);
    Err(RebuildError::Unstable {
        table: rollup.table(),
        month,
        slices: last.len(),
        rolled_up,
        stored,
        attempts: MAX_ATTEMPTS,
    })
}

/// Steps 1–4, redone while they fail within [`SWAP_RETRY_WINDOW`]: a
/// replicated table refuses swaps until its replicas have a leader again,
/// which after a Keeper outage takes the old leader's session timeout
/// (18.16: "Leader was suddenly changed", 30 s on the local cluster).
async fn swap_retrying(
    store: &Store,
    local: &Local,
    rollup: Rollup,
    month: u32,
    attempt: u32,
) -> Result<u64, StoreError> {
    let started = std::time::Instant::now();
    loop {
        let staging = staging_name(rollup, month, attempt);
        let swapped = swap(store, local.tables, rollup, month, &staging).await;
        let drop = store
            .client
            .query(sql::REBUILD_DROP_STAGING)
            .bind(Identifier(&staging));
        if let Err(e) = store.timed(drop.execute()).await {
            tracing::warn!(table = %staging, error = %e, "could not drop a rebuild staging table");
        }
        match swapped {
            Err(e) if local.replicated() && started.elapsed() < SWAP_RETRY_WINDOW => {
                tracing::warn!(
                    table = rollup.table(),
                    shard = %local.name,
                    month,
                    error = %e,
                    "a rebuild's swap failed: trying again"
                );
                tokio::time::sleep(SWAP_RETRY_PAUSE).await;
            }
            result => return result,
        }
    }
}

/// A staging table name unique to this process and attempt.
fn staging_name(rollup: Rollup, month: u32, attempt: u32) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "rebuild_{}_{month}_{}_{attempt}_{nanos}",
        rollup.table(),
        std::process::id()
    )
}

/// Steps 1–3: fills a staging table with the month and swaps it in; returns
/// the rows swapped in.
async fn swap(
    store: &Store,
    tables: Tables,
    rollup: Rollup,
    month: u32,
    staging: &str,
) -> Result<u64, StoreError> {
    let c = &store.client;
    let target = rollup.table_in(tables);
    let create = c
        .query(rollup.staging_sql())
        .bind(Identifier(staging))
        .bind(Identifier(target));
    store.timed(create.execute()).await?;
    let fill = c
        .query(rollup.fill_sql())
        .bind(Identifier(staging))
        .bind(Identifier(tables.ledger))
        .bind(month);
    store.timed(fill.execute()).await?;
    let count = c.query(sql::REBUILD_STAGING_ROWS).bind(Identifier(staging));
    let rows = store.timed(count.fetch_one::<u64>()).await?;
    let replace = if rows == 0 {
        c.query(sql::REBUILD_CLEAR_MONTH)
            .bind(Identifier(target))
            .bind(month)
    } else {
        c.query(sql::REBUILD_SWAP)
            .bind(Identifier(target))
            .bind(month)
            .bind(Identifier(staging))
    };
    store.timed(replace.execute()).await?;
    Ok(rows)
}

/// A slice of a month (an hour, or a local day for the daily tier: its
/// first second since the epoch) whose events a derived table and the
/// ledger count differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clickhouse::Row, Deserialize)]
pub struct Mismatch {
    pub slice: u32,
    pub rolled_up: u64,
    pub stored: u64,
}

/// The events the mismatched slices count in the table and in the ledger.
pub fn totals(mismatches: &[Mismatch]) -> (u64, u64) {
    mismatches.iter().fold((0, 0), |(r, s), m| {
        (r.saturating_add(m.rolled_up), s.saturating_add(m.stored))
    })
}

/// One reading of the slices of a month whose counts differ.
async fn mismatches(
    store: &Store,
    tables: Tables,
    rollup: Rollup,
    month: u32,
) -> Result<Vec<Mismatch>, StoreError> {
    let q = store
        .client
        .query(rollup.verify_sql())
        .bind(Identifier(rollup.table_in(tables)))
        .bind(month)
        .bind(Identifier(tables.ledger))
        .bind(month);
    store.timed(q.fetch_all::<Mismatch>()).await
}

/// After a swap: reads the mismatched slices a few times apart until none
/// is left (an INSERT may be between the ledger and its views); returns
/// the last reading, empty when the month is whole.
pub async fn verify(
    store: &Store,
    tables: Tables,
    rollup: Rollup,
    month: u32,
) -> Result<Vec<Mismatch>, StoreError> {
    let mut found = Vec::new();
    for check in 0..VERIFY_CHECKS {
        if check > 0 {
            tokio::time::sleep(VERIFY_PAUSE).await;
        }
        found = mismatches(store, tables, rollup, month).await?;
        if found.is_empty() {
            break;
        }
    }
    Ok(found)
}

/// Checks the given months of every derived table on each of `locals` and
/// rebuilds those with a slice that drifted from the ledger (the service
/// runs this on recent months every `CMP_DRIFT_CHECK_INTERVAL_MIN`).
///
/// A slice drifted when it is mismatched alike (same counts) in
/// [`DRIFT_CHECKS`] readings [`DRIFT_PAUSE`] apart. An INSERT writes the
/// ledger, then its views one after another, so under live traffic a
/// reading almost always meets a slice whose ledger rows are visible and
/// whose rollup rows are not yet; by the next reading that INSERT has
/// finished and the slice's counts have moved. A slice still receiving
/// traffic is judged once its traffic pauses for the readings' span. The
/// readings of a month go round every table before pausing, so a month
/// whose tables all drifted (a Keeper outage on a cluster) is judged in one
/// span.
pub async fn repair_drift(
    locals: &[Local],
    months: &[u32],
    metrics: &Metrics,
) -> Result<Vec<Rebuilt>, RebuildError> {
    let mut repaired = Vec::new();
    for &month in months {
        let mut suspects = Vec::new();
        for rollup in Rollup::ALL {
            for local in locals {
                let store = &local.store.for_maintenance();
                let found = mismatches(store, local.tables, rollup, month).await?;
                if !found.is_empty() {
                    suspects.push((rollup, local, found));
                }
            }
        }
        for _ in 1..DRIFT_CHECKS {
            if suspects.is_empty() {
                break;
            }
            tokio::time::sleep(DRIFT_PAUSE).await;
            for (rollup, local, alike) in &mut suspects {
                let store = &local.store.for_maintenance();
                let again = mismatches(store, local.tables, *rollup, month).await?;
                alike.retain(|m| again.contains(m));
            }
            suspects.retain(|(_, _, alike)| !alike.is_empty());
        }
        for (rollup, local, drifted) in suspects {
            let (rolled_up, stored) = totals(&drifted);
            tracing::warn!(
                table = rollup.table(),
                shard = %local.name,
                month,
                slices = drifted.len(),
                first_slice = drifted.first().map_or(0, |m| m.slice),
                rolled_up,
                stored,
                "rollup drifted from the ledger: rebuilding the month"
            );
            repaired.push(rebuild_month(local, rollup, month, metrics).await?);
        }
    }
    Ok(repaired)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn months_between_spans_years() {
        assert_eq!(
            months_between(d("2026-12-01"), d("2026-11-30")),
            Vec::<u32>::new()
        );
        assert_eq!(
            months_between(d("2026-11-03"), d("2026-11-04")),
            vec![202611]
        );
        assert_eq!(
            months_between(d("2026-11-30"), d("2027-02-01")),
            vec![202611, 202612, 202701, 202702]
        );
        assert_eq!(month_of(d("2027-01-31")), 202701);
    }

    #[test]
    fn attribution_days_span_the_months_of_its_inputs() {
        let r = |rollup, month| Rebuilt {
            rollup,
            month,
            shard: "single".into(),
            rows: 0,
            attempts: 1,
        };
        let done = [
            r(Rollup::Engagement, 202601),
            r(Rollup::ExposureTouches, 202611),
            r(Rollup::Marks, 202612),
        ];
        assert_eq!(
            attribution_days(&done),
            Some(d("2026-11-01")..=d("2026-12-31"))
        );
        assert_eq!(attribution_days(&done[..1]), None);
    }

    #[test]
    fn arguments_parse() {
        let r = Request::parse(&args(
            "--from 2026-11-01 --to=2026-12-15 --campaign spring-oas",
        ))
        .expect("valid");
        assert_eq!(
            r,
            Request {
                from: d("2026-11-01"),
                to: d("2026-12-15"),
                campaign: Some("spring-oas".into())
            }
        );
        assert_eq!(r.bounds(), (1_793_491_200, 1_797_379_200));
    }

    #[test]
    fn bad_arguments_name_the_flag() {
        let table = [
            ("--to 2026-11-01", "--from"),
            ("--from 2026-11-01", "--to"),
            ("--from 2026-11-31 --to 2026-12-01", "--from"),
            ("--from 2026-11-01 --to 11/12/2026", "--to"),
            ("--from 2026-12-01 --to 2026-11-01", "--from"),
            ("--from 1969-12-31 --to 2026-11-01", "--from"),
            ("--from 2026-11-01 --to 2026-11-02 --campaign", "--campaign"),
            (
                "--from 2026-11-01 --to 2026-11-02 --campaign a;b",
                "--campaign",
            ),
            (
                "--from 2026-11-01 --from 2026-11-01 --to 2026-11-02",
                "--from",
            ),
            ("--from 2026-11-01 --to 2026-11-02 --month 3", "--month"),
        ];
        for (line, flag) in table {
            let err = Request::parse(&args(line)).expect_err(line);
            assert_eq!(err.flag, flag, "{line}: {err}");
            assert!(err.to_string().starts_with(flag), "{err}");
        }
    }

    #[test]
    fn staging_names_are_plain_identifiers() {
        let n = staging_name(Rollup::Uptake, 202611, 2);
        assert!(n.starts_with("rebuild_uptake_hourly_202611_"), "{n}");
        assert!(n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
    }
}
