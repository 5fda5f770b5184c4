//! The four report queries (`store/sql/queries/report_*.sql`), each on
//! the hourly or the daily tier as `tier.rs` chooses, and how their rows
//! become [`Measures`] per (bucket, breakdown key) cell. Which queries run
//! depends on the KPIs asked for ([`Need`]); those that run run
//! concurrently.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use cmp_kpi::{Dimension, Kpi, Measures, Reach};
use cmp_store::{Campaign, Store, StoreError, sql};
use serde::Deserialize;

use super::REACH_RSE;
use super::buckets::{Bucketing, seconds};
use super::slice::{Slice, Table, with_spans};
use super::tier::{self, Kind, Source};

/// One cell: (the bucket's first instant in UTC seconds, 0 for a whole-range
/// bucket; breakdown values in `by` order).
pub(crate) type CellKey = (u32, Vec<String>);

/// What a query over a span gave: measures per cell, the newest hour (UTC
/// seconds) any hourly-tier row came from, and the first instant of the
/// newest day any daily-tier row came from (the day holds the newest hour
/// of those rows: [`newest_hour`] finds it).
#[derive(Debug, Default)]
pub(crate) struct Cells {
    pub cells: BTreeMap<CellKey, Measures>,
    pub newest: Option<u32>,
    pub newest_day: Option<u32>,
}

/// Which rollup queries a set of KPIs needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Need {
    engagement: bool,
    reach: bool,
    uptake: bool,
    program: bool,
}

impl Need {
    /// Every query: a full report.
    pub const ALL: Need = Need {
        engagement: true,
        reach: true,
        uptake: true,
        program: true,
    };

    /// Every query but reach: the sums that add up over days.
    pub const ADDITIVE: Need = Need {
        reach: false,
        ..Need::ALL
    };

    /// What one KPI reads.
    pub fn of(kpi: Kpi) -> Need {
        let none = Need {
            engagement: false,
            reach: false,
            uptake: false,
            program: false,
        };
        match kpi {
            Kpi::Impressions
            | Kpi::Clicks
            | Kpi::Engagements
            | Kpi::Shares
            | Kpi::VideoCompletes
            | Kpi::Visits
            | Kpi::Ctr
            | Kpi::SpendCents => Need {
                engagement: true,
                ..none
            },
            Kpi::Reach => Need {
                reach: true,
                ..none
            },
            Kpi::UptakeStarted | Kpi::UptakeSubmitted | Kpi::UptakeCompleted => Need {
                uptake: true,
                ..none
            },
            Kpi::CostPerUptakeCents => Need {
                engagement: true,
                uptake: true,
                ..none
            },
            Kpi::ProgramUptakeCompleted | Kpi::ProgramOnlineShare => Need {
                program: true,
                ..none
            },
        }
    }
}

#[derive(Debug, Clone, clickhouse::Row, Deserialize)]
struct EngagementRow {
    bucket: u32,
    key: Vec<String>,
    action: String,
    count: u64,
    cost_cents: u64,
    newest: u32,
}

#[derive(Debug, Clone, clickhouse::Row, Deserialize)]
struct ReachRow {
    bucket: u32,
    key: Vec<String>,
    reach: u64,
}

#[derive(Debug, Clone, clickhouse::Row, Deserialize)]
struct UptakeRow {
    bucket: u32,
    key: Vec<String>,
    stage: String,
    events: u64,
    newest: u32,
}

#[derive(Debug, Clone, clickhouse::Row, Deserialize)]
struct ProgramRow {
    bucket: u32,
    key: Vec<String>,
    online: u8,
    events: u64,
    newest: u32,
}

/// What every report query is run over.
pub(crate) struct Span<'a> {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub slice: &'a Slice,
    /// Breakdown dimensions, normalised.
    pub by: &'a [Dimension],
    pub bucketing: Bucketing,
    /// The reporting time zone buckets are local to.
    pub tz: Tz,
}

/// A report query with its bucket, key and narrowing spans and every value
/// bound, in the files' order: the time zone, the campaign (or program),
/// the daily tier's grouping, the span, the narrowed values in
/// `Dimension::ALL` order.
fn query(
    store: &Store,
    template: &str,
    table: Table,
    first: &str,
    grouping: Option<u8>,
    span: &Span<'_>,
) -> clickhouse::query::Query {
    let sql = with_spans(template, table, span.by, span.bucketing, span.slice);
    let mut q = store.client.query(&sql).bind(span.tz.name()).bind(first);
    if let Some(g) = grouping {
        q = q.bind(g);
    }
    q = q.bind(seconds(span.start)).bind(seconds(span.end));
    for (_, v) in span.slice.values() {
        q = q.bind(v);
    }
    q
}

/// The hourly or the daily template of a query, as `tier` chooses, and
/// the daily tier's grouping.
fn pick(
    kind: Kind,
    span: &Span<'_>,
    hourly: &'static str,
    daily: &'static str,
) -> (&'static str, Option<u8>) {
    match tier::source(kind, span) {
        Source::Hourly => (hourly, None),
        Source::Daily(g) => (daily, Some(g)),
    }
}

async fn engagement(
    store: &Store,
    c: &Campaign,
    span: &Span<'_>,
) -> Result<(Vec<EngagementRow>, bool), StoreError> {
    let (sql, g) = pick(
        Kind::Engagement,
        span,
        sql::REPORT_ENGAGEMENT,
        sql::REPORT_ENGAGEMENT_DAILY,
    );
    let q = query(store, sql, Table::Engagement, &c.id, g, span);
    Ok((store.fetch_shared(q).await?, g.is_some()))
}

async fn reach(store: &Store, c: &Campaign, span: &Span<'_>) -> Result<Vec<ReachRow>, StoreError> {
    let (sql, g) = pick(
        Kind::Reach,
        span,
        sql::REPORT_REACH,
        sql::REPORT_REACH_DAILY,
    );
    let q = query(store, sql, Table::Engagement, &c.id, g, span);
    store.fetch_shared(q).await
}

async fn uptake(
    store: &Store,
    c: &Campaign,
    span: &Span<'_>,
) -> Result<(Vec<UptakeRow>, bool), StoreError> {
    let (sql, g) = pick(
        Kind::Uptake,
        span,
        sql::REPORT_UPTAKE,
        sql::REPORT_UPTAKE_DAILY,
    );
    let q = query(store, sql, Table::Uptake, &c.id, g, span);
    Ok((store.fetch_shared(q).await?, g.is_some()))
}

async fn program(
    store: &Store,
    c: &Campaign,
    span: &Span<'_>,
) -> Result<(Vec<ProgramRow>, bool), StoreError> {
    let (sql, g) = pick(
        Kind::Uptake,
        span,
        sql::REPORT_PROGRAM,
        sql::REPORT_PROGRAM_DAILY,
    );
    let q = query(store, sql, Table::Uptake, &c.program, g, span);
    Ok((store.fetch_shared(q).await?, g.is_some()))
}

/// The start of the newest UTC hour in `[start, end)` with the campaign's
/// engagement or uptake or its program's completed uptake, from the hourly
/// tier (`None`: no row).
pub(crate) async fn newest_hour(
    store: &Store,
    c: &Campaign,
    start: u32,
    end: u32,
) -> Result<Option<u32>, StoreError> {
    let q = store
        .client
        .query(sql::REPORT_NEWEST)
        .bind(&c.id)
        .bind(start)
        .bind(end)
        .bind(&c.program)
        .bind(&c.id)
        .bind(start)
        .bind(end)
        .bind(&c.program)
        .bind(start)
        .bind(end);
    let newest: u32 = store.timed(q.fetch_one()).await?;
    Ok((newest > 0).then_some(newest))
}

/// Runs `f` only when `needed`; no rows otherwise.
async fn when<T: Default, F>(needed: bool, f: F) -> Result<T, StoreError>
where
    F: std::future::Future<Output = Result<T, StoreError>>,
{
    if needed { f.await } else { Ok(T::default()) }
}

/// A reach estimate from the sketch's count.
pub(crate) fn reach_of(estimate: u64) -> Reach {
    Reach {
        estimate: estimate as f64,
        rse: REACH_RSE,
    }
}

/// Measured and empty: every sum 0 and nobody reached.
pub(crate) fn zero() -> Measures {
    Measures {
        reach: Some(reach_of(0)),
        ..Measures::default()
    }
}

/// Runs the needed queries over `span` and sums their rows per cell. Every
/// cell that has a row carries a reach (0 when no engagement row has one)
/// if reach was needed.
pub(crate) async fn cells(
    store: &Store,
    campaign: &Campaign,
    span: &Span<'_>,
    need: Need,
) -> Result<Cells, StoreError> {
    let ((engagement_rows, e_daily), reach_rows, (uptake_rows, u_daily), (program_rows, p_daily)) =
        tokio::try_join!(
            when(need.engagement, engagement(store, campaign, span)),
            when(need.reach, reach(store, campaign, span)),
            when(need.uptake, uptake(store, campaign, span)),
            when(need.program, program(store, campaign, span)),
        )?;
    let mut out = Cells::default();
    let base = if need.reach {
        zero()
    } else {
        Measures::default()
    };
    let latest = |slot: &mut Option<u32>, n: u32| *slot = Some(slot.map_or(n, |m| m.max(n)));
    let mut newest = |n: u32, daily: bool| {
        latest(
            if daily {
                &mut out.newest_day
            } else {
                &mut out.newest
            },
            n,
        );
    };
    let mut cells: BTreeMap<CellKey, Measures> = BTreeMap::new();
    for r in engagement_rows {
        newest(r.newest, e_daily);
        let m = cells.entry((r.bucket, r.key)).or_insert(base);
        let n = r.count;
        match r.action.as_str() {
            "impression" => m.impressions += n,
            "click" => m.clicks += n,
            "engagement" => m.engagements += n,
            "share" => m.shares += n,
            "video_complete" => m.video_completes += n,
            "visit" => m.visits += n,
            _ => {}
        }
        m.spend_cents += r.cost_cents;
    }
    for r in uptake_rows {
        newest(r.newest, u_daily);
        let m = cells.entry((r.bucket, r.key)).or_insert(base);
        match r.stage.as_str() {
            "started" => m.uptake_started += r.events,
            "submitted" => m.uptake_submitted += r.events,
            "completed" => m.uptake_completed += r.events,
            _ => {}
        }
    }
    for r in program_rows {
        newest(r.newest, p_daily);
        let m = cells.entry((r.bucket, r.key)).or_insert(base);
        m.program_uptake_completed += r.events;
        if r.online != 0 {
            m.program_online_completed += r.events;
        }
    }
    for r in reach_rows {
        let m = cells.entry((r.bucket, r.key)).or_insert(base);
        m.reach = Some(reach_of(r.reach));
    }
    out.cells = cells;
    Ok(out)
}
