//! A program's uptake as a caller may see it (contract/API.md v1.1): who
//! reads a program, and its counts by service channel and stage, exact for
//! an admin and published for anyone else.
//!
//! **Readers** of a program: admins and executives; a manager whose
//! campaigns include one of the program's (a campaign of the registry
//! naming it). Anyone else gets a `403`; a program nothing names (no
//! campaign, unit cost or uptake) is a `404`.
//!
//! **Publication** (docs/privacy.md): the counts are client counts, so a
//! non-admin sees them through `cmp_kpi::Disclosure` like the campaign
//! reports' `program_uptake_completed`: per stage, the program's channels
//! form one breakdown (small cells hidden, with a complementary cell) and
//! the program's total is published as its own cell, every visible count
//! the sum of its daily atoms (each day's count randomly rounded with its
//! own fixed coin), so two overlapping periods differ by rounded atoms. A coin's cell is the program's, not a campaign's: no
//! campaign (`""`), the KPI `program_uptake_<stage>`, and the breakdown
//! `program` (and `service_channel`), so the channel-shift route and the
//! Service Inventory show the same number for the same count.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use cmp_kpi::{Cell, CellKey, Disclosure, Stages};
use cmp_report::{ChannelDays, StageCounts, total_of};
use cmp_store::{Campaign, Store};

use crate::caller::Caller;
use crate::error::ApiError;

/// `403` unless the caller may read `program` (module documentation),
/// then `404` unless the program is known: a campaign of the registry
/// names it, it has unit costs, or the rollups hold uptake of it.
pub async fn find_program(store: &Store, caller: &Caller, program: &str) -> Result<(), ApiError> {
    let campaigns = cmp_store::campaigns(store).await?;
    if !reads(caller, &campaigns, program) {
        return Err(ApiError::Forbidden(format!(
            "token `{}` may not read program `{program}`: none of its campaigns is one of the program's",
            caller.0.name
        )));
    }
    if campaigns.iter().any(|c| c.program == program)
        || cmp_store::service_costs(store, program).await?.is_some()
        || cmp_report::has_uptake(store, program).await?
    {
        Ok(())
    } else {
        Err(ApiError::NotFound(format!(
            "program `{program}` is unknown: no campaign, unit cost or uptake names it"
        )))
    }
}

/// Whether the caller reads `program`, given the registry's campaigns.
pub fn reads(caller: &Caller, campaigns: &[Campaign], program: &str) -> bool {
    caller.reads_everything()
        || campaigns.iter().any(|c| {
            c.program == program && caller.0.can_read(&c.id) && caller.0.covers_owner(&c.owner)
        })
}

/// How one stage's count is read.
type StageOf = fn(&StageCounts) -> u64;

/// The stages, with the KPI code their published cells are keyed by.
const STAGES: [(&str, StageOf); 3] = [
    ("program_uptake_started", |c| c.started),
    ("program_uptake_submitted", |c| c.submitted),
    ("program_uptake_completed", |c| c.completed),
];

/// `program`'s counts in each of `channels` (absent ones are 0) and in
/// total, as shown: exact when `disclosure` is `None`, else each visible
/// count the sum of its daily atoms.
pub fn shown(
    program: &str,
    counts: &BTreeMap<String, ChannelDays>,
    channels: &[String],
    disclosure: Option<&Disclosure>,
) -> (Vec<(String, Stages)>, Stages) {
    let empty = ChannelDays::new();
    let days_of = |ch: &str| counts.get(ch).unwrap_or(&empty);
    let mut all_days = ChannelDays::new();
    for days in counts.values() {
        for (day, c) in days {
            let t = all_days.entry(*day).or_default();
            t.started += c.started;
            t.submitted += c.submitted;
            t.completed += c.completed;
        }
    }
    let daily = |days: &ChannelDays, count: StageOf| -> Vec<(NaiveDate, f64)> {
        days.iter().map(|(d, c)| (*d, count(c) as f64)).collect()
    };
    let mut by_channel: Vec<[Cell; 3]> = channels.iter().map(|_| [Cell::new(None); 3]).collect();
    let mut totals = [Cell::new(None); 3];
    for (s, (kpi, count)) in STAGES.iter().enumerate() {
        let mut cells: Vec<Cell> = channels
            .iter()
            .map(|ch| Cell::new(Some(count(&total_of(days_of(ch))) as f64)))
            .collect();
        let mut whole = [Cell::new(Some(count(&total_of(&all_days)) as f64))];
        if let Some(d) = disclosure {
            let pairs: Vec<[(&str, &str); 2]> = channels
                .iter()
                .map(|ch| [("program", program), ("service_channel", ch.as_str())])
                .collect();
            let keys: Vec<CellKey<'_>> = pairs
                .iter()
                .map(|p| CellKey {
                    campaign: "",
                    kpi,
                    breakdown: p,
                })
                .collect();
            let days: Vec<Vec<(NaiveDate, f64)>> = channels
                .iter()
                .map(|ch| daily(days_of(ch), *count))
                .collect();
            d.publish_days(&mut cells, &keys, &days);
            let program_only = [("program", program)];
            let total_key = CellKey {
                campaign: "",
                kpi,
                breakdown: &program_only,
            };
            d.publish_days(&mut whole, &[total_key], &[daily(&all_days, *count)]);
        }
        for (row, cell) in by_channel.iter_mut().zip(cells) {
            row[s] = cell;
        }
        totals[s] = whole[0];
    }
    let stages = |c: [Cell; 3]| Stages {
        started: c[0],
        submitted: c[1],
        completed: c[2],
    };
    (
        channels
            .iter()
            .cloned()
            .zip(by_channel.into_iter().map(stages))
            .collect(),
        stages(totals),
    )
}

/// A shown count as JSON: a whole number, `null` when hidden.
pub fn count(c: Cell) -> Option<u64> {
    c.value.map(|v| v.round().max(0.0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(i: i64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 1).expect("date") + chrono::Duration::days(i)
    }

    /// Each channel's count on day 0.
    fn counts(rows: &[(&str, u64)]) -> BTreeMap<String, ChannelDays> {
        rows.iter()
            .map(|(ch, n)| {
                let c = StageCounts {
                    started: n * 3,
                    submitted: n * 2,
                    completed: *n,
                };
                ((*ch).to_owned(), ChannelDays::from([(day(0), c)]))
            })
            .collect()
    }

    #[test]
    fn admins_see_exact_counts_and_others_published_ones() {
        let c = counts(&[("online", 101), ("phone", 3), ("in_person", 40)]);
        let channels: Vec<String> = ["online", "phone", "in_person", "mail"]
            .map(String::from)
            .to_vec();
        let (exact, total) = shown("oas", &c, &channels, None);
        assert_eq!(count(exact[1].1.completed), Some(3));
        assert_eq!(count(exact[3].1.started), Some(0));
        assert_eq!(count(total.completed), Some(144));
        let rules = Disclosure::new(10, 5, b"test");
        let (published, total) = shown("oas", &c, &channels, Some(&rules));
        let done: Vec<Option<u64>> = published.iter().map(|(_, s)| count(s.completed)).collect();
        assert!(matches!(done[0], Some(100) | Some(105)), "{done:?}");
        assert_eq!(done[1], None, "3 is a small cell");
        assert!(published[1].1.completed.suppressed);
        assert_eq!(done[2], None, "the complementary cell");
        assert_eq!(done[3], Some(0), "zero is shown");
        assert!(matches!(count(total.completed), Some(140) | Some(145)));
        // The same cell is published the same way by every call.
        let (again, _) = shown("oas", &c, &channels[..1], Some(&rules));
        assert_eq!(again[0].1.started, published[0].1.started);
    }

    #[test]
    fn a_period_is_the_sum_of_its_days_atoms() {
        let rules = Disclosure::new(10, 5, b"test");
        let days: ChannelDays = (0..10)
            .map(|i| {
                let n = 3 + i as u64;
                let c = StageCounts {
                    started: n,
                    submitted: n,
                    completed: n,
                };
                (day(i), c)
            })
            .collect();
        let channels = vec!["online".to_owned()];
        let shown_over = |from: i64, to: i64| {
            let part: ChannelDays = days
                .range(day(from)..=day(to))
                .map(|(d, c)| (*d, *c))
                .collect();
            let c = BTreeMap::from([("online".to_owned(), part)]);
            let (by, total) = shown("oas", &c, &channels, Some(&rules));
            (count(by[0].1.completed), count(total.completed))
        };
        let key = [("program", "oas"), ("service_channel", "online")];
        let cell = CellKey {
            campaign: "",
            kpi: "program_uptake_completed",
            breakdown: &key,
        };
        for to in 3..10 {
            let (Some(long), _) = shown_over(0, to) else {
                panic!("shown")
            };
            let (Some(short), _) = shown_over(0, to - 1) else {
                panic!("shown")
            };
            let atom = rules.atom(&cell, day(to), (3 + to) as f64);
            assert_eq!(long as f64 - short as f64, atom, "0..={to}");
        }
        assert_eq!(shown_over(0, 0), (None, None), "3 is small");
    }
}
