//! Attribution kept current: one pass of the aggregator's incremental
//! refresh (docs/attribution.md, "Computed incrementally").
//!
//! A slice is a program's uptake of one UTC hour. Its credits depend on the
//! program's uptake that hour, on the exposures to the program's campaigns
//! from its longest window before, and on the campaigns' windows. The
//! views of migration 0014 count each (program, hour) of uptake and each
//! (campaign, hour) of exposure as events arrive (`attribution_marks`); a
//! slice's fingerprint hashes the marks it depends on and the program's
//! settings. A pass:
//!
//! 1. reads the marks, the slice records and the registry (a few rows per
//!    program or campaign and hour, never events);
//! 2. takes as dirty every slice of the last `horizon` days (the maximum
//!    event age: an older one cannot change) whose fingerprint differs from
//!    its record's, or whose record was computed on marks not yet settled
//!    for [`SETTLE`] (one INSERT reaches the views one after another, so a
//!    mark can be seen a moment before the rows it counts: the second
//!    computation reads them; an INSERT cannot take longer than the
//!    client's timeout, which the server enforces);
//! 3. recomputes dirty slices in runs of consecutive hours of one month (a
//!    week at most):
//!    the run's uptake from its copy sorted by program and time, the
//!    exposures of its clients by index seeks in the copy sorted by client,
//!    credit in Rust (`rows.rs`), a 0 for each key a slice no longer has,
//!    all in one INSERT, then the slices' records.
//!
//! Live traffic changes the current hour's slice of each program (an
//! exposure counts only for uptake after it); a late exposure changes every
//! slice its window reaches, a late uptake event its hour's. The work of a
//! pass follows what changed: the slices touched, and in each the uptake
//! and its clients' exposures. A crash between the credits and the records
//! only redoes the slices (rows are idempotent: the newest generation of a
//! key wins). A rebuild (`force`) drops the kept months it touches and
//! recomputes them whole.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::ops::RangeInclusive;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, Utc};
use clickhouse::sql::Identifier;
use cmp_store::{CreditRow, SliceRow, Store, StoreError};

use super::rows::{GROUPINGS, Key, slice_rows};
use super::windows::{MAX_DAYS, Windows};

/// How long marks must stay unchanged before a slice computed on them is
/// computed once more and recorded as settled: twice the default ClickHouse
/// call timeout, which bounds how long one INSERT's views take.
pub const SETTLE: Duration = Duration::seconds(60);
const HOUR: i64 = 3_600;
/// Longest run of hours recomputed with one read and one INSERT (a week:
/// a catch-up reads few, large runs; live traffic dirties an hour or two).
const RUN_HOURS: i64 = 168;
const MEASURES: [&str; 4] = ["last_touch", "linear", "referred", "both"];

/// What a pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Refreshed {
    /// Slices whose inputs had changed since their record (or without one).
    pub changed: usize,
    /// Slices recomputed: the changed ones (a forced month's are all
    /// changed) and those settling.
    pub slices: usize,
    /// Credit rows written (zeros included).
    pub rows: usize,
}

/// A program as attribution sees it.
#[derive(Debug, Default)]
struct Program {
    campaigns: Vec<String>,
    windows: HashMap<String, Windows>,
    /// Its longest window, whole days.
    longest_days: i64,
    /// A hash of its campaigns and their windows.
    settings: u64,
}

async fn programs(store: &Store) -> Result<BTreeMap<String, Program>, StoreError> {
    let campaigns = cmp_store::campaigns(store).await?;
    if campaigns.is_empty() {
        return Ok(BTreeMap::new());
    }
    let ids: Vec<String> = campaigns.iter().map(|c| c.id.clone()).collect();
    let stored: HashMap<String, Windows> = cmp_store::measurement_settings(store, &ids)
        .await?
        .into_iter()
        .map(|s| (s.campaign_id, Windows::stored(&s.attribution_windows)))
        .collect();
    let mut out: BTreeMap<String, Program> = BTreeMap::new();
    for c in campaigns {
        let w = stored.get(&c.id).copied().unwrap_or_default();
        let p = out.entry(c.program).or_default();
        p.windows.insert(c.id.clone(), w);
        p.campaigns.push(c.id);
    }
    for p in out.values_mut() {
        p.campaigns.sort();
        p.longest_days = p
            .windows
            .values()
            .map(|w| w.longest().num_days())
            .max()
            .unwrap_or(0);
        let mut h = DefaultHasher::new();
        for c in &p.campaigns {
            (c, p.windows[c].days()).hash(&mut h);
        }
        p.settings = h.finish();
    }
    Ok(out)
}

/// Running totals of marks by hour: the marks of `[a, b]` are two lookups.
#[derive(Debug, Default)]
struct Cumulative {
    /// (hour, total of the marks up to and including it), by hour.
    steps: Vec<(i64, u64)>,
}

impl Cumulative {
    fn new(marks: &BTreeMap<i64, u64>) -> Self {
        let mut total = 0;
        let steps = marks
            .iter()
            .map(|(h, n)| {
                total += n;
                (*h, total)
            })
            .collect();
        Self { steps }
    }

    /// The total up to and including `hour`.
    fn upto(&self, hour: i64) -> u64 {
        match self.steps.partition_point(|(h, _)| *h <= hour) {
            0 => 0,
            i => self.steps[i - 1].1,
        }
    }

    fn between(&self, first: i64, last: i64) -> u64 {
        self.upto(last) - self.upto(first - 1)
    }
}

/// The marks of one program: its uptake by hour, and its campaigns'
/// exposure by hour, summed.
#[derive(Debug, Default)]
struct Marks {
    uptake: BTreeMap<i64, u64>,
    exposure: Cumulative,
}

/// Every program's marks, read from `since` on.
async fn marks(
    store: &Store,
    programs: &BTreeMap<String, Program>,
    since: DateTime<Utc>,
) -> Result<HashMap<String, Marks>, StoreError> {
    let campaign_program: HashMap<&str, &str> = programs
        .iter()
        .flat_map(|(name, p)| p.campaigns.iter().map(move |c| (c.as_str(), name.as_str())))
        .collect();
    let mut uptake: HashMap<String, BTreeMap<i64, u64>> = HashMap::new();
    let mut exposure: HashMap<String, BTreeMap<i64, u64>> = HashMap::new();
    for m in cmp_store::attribution_marks(store, since).await? {
        let hour = i64::from(m.hour_start);
        if m.kind_name == "uptake" {
            *uptake.entry(m.key).or_default().entry(hour).or_default() += m.events;
        } else if let Some(program) = campaign_program.get(m.key.as_str()) {
            *exposure
                .entry((*program).to_owned())
                .or_default()
                .entry(hour)
                .or_default() += m.events;
        }
    }
    Ok(programs
        .keys()
        .map(|name| {
            let m = Marks {
                uptake: uptake.remove(name).unwrap_or_default(),
                exposure: Cumulative::new(&exposure.remove(name).unwrap_or_default()),
            };
            (name.clone(), m)
        })
        .collect())
}

impl Marks {
    /// What the slice of `hour` depends on, hashed: its uptake, the
    /// exposure from the longest window before its first instant to its
    /// end, and the program's settings.
    fn fingerprint(&self, p: &Program, hour: i64) -> u64 {
        let uptake = self.uptake.get(&hour).copied().unwrap_or(0);
        let exposure = self
            .exposure
            .between(hour - p.longest_days * 24 * HOUR, hour);
        let mut h = DefaultHasher::new();
        (uptake, exposure, p.settings).hash(&mut h);
        h.finish()
    }
}

/// Microseconds since the epoch, strictly increasing within the process.
fn next_generation(now: DateTime<Utc>) -> u64 {
    static LAST: AtomicU64 = AtomicU64::new(0);
    let now = u64::try_from(now.timestamp_micros()).unwrap_or(0);
    let prev = LAST.fetch_max(now, Ordering::SeqCst);
    if prev >= now {
        LAST.fetch_add(1, Ordering::SeqCst) + 1
    } else {
        now
    }
}

/// A dirty slice: its hour, fingerprint, whether it changed since its
/// record and whether its marks had settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Dirty {
    hour: i64,
    fingerprint: u64,
    changed: bool,
    settled: bool,
}

fn instant(seconds: i64) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(seconds, 0).unwrap_or_default()
}

fn midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

/// One pass at `now`: every dirty slice of the last `horizon_days` days;
/// with `force` (a rebuild's days), every month it touches dropped and
/// recomputed whole.
pub async fn refresh(
    store: &Store,
    now: DateTime<Utc>,
    horizon_days: u32,
    force: Option<RangeInclusive<NaiveDate>>,
) -> Result<Refreshed, StoreError> {
    let mut first = midnight(now.date_naive() - Duration::days(i64::from(horizon_days)));
    if let Some(f) = &force {
        first = first.min(midnight(*f.start()));
        drop_months(store, f).await?;
    }
    let programs = programs(store).await?;
    // Marks before anything computed from them: a mark read is never newer
    // than the rows the computation then reads.
    let lookback = Duration::days(MAX_DAYS as i64);
    let mut marks = marks(store, &programs, first - lookback).await?;
    let mut records: HashMap<(String, i64), cmp_store::SliceRecord> = HashMap::new();
    for r in cmp_store::attribution_slices(store, first).await? {
        records.insert((r.program.clone(), i64::from(r.hour_start)), r);
    }
    let first = first.timestamp();
    let now_micros = u64::try_from(now.timestamp_micros()).unwrap_or(0);
    let settle_micros = u64::try_from(SETTLE.num_microseconds().unwrap_or(0)).unwrap_or(0);
    let mut done = Refreshed::default();
    for (name, p) in &programs {
        let m = marks.remove(name).unwrap_or_default();
        let mut hours: BTreeSet<i64> = m.uptake.range(first..).map(|(h, _)| *h).collect();
        hours.extend(
            records
                .keys()
                .filter(|(program, _)| program == name)
                .map(|(_, hour)| *hour),
        );
        let dirty: Vec<Dirty> = hours
            .into_iter()
            .filter_map(|hour| {
                let fingerprint = m.fingerprint(p, hour);
                let (changed, settled) = match records.get(&(name.clone(), hour)) {
                    None => (true, false),
                    Some(r) if r.fingerprint != fingerprint => (true, false),
                    Some(r) if r.settled == 0 && r.newest + settle_micros <= now_micros => {
                        (false, true)
                    }
                    Some(_) => return None,
                };
                Some(Dirty {
                    hour,
                    fingerprint,
                    changed,
                    settled,
                })
            })
            .collect();
        done.changed += dirty.iter().filter(|d| d.changed).count();
        for run in runs(&dirty) {
            let (slices, rows) = recompute(store, name, p, run, now).await?;
            done.slices += slices;
            done.rows += rows;
        }
    }
    Ok(done)
}

/// Drops the kept credits and slice records of every month `days` touches,
/// so that they are recomputed whole (a rebuild: what was kept may be wrong
/// in any way, even newer than anything the refresh writes).
async fn drop_months(store: &Store, days: &RangeInclusive<NaiveDate>) -> Result<(), StoreError> {
    let month = |d: NaiveDate| u32::try_from(d.year()).unwrap_or(0) * 100 + d.month();
    let mut day = *days.start();
    while day <= *days.end() {
        for table in ["attribution_credits", "attribution_slices"] {
            let q = store
                .client
                .query(cmp_store::sql::RETENTION_DROP_MONTH)
                .bind(Identifier(table))
                .bind(month(day));
            store.timed(q.execute()).await?;
        }
        day = day
            .with_day(1)
            .and_then(|d| d.checked_add_months(Months::new(1)))
            .unwrap_or(NaiveDate::MAX);
    }
    Ok(())
}

/// Consecutive hours of one month, at most [`RUN_HOURS`] each.
fn runs(dirty: &[Dirty]) -> Vec<&[Dirty]> {
    let month = |h: i64| {
        let d = instant(h).date_naive();
        (d.year(), d.month())
    };
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=dirty.len() {
        let cut = i == dirty.len() || {
            let (a, b) = (dirty[i - 1].hour, dirty[i].hour);
            b - a != HOUR || month(a) != month(b) || b - dirty[start].hour >= RUN_HOURS * HOUR
        };
        if cut {
            out.push(&dirty[start..i]);
            start = i;
        }
    }
    out
}

/// Keeps the first row of each event id.
fn distinct<T>(rows: Vec<T>, id: impl Fn(&T) -> &str) -> Vec<T> {
    let mut seen = HashSet::new();
    rows.into_iter()
        .filter(|r| seen.insert(id(r).to_owned()))
        .collect()
}

/// Recomputes one run of a program's slices; returns slices and rows written.
async fn recompute(
    store: &Store,
    name: &str,
    p: &Program,
    run: &[Dirty],
    now: DateTime<Utc>,
) -> Result<(usize, usize), StoreError> {
    let (Some(first), Some(last)) = (run.first(), run.last()) else {
        return Ok((0, 0));
    };
    let bounds = (instant(first.hour), instant(last.hour + HOUR));
    let uptakes = distinct(cmp_store::slice_uptake(store, name, bounds).await?, |u| {
        u.event_id.as_str()
    });
    let lookback = Duration::days(p.longest_days);
    let exposures = distinct(
        cmp_store::slice_exposures(store, &p.campaigns, name, lookback, bounds).await?,
        |x| x.event_id.as_str(),
    );
    let mut rows = slice_rows(&uptakes, &exposures, &p.windows);
    for old in cmp_store::credit_keys(store, name, bounds).await? {
        if let Some(key) = key_of(&old) {
            rows.entry(key).or_insert(0.0);
        }
    }
    let generation = next_generation(now);
    let seconds = |h: i64| u32::try_from(h).unwrap_or(0);
    let credit_rows: Vec<CreditRow> = rows
        .into_iter()
        .map(|(k, value)| CreditRow {
            program: name.to_owned(),
            campaign: k.campaign,
            measure: k.measure.to_owned(),
            by_kind: k.by_kind.to_owned(),
            hour: seconds(k.hour),
            stage: k.stage,
            by_value: k.by_value,
            by_language: k.by_language,
            value,
            generation,
        })
        .collect();
    cmp_store::write_credits(store, &credit_rows).await?;
    let slices: Vec<SliceRow> = run
        .iter()
        .map(|d| SliceRow {
            program: name.to_owned(),
            hour: seconds(d.hour),
            fingerprint: d.fingerprint,
            settled: u8::from(d.settled),
            generation,
        })
        .collect();
    cmp_store::write_slices(store, &slices).await?;
    Ok((slices.len(), credit_rows.len()))
}

/// The row key of a stored key, if its measure and grouping are known.
fn key_of(k: &cmp_store::CreditKey) -> Option<Key> {
    let measure = MEASURES.into_iter().find(|m| *m == k.measure)?;
    let by_kind = std::iter::once("")
        .chain(GROUPINGS)
        .find(|g| *g == k.by_kind)?;
    Some(Key {
        campaign: k.campaign.clone(),
        measure,
        by_kind,
        hour: i64::from(k.hour_start),
        stage: k.stage.clone(),
        by_value: k.by_value.clone(),
        by_language: k.by_language.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(s: &str) -> i64 {
        format!("{s}:00:00Z")
            .parse::<DateTime<Utc>>()
            .expect("hour")
            .timestamp()
    }

    fn dirty(hours: &[i64]) -> Vec<Dirty> {
        hours
            .iter()
            .map(|&hour| Dirty {
                hour,
                fingerprint: 0,
                changed: true,
                settled: false,
            })
            .collect()
    }

    #[test]
    fn runs_are_consecutive_hours_of_one_month_a_week_at_most() {
        let mut hours = vec![h("2026-10-31T22"), h("2026-10-31T23"), h("2026-11-01T00")];
        hours.push(h("2026-11-01T02"));
        hours.extend((0..200).map(|i| h("2026-11-02T00") + i * HOUR));
        let lengths: Vec<usize> = runs(&dirty(&hours)).iter().map(|r| r.len()).collect();
        assert_eq!(lengths, vec![2, 1, 1, 168, 32]);
        assert!(runs(&[]).is_empty());
    }

    #[test]
    fn generations_increase_even_within_one_microsecond() {
        let now = Utc::now();
        let a = next_generation(now);
        let b = next_generation(now);
        assert!(b > a);
    }

    #[test]
    fn the_fingerprint_follows_the_marks_in_the_window_and_the_settings() {
        let p = Program {
            campaigns: vec!["c".to_owned()],
            windows: HashMap::from([("c".to_owned(), Windows::default())]),
            longest_days: 30,
            settings: 1,
        };
        let slice = h("2026-11-10T13");
        let mut exposure = BTreeMap::from([(slice - 31 * 24 * HOUR, 5)]);
        let marks = |e: &BTreeMap<i64, u64>| Marks {
            uptake: BTreeMap::from([(slice, 3)]),
            exposure: Cumulative::new(e),
        };
        let before = marks(&exposure).fingerprint(&p, slice);
        // An exposure beyond the window, or after the slice, changes nothing;
        // one inside it (its first hour and its last included) does.
        exposure.insert(slice - 30 * 24 * HOUR - HOUR, 1);
        exposure.insert(slice + HOUR, 1);
        assert_eq!(marks(&exposure).fingerprint(&p, slice), before);
        for inside in [slice - 30 * 24 * HOUR, slice] {
            let mut e = exposure.clone();
            e.insert(inside, 1);
            assert_ne!(marks(&e).fingerprint(&p, slice), before, "{inside}");
        }
        let other = Program { settings: 2, ..p };
        assert_ne!(marks(&exposure).fingerprint(&other, slice), before);
    }
}
