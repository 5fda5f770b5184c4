//! Attribution kept current: one pass of the aggregator's incremental
//! refresh (docs/attribution.md, "Computed incrementally").
//!
//! A slice is a program's uptake of one UTC day. Its credits depend on the
//! program's uptake that day, on the exposures to the program's campaigns
//! from its longest window before, and on the campaigns' windows. The
//! views of migration 0014 count each (program, day) of uptake and each
//! (campaign, day) of exposure as events arrive (`attribution_marks`); a
//! slice's fingerprint hashes the marks it depends on and the program's
//! settings. A pass:
//!
//! 1. reads the marks, the slice records and the registry (a few rows per
//!    program or campaign and day, never events);
//! 2. takes as dirty every slice of the last `horizon` days (the maximum
//!    event age: an older one cannot change) whose fingerprint differs from
//!    its record's, or whose record was computed on marks not yet settled
//!    for [`SETTLE`] (one INSERT reaches the views one after another, so a
//!    mark can be seen a moment before the rows it counts: the second
//!    computation reads them; an INSERT cannot take longer than the
//!    client's timeout, which the server enforces);
//! 3. recomputes dirty slices in runs of consecutive days of one month:
//!    the run's uptake from its copy sorted by program and time, the
//!    exposures of its clients by index seeks in the copy sorted by client,
//!    credit in Rust (`rows.rs`), a 0 for each key a slice no longer has,
//!    all in one INSERT, then the slices' records.
//!
//! A rebuild (`force`) drops the kept months it touches and recomputes
//! them whole.
//!
//! A late exposure changes its campaign's marks on its day and so every
//! slice whose window reaches it; a late uptake event changes its day's.
//! The work of a pass follows what changed: the slices touched, and in each
//! the uptake and its clients' exposures. A crash between the credits and
//! the records only redoes the slices (rows are idempotent: the newest
//! generation of a key wins).

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
/// Longest run of days recomputed with one read and one INSERT.
const RUN_DAYS: i64 = 7;
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

/// The marks, by (program, day) for uptake and by campaign for exposure.
#[derive(Debug, Default)]
struct Marks {
    uptake: HashMap<(String, NaiveDate), u64>,
    exposure: HashMap<String, BTreeMap<NaiveDate, u64>>,
}

impl Marks {
    async fn read(store: &Store, since: NaiveDate) -> Result<Marks, StoreError> {
        let mut m = Marks::default();
        for mark in cmp_store::attribution_marks(store, since).await? {
            let Ok(day) = mark.day_text.parse::<NaiveDate>() else {
                continue;
            };
            if mark.kind_name == "uptake" {
                m.uptake.insert((mark.key, day), mark.events);
            } else {
                *m.exposure
                    .entry(mark.key)
                    .or_default()
                    .entry(day)
                    .or_default() += mark.events;
            }
        }
        Ok(m)
    }

    /// What a slice's credits depend on, hashed.
    fn fingerprint(&self, name: &str, p: &Program, day: NaiveDate) -> u64 {
        let uptake = self
            .uptake
            .get(&(name.to_owned(), day))
            .copied()
            .unwrap_or(0);
        let first = day - Duration::days(p.longest_days);
        let exposure: u64 = p
            .campaigns
            .iter()
            .filter_map(|c| self.exposure.get(c))
            .map(|days| days.range(first..=day).map(|(_, n)| n).sum::<u64>())
            .sum();
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

/// A dirty slice: its day, fingerprint, whether it changed since its
/// record and whether its marks had settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Dirty {
    day: NaiveDate,
    fingerprint: u64,
    changed: bool,
    settled: bool,
}

/// One pass at `now`: every dirty slice of the last `horizon_days` days;
/// with `force` (a rebuild's days), every month it touches dropped and
/// recomputed whole, whatever its records.
pub async fn refresh(
    store: &Store,
    now: DateTime<Utc>,
    horizon_days: u32,
    force: Option<RangeInclusive<NaiveDate>>,
) -> Result<Refreshed, StoreError> {
    let today = now.date_naive();
    let mut first = today - Duration::days(i64::from(horizon_days));
    if let Some(f) = &force {
        first = first.min(*f.start());
    }
    if let Some(f) = &force {
        drop_months(store, f).await?;
    }
    let programs = programs(store).await?;
    // Marks before anything computed from them: a mark read is never newer
    // than the rows the computation then reads.
    let marks = Marks::read(store, first - Duration::days(MAX_DAYS as i64)).await?;
    let mut records: HashMap<(String, NaiveDate), cmp_store::SliceRecord> = HashMap::new();
    for r in cmp_store::attribution_slices(store, first).await? {
        if let Ok(day) = r.day_text.parse::<NaiveDate>() {
            records.insert((r.program.clone(), day), r);
        }
    }
    let now_micros = u64::try_from(now.timestamp_micros()).unwrap_or(0);
    let settle_micros = u64::try_from(SETTLE.num_microseconds().unwrap_or(0)).unwrap_or(0);
    let mut done = Refreshed::default();
    for (name, p) in &programs {
        let mut days: BTreeSet<NaiveDate> = marks
            .uptake
            .keys()
            .filter(|(program, day)| program == name && *day >= first)
            .map(|(_, day)| *day)
            .collect();
        days.extend(
            records
                .keys()
                .filter(|(program, _)| program == name)
                .map(|(_, day)| *day),
        );
        let dirty: Vec<Dirty> = days
            .into_iter()
            .filter_map(|day| {
                let fingerprint = marks.fingerprint(name, p, day);
                let (changed, settled) = match records.get(&(name.clone(), day)) {
                    None => (true, false),
                    Some(r) if r.fingerprint != fingerprint => (true, false),
                    Some(r) if r.settled == 0 && r.newest + settle_micros <= now_micros => {
                        (false, true)
                    }
                    Some(_) => return None,
                };
                Some(Dirty {
                    day,
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

/// Consecutive days of one month, at most [`RUN_DAYS`] each.
fn runs(dirty: &[Dirty]) -> Vec<&[Dirty]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=dirty.len() {
        let cut = i == dirty.len() || {
            let (a, b) = (dirty[i - 1].day, dirty[i].day);
            b - a != Duration::days(1)
                || a.month() != b.month()
                || b - dirty[start].day >= Duration::days(RUN_DAYS)
        };
        if cut {
            out.push(&dirty[start..i]);
            start = i;
        }
    }
    out
}

fn midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
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
    let bounds = (midnight(first.day), midnight(last.day) + Duration::days(1));
    let uptakes = distinct(cmp_store::slice_uptake(store, name, bounds).await?, |u| {
        u.event_id.as_str()
    });
    let lookback = Duration::days(p.longest_days);
    let exposures = distinct(
        cmp_store::slice_exposures(store, &p.campaigns, name, lookback, bounds).await?,
        |x| x.event_id.as_str(),
    );
    let mut rows = slice_rows(&uptakes, &exposures, &p.windows);
    for old in cmp_store::credit_keys(store, name, first.day, last.day).await? {
        if let Some(key) = key_of(&old) {
            rows.entry(key).or_insert(0.0);
        }
    }
    let generation = next_generation(now);
    let credit_rows = rows
        .into_iter()
        .map(|(k, value)| {
            Ok(CreditRow {
                program: name.to_owned(),
                campaign: k.campaign,
                measure: k.measure.to_owned(),
                by_kind: k.by_kind.to_owned(),
                day: cmp_store::date_days(k.day)?,
                hour: u32::try_from(k.hour).unwrap_or(0),
                stage: k.stage,
                by_value: k.by_value,
                by_language: k.by_language,
                value,
                generation,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    cmp_store::write_credits(store, &credit_rows).await?;
    let slices = run
        .iter()
        .map(|d| {
            Ok(SliceRow {
                program: name.to_owned(),
                day: cmp_store::date_days(d.day)?,
                fingerprint: d.fingerprint,
                settled: u8::from(d.settled),
                generation,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
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
        day: k.day_text.parse().ok()?,
        hour: i64::from(k.hour_start),
        stage: k.stage.clone(),
        by_value: k.by_value.clone(),
        by_language: k.by_language.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn dirty(days: &[&str]) -> Vec<Dirty> {
        days.iter()
            .map(|s| Dirty {
                day: d(s),
                fingerprint: 0,
                changed: true,
                settled: false,
            })
            .collect()
    }

    #[test]
    fn runs_are_consecutive_days_of_one_month_a_week_at_most() {
        let days = dirty(&[
            "2026-10-30",
            "2026-10-31",
            "2026-11-01",
            "2026-11-02",
            "2026-11-04",
            "2026-11-05",
            "2026-11-06",
            "2026-11-07",
            "2026-11-08",
            "2026-11-09",
            "2026-11-10",
            "2026-11-11",
        ]);
        let lengths: Vec<usize> = runs(&days).iter().map(|r| r.len()).collect();
        assert_eq!(lengths, vec![2, 2, 7, 1]);
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
        let mut m = Marks::default();
        m.uptake.insert(("p".to_owned(), d("2026-11-10")), 3);
        m.exposure
            .insert("c".to_owned(), BTreeMap::from([(d("2026-10-01"), 5)]));
        let before = m.fingerprint("p", &p, d("2026-11-10"));
        // An exposure beyond the window changes nothing; one inside does.
        m.exposure
            .get_mut("c")
            .expect("c")
            .insert(d("2026-10-10"), 1);
        assert_eq!(m.fingerprint("p", &p, d("2026-11-10")), before);
        m.exposure
            .get_mut("c")
            .expect("c")
            .insert(d("2026-10-11"), 1);
        assert_ne!(m.fingerprint("p", &p, d("2026-11-10")), before);
        let after = m.fingerprint("p", &p, d("2026-11-10"));
        let other = Program { settings: 2, ..p };
        assert_ne!(m.fingerprint("p", &other, d("2026-11-10")), after);
    }
}
