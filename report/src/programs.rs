//! A program's uptake by service channel and stage over whole days of the
//! reporting time zone, attributed to a campaign or not: what the
//! channel-shift route and the Service Inventory export count
//! (contract/API.md v1.1). Read from `uptake_hourly` over the UTC hours of
//! the range (`DateRange::utc_bounds`), as the campaign reports read it
//! (`buckets.rs` says why that is exact in every whole-hour zone); late
//! events count in the day they happened. Counts are kept per local day,
//! the days a non-admin's counts are published from (docs/privacy.md).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use chrono_tz::Tz;
use cmp_kpi::{DateRange, local_date};
use cmp_store::{Store, StoreError, sql};
use serde::Deserialize;

use super::buckets::{instant, seconds};

/// Uptake events by stage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StageCounts {
    pub started: u64,
    pub submitted: u64,
    pub completed: u64,
}

impl StageCounts {
    fn add(&mut self, stage: &str, n: u64) {
        match stage {
            "started" => self.started += n,
            "submitted" => self.submitted += n,
            "completed" => self.completed += n,
            _ => {}
        }
    }

    /// Whether any stage counted an event.
    pub fn is_empty(&self) -> bool {
        *self == StageCounts::default()
    }
}

/// One service channel's counts per local day (days without an event are
/// absent).
pub type ChannelDays = BTreeMap<NaiveDate, StageCounts>;

/// Counts by program, then by service channel (`BTreeMap`s: code order).
pub type ProgramUptake = BTreeMap<String, BTreeMap<String, ChannelDays>>;

/// The sum of a channel's days.
pub fn total_of(days: &ChannelDays) -> StageCounts {
    days.values().fold(StageCounts::default(), |mut t, c| {
        t.started += c.started;
        t.submitted += c.submitted;
        t.completed += c.completed;
        t
    })
}

#[derive(Debug, clickhouse::Row, Deserialize)]
struct Row {
    program: String,
    service_channel: String,
    day: u32,
    stage: String,
    events: u64,
}

/// The uptake of `program` (`None`: of every program) over `range`, by
/// program and service channel; programs and channels without an event
/// are absent.
pub async fn program_uptake(
    store: &Store,
    program: Option<&str>,
    range: DateRange,
    tz: Tz,
) -> Result<ProgramUptake, StoreError> {
    let mut out = ProgramUptake::new();
    if range.is_empty() {
        return Ok(out);
    }
    let (start, end) = range.utc_bounds(tz);
    let program = program.unwrap_or_default();
    let rows: Vec<Row> = store
        .timed(
            store
                .client
                .query(sql::SERVICE_UPTAKE)
                .bind(tz.name())
                .bind(program)
                .bind(program)
                .bind(seconds(start))
                .bind(seconds(end))
                .fetch_all(),
        )
        .await?;
    for r in rows {
        out.entry(r.program)
            .or_default()
            .entry(r.service_channel)
            .or_default()
            .entry(local_date(instant(r.day), tz))
            .or_default()
            .add(&r.stage, r.events);
    }
    Ok(out)
}

/// Whether the rollups hold any uptake of `program`, ever.
pub async fn has_uptake(store: &Store, program: &str) -> Result<bool, StoreError> {
    let any = store
        .timed(
            store
                .client
                .query(sql::PROGRAM_HAS_UPTAKE)
                .bind(program)
                .fetch_one::<u8>(),
        )
        .await?;
    Ok(any != 0)
}
