//! The KPI engine the API and the aggregator call: a campaign's KPIs over
//! a date range in the reporting time zone, broken down by dimensions and
//! by time bucket, read from the hourly rollups (`engagement_hourly`,
//! `uptake_hourly`), and its targets judged against them. The rules of
//! each KPI are `cmp_kpi`'s; this crate only sums rollup rows into
//! [`Measures`].
//!
//! - **Engagement** KPIs are the rollup's `count` summed by action, spend
//!   its `cost_cents`; **reach** is the rollup's uniqCombined sketches
//!   merged over the whole slice by ClickHouse (distinct counts never add),
//!   reported with the constant relative error [`REACH_RSE`].
//! - **Uptake** KPIs count uptake events with the campaign's `campaign_id`,
//!   by stage; **program** KPIs count completed uptake of the campaign's
//!   program whatever its attribution (none included), and the part of it
//!   through `online`.
//! - **Dates**: `from`..=`to` are local days of the reporting time zone,
//!   read as UTC instants (`DateRange::utc_bounds`); the rollups are by UTC
//!   hour, so a day, week or hour bucket is the set of UTC hours starting
//!   in it (exact for whole-hour offsets, see `buckets.rs`), mapped to its
//!   bucket by ClickHouse in the same query that sums it.
//! - **Breakdowns** (`by`) come from a whitelist of columns; a dimension a
//!   rollup lacks (`service_channel` for engagement, `channel` for uptake)
//!   puts that rollup's measures under the key `""`, see `slice.rs`. With
//!   no `by` there are no groups, only totals.
//! - **Days**: the additive sums are read by breakdown key and local day
//!   (one query, rows growing with days × groups, not with events); a
//!   group's measures and the totals are their sums, and each keeps its
//!   days ([`Days`]) so that `shown.rs` can publish a non-admin's counts
//!   as sums of daily atoms. Reach is read per group over the whole range.
//! - **Totals** sum the groups; their reach is one more merge over the
//!   whole slice. A series has one point per bucket of the range, empty
//!   buckets included (all zero).
//! - **Tiers**: each query reads the daily tier (migration 0015: per local
//!   day, the whole campaign and each single dimension) when it asks whole
//!   days keeping at most one dimension, else the hourly rollups
//!   (`tier.rs`); both are exact, the daily tier's rows grow with days ×
//!   values, not with events.
//! - `as_of` is the start of the newest UTC hour any counted row came from
//!   (for daily-tier rows, found in the hourly tier over their newest day).
//!
//! `programs.rs` reads a program's uptake by service channel and stage,
//! attributed or not (channel shift, the Service Inventory); `pacing.rs`
//! a campaign's flight plan and spend per day (budget pacing);
//! `anomalies.rs` a campaign's days that left their expected band;
//! `attribution/` credit of uptake to exposure, kept current by the
//! aggregator.

pub mod attribution;

mod anomalies;
mod buckets;
mod fetch;
mod pacing;
mod programs;
mod shown;
mod slice;
mod targets;
mod tier;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use cmp_kpi::{DateRange, Dimension, Granularity, Measures, local_date, local_day_bounds_utc};
use cmp_store::{Campaign, Store, StoreError};

pub use anomalies::{KPIS as ANOMALY_KPIS, anomalies};
pub use pacing::{daily_spend, flight, plan_weeks, spend_query};
pub use programs::{ChannelDays, ProgramUptake, StageCounts, has_uptake, program_uptake, total_of};
pub use shown::{Row, Shown, publish};
pub use slice::Slice;
pub use targets::{Judged, actual, evaluate_targets, sums, sums_by_day};

use buckets::{Bucketing, Buckets, instant, seconds};
use fetch::{Need, Span, cells, zero};

/// Relative standard error reported with every reach estimate.
///
/// `uniqCombined` (ClickHouse 18.16 and later: same sketch) counts exactly
/// up to a few thousand distinct values, then switches to a HyperLogLog of
/// 2^17 registers on 32-bit hashes, whose theoretical RSE is
/// 1.04 / √2^17 ≈ 0.29 %. Measured on this project's 18.16.1 over 20 sets
/// each of 100 000 and 1 000 000 distinct 64-character hex strings (the
/// form of `client_hash`): RMS relative error 0.26 % and 0.27 %, worst
/// 0.53 % and 0.72 %. We report 0.3 % for every estimate (exact small
/// counts included: a conservative bound), well inside the contract's 2 %.
/// The 32-bit hash makes the error grow past ~10^8 distinct clients, far
/// beyond any campaign here.
pub const REACH_RSE: f64 = 0.003;

/// A performance request.
#[derive(Debug, Clone)]
pub struct Query {
    pub campaign: Campaign,
    /// First day, in the reporting time zone.
    pub from: NaiveDate,
    /// Last day, inclusive.
    pub to: NaiveDate,
    /// Breakdown dimensions (order and repeats do not matter).
    pub by: Vec<Dimension>,
    /// Adds a series of totals per bucket.
    pub granularity: Option<Granularity>,
    /// The reporting time zone (`CMP_REPORT_TZ`).
    pub tz: Tz,
}

/// A cell's exact measures per local day of the range that has data (no
/// reach: distinct counts do not add), in day order: what a non-admin's
/// counts are published from, as sums of daily atoms (`shown.rs`).
pub type Days = Vec<(NaiveDate, Measures)>;

/// One breakdown row.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// A value for every `by` dimension (`""`: the rollup lacks it).
    pub key: BTreeMap<Dimension, String>,
    pub measures: Measures,
    pub days: Days,
}

/// One bucket of the series.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// The bucket's first instant (a week's Monday may precede `from`).
    pub start: DateTime<Utc>,
    pub measures: Measures,
    /// The bucket's days (within the range); `None` for an hour, which is
    /// part of a day (see `shown.rs`).
    pub days: Option<Days>,
}

/// A campaign's performance over a range.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Every KPI over the whole range.
    pub totals: Measures,
    /// The totals' days.
    pub total_days: Days,
    /// One per breakdown key with data, in key order; empty without `by`.
    pub groups: Vec<Group>,
    /// One per bucket when a granularity was asked for, in time order.
    pub series: Vec<Point>,
    /// Start of the newest hour with data in the range.
    pub as_of: Option<DateTime<Utc>>,
}

/// The campaign's KPIs over `query.from..=query.to`.
pub async fn performance(store: &Store, query: &Query) -> Result<Report, StoreError> {
    let range = DateRange {
        from: query.from,
        to: query.to,
    };
    let by = slice::normalize(&query.by);
    if range.is_empty() {
        return Ok(Report {
            totals: zero(),
            total_days: Days::new(),
            groups: Vec::new(),
            series: Vec::new(),
            as_of: None,
        });
    }
    let (start, end) = range.utc_bounds(query.tz);
    let everything = Slice::default();
    let span = |by: &'static [Dimension], bucketing| Span {
        start,
        end,
        slice: &everything,
        by,
        bucketing,
        tz: query.tz,
    };
    // Every sum by group and day; reach (which does not add) by group over
    // the whole range, and over the whole slice for the totals.
    let daily = Span {
        by: &by,
        ..span(&[], Bucketing::Every(Granularity::Day))
    };
    let grouped = Span {
        by: &by,
        ..span(&[], Bucketing::Whole)
    };
    let series_buckets = query
        .granularity
        .map(|g| Buckets::series(start, end, g, query.tz));
    let series_span = span(
        &[],
        query.granularity.map_or(Bucketing::Whole, Bucketing::Every),
    );
    let total_span = span(&[], Bucketing::Whole);
    let reach_only = Need::of(cmp_kpi::Kpi::Reach);
    // Boxed: four report queries' futures side by side overflow a debug
    // build's worker stack.
    let (by_day, group_reach, total_reach, series) = tokio::try_join!(
        Box::pin(cells(store, &query.campaign, &daily, Need::ADDITIVE)),
        Box::pin(cells(store, &query.campaign, &grouped, reach_only)),
        Box::pin(async {
            if by.is_empty() {
                Ok(None)
            } else {
                cells(store, &query.campaign, &total_span, reach_only)
                    .await
                    .map(Some)
            }
        }),
        Box::pin(async {
            if series_buckets.is_some() {
                cells(store, &query.campaign, &series_span, Need::ALL)
                    .await
                    .map(Some)
            } else {
                Ok(None)
            }
        }),
    )?;

    // The daily tier knows only the newest day: its newest hour is read
    // from the hourly tier over that day alone.
    let newest_of_days = match by_day.newest_day {
        Some(day) => fetch::newest_hour(
            store,
            &query.campaign,
            day.max(seconds(start)),
            seconds(end),
        )
        .await?
        .or(Some(day)),
        None => None,
    };
    let as_of = by_day.newest.max(newest_of_days).map(instant);
    let reach_of_key = |key: &Vec<String>| {
        group_reach
            .cells
            .get(&(0, key.clone()))
            .and_then(|m| m.reach)
            .or(zero().reach)
    };
    let mut keyed: BTreeMap<Vec<String>, Days> = group_reach
        .cells
        .keys()
        .map(|(_, key)| (key.clone(), Days::new()))
        .collect();
    let mut total_by_day: BTreeMap<NaiveDate, Measures> = BTreeMap::new();
    for ((day_start, key), m) in by_day.cells {
        let day = local_date(instant(day_start), query.tz);
        let total = total_by_day.entry(day).or_default();
        *total = *total + m;
        keyed.entry(key).or_default().push((day, m));
    }
    let total_days: Days = total_by_day.into_iter().collect();
    let mut totals = sum_of(&total_days);
    totals.reach = match &total_reach {
        Some(t) => t.cells.values().find_map(|m| m.reach),
        None => reach_of_key(&Vec::new()),
    }
    .or(zero().reach);
    let groups_out = if by.is_empty() {
        Vec::new()
    } else {
        keyed
            .into_iter()
            .map(|(values, days)| {
                let mut measures = sum_of(&days);
                measures.reach = reach_of_key(&values);
                Group {
                    key: by.iter().copied().zip(values).collect(),
                    measures,
                    days,
                }
            })
            .collect()
    };
    let series_out = match (series, series_buckets, query.granularity) {
        (Some(found), Some(b), Some(g)) => b
            .starts
            .iter()
            .zip(&b.ends)
            .map(|(s, e)| Point {
                start: instant(*s),
                measures: found
                    .cells
                    .get(&(*s, Vec::new()))
                    .copied()
                    .unwrap_or_else(zero),
                days: (g != Granularity::Hour).then(|| {
                    total_days
                        .iter()
                        .filter(|(day, _)| {
                            let t = seconds(local_day_bounds_utc(*day, query.tz).0);
                            *s <= t && t < *e
                        })
                        .copied()
                        .collect()
                }),
            })
            .collect(),
        _ => Vec::new(),
    };
    Ok(Report {
        totals,
        total_days,
        groups: groups_out,
        series: series_out,
        as_of,
    })
}

/// The sums of a cell's days (reach `None`).
fn sum_of(days: &Days) -> Measures {
    days.iter().map(|(_, m)| *m).sum()
}
