//! What a reader is shown of a report (contract/API.md, "Small cells" and
//! "Small cells, strengthened"; docs/privacy.md). An admin sees every
//! value exactly. Anyone else sees client counts (`reach`, `uptake_*`,
//! `program_uptake_completed`) published by `cmp_kpi::Disclosure`: those
//! between 1 and k−1 over the row's range hidden, with a complementary
//! cell where a breakdown would hide exactly one; every other count that
//! adds up over days shown as the sum of its days' published atoms (each
//! day's count randomly rounded with its own fixed coin, keyed by the
//! campaign, the KPI, the row's breakdown key and the day), and reach,
//! which does not add, randomly rounded as a whole. So every answer over a
//! date range comes from one set of atoms: two ranges of a cell differ by
//! rounded atoms, never by an exact day. A row of part of a day (an hour
//! of a series) has no atoms of its own: its client counts are hidden
//! from non-admins (an hour's own rounding would be a second, independent
//! rounding of its day). The ratios built on client counts
//! (`cost_per_uptake_cents`, `program_online_share`) are then computed
//! from the published counts, and hidden with them: a ratio of exact
//! numbers would give a hidden or rounded count back.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use cmp_kpi::{Cell, CellKey, Dimension, Disclosure, Kpi, Measures};

/// The KPI values of one row as shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    /// Every KPI: its value, or `None` when undefined (a ratio over zero) or hidden.
    pub values: BTreeMap<Kpi, Option<f64>>,
    /// The KPIs hidden as small cells, or computed from one.
    pub suppressed: BTreeSet<Kpi>,
}

/// One row to publish: its sums, where it is shown (its breakdown key:
/// `(dimension, value)` pairs, none for a total or a time bucket) and its
/// exact measures per day (`None`: part of a day, an hour).
#[derive(Debug, Clone)]
pub struct Row<'a> {
    pub breakdown: Vec<(&'static str, &'a str)>,
    pub measures: &'a Measures,
    pub days: Option<&'a [(NaiveDate, Measures)]>,
}

impl<'a> Row<'a> {
    /// A total (or a time bucket of totals).
    pub fn total(measures: &'a Measures, days: Option<&'a [(NaiveDate, Measures)]>) -> Self {
        Row {
            breakdown: Vec::new(),
            measures,
            days,
        }
    }

    /// A breakdown group.
    pub fn group(
        key: &'a BTreeMap<Dimension, String>,
        measures: &'a Measures,
        days: &'a [(NaiveDate, Measures)],
    ) -> Self {
        Row {
            breakdown: key.iter().map(|(d, v)| (d.as_str(), v.as_str())).collect(),
            measures,
            days: Some(days),
        }
    }

    /// The row's daily counts of `count` (`None`: no days).
    fn daily(&self, count: impl Fn(&Measures) -> Option<f64>) -> Option<Vec<(NaiveDate, f64)>> {
        self.days.map(|days| {
            days.iter()
                .map(|(day, m)| (*day, count(m).unwrap_or(0.0)))
                .collect()
        })
    }
}

/// The part of `program_uptake_completed` through `online`: a client count
/// the API does not show, but `program_online_share` is built on it.
const ONLINE_COMPLETED: &str = "program_online_completed";

impl Shown {
    /// Every KPI of `m`, nothing hidden.
    pub fn of(m: &Measures) -> Self {
        Self {
            values: Kpi::ALL.iter().map(|k| (*k, m.value(*k))).collect(),
            suppressed: BTreeSet::new(),
        }
    }

    fn cell(&self, kpi: Kpi) -> Cell {
        Cell::new(self.values.get(&kpi).copied().flatten())
    }

    fn set(&mut self, kpi: Kpi, cell: &Cell) {
        self.values.insert(kpi, cell.value);
        if cell.suppressed {
            self.suppressed.insert(kpi);
        }
    }

    /// `numerator ÷ count` from the published count: hidden with it.
    fn ratio(&mut self, kpi: Kpi, numerator: Option<f64>, count: Kpi) {
        let value = match (numerator, self.values.get(&count).copied().flatten()) {
            _ if self.suppressed.contains(&count) => {
                self.suppressed.insert(kpi);
                None
            }
            (None, _) => {
                self.suppressed.insert(kpi);
                None
            }
            (Some(n), Some(d)) if d > 0.0 => Some(n / d),
            _ => None,
        };
        self.values.insert(kpi, value);
    }
}

/// Where each row's `kpi` is shown.
fn keys<'a>(campaign: &'a str, kpi: &'a str, rows: &'a [Row<'a>]) -> Vec<CellKey<'a>> {
    rows.iter()
        .map(|r| CellKey {
            campaign,
            kpi,
            breakdown: &r.breakdown,
        })
        .collect()
}

/// The rows of one breakdown (the cells that add up to one shown total;
/// a total alone is a breakdown of one row) of `campaign` as shown: exact
/// for an admin (`disclosure` `None`), else published.
pub fn publish(campaign: &str, rows: &[Row<'_>], disclosure: Option<&Disclosure>) -> Vec<Shown> {
    let mut shown: Vec<Shown> = rows.iter().map(|r| Shown::of(r.measures)).collect();
    let Some(d) = disclosure else {
        return shown;
    };
    for kpi in Kpi::ALL.iter().copied().filter(|k| k.is_client_count()) {
        let mut cells: Vec<Cell> = shown.iter().map(|s| s.cell(kpi)).collect();
        let keys = keys(campaign, kpi.as_str(), rows);
        if kpi == Kpi::Reach {
            d.publish(&mut cells, &keys);
        } else {
            let daily: Vec<_> = rows.iter().map(|r| r.daily(|m| m.value(kpi))).collect();
            counts(d, &mut cells, &keys, &daily);
        }
        for (s, c) in shown.iter_mut().zip(&cells) {
            s.set(kpi, c);
        }
    }
    let mut online: Vec<Cell> = rows
        .iter()
        .map(|r| Cell::new(Some(r.measures.program_online_completed as f64)))
        .collect();
    let daily: Vec<_> = rows
        .iter()
        .map(|r| r.daily(|m| Some(m.program_online_completed as f64)))
        .collect();
    counts(
        d,
        &mut online,
        &keys(campaign, ONLINE_COMPLETED, rows),
        &daily,
    );
    for ((s, r), online) in shown.iter_mut().zip(rows).zip(&online) {
        let spend = Some(r.measures.spend_cents as f64);
        s.ratio(Kpi::CostPerUptakeCents, spend, Kpi::UptakeCompleted);
        s.ratio(
            Kpi::ProgramOnlineShare,
            online.value,
            Kpi::ProgramUptakeCompleted,
        );
    }
    shown
}

/// Additive counts of one breakdown: sums of atoms; rows without days
/// (hours) hidden.
fn counts(
    d: &Disclosure,
    cells: &mut [Cell],
    keys: &[CellKey<'_>],
    daily: &[Option<Vec<(NaiveDate, f64)>>],
) {
    for (cell, days) in cells.iter_mut().zip(daily) {
        if days.is_none() {
            *cell = Cell {
                value: None,
                suppressed: true,
            };
        }
    }
    let days: Vec<Vec<(NaiveDate, f64)>> = daily
        .iter()
        .map(|x| x.clone().unwrap_or_default())
        .collect();
    d.publish_days(cells, keys, &days);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn completed(n: u64) -> Measures {
        Measures {
            uptake_completed: n,
            clicks: n,
            spend_cents: 2_006_703,
            program_uptake_completed: 1000 + n,
            program_online_completed: n,
            ..Measures::default()
        }
    }

    fn rules() -> Disclosure {
        Disclosure::new(10, 5, b"test")
    }

    fn day(i: i64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 1).expect("date") + chrono::Duration::days(i)
    }

    /// The measures as one day's.
    fn one_day(m: &Measures) -> [(NaiveDate, Measures); 1] {
        [(day(0), *m)]
    }

    fn region<'a>(
        measures: &'a Measures,
        days: &'a [(NaiveDate, Measures)],
        code: &'static str,
    ) -> Row<'a> {
        Row {
            breakdown: vec![("region", code)],
            measures,
            days: Some(days),
        }
    }

    #[test]
    fn one_small_cell_hides_the_next_smallest_too_and_admins_see_all() {
        let m = [completed(52), completed(3), completed(40)];
        let days = m.map(|x| one_day(&x));
        let rows = [
            region(&m[0], &days[0], "ON"),
            region(&m[1], &days[1], "PE"),
            region(&m[2], &days[2], "QC"),
        ];
        let groups = publish("c", &rows, Some(&rules()));
        let done = |g: &Shown| g.values[&Kpi::UptakeCompleted];
        assert!(matches!(done(&groups[0]), Some(50.0) | Some(55.0)));
        assert_eq!(done(&groups[1]), None);
        assert_eq!(done(&groups[2]), None, "the complementary cell");
        for g in &groups[1..] {
            assert!(g.suppressed.contains(&Kpi::UptakeCompleted));
            assert!(g.suppressed.contains(&Kpi::CostPerUptakeCents));
            assert_eq!(g.values[&Kpi::CostPerUptakeCents], None, "spend ÷ cpu");
        }
        assert_eq!(
            groups[1].values[&Kpi::Clicks],
            Some(3.0),
            "clicks are not client counts"
        );
        let admin = publish("c", &rows, None);
        assert_eq!(done(&admin[1]), Some(3.0), "admin sees small cells");
        assert_eq!(admin[1].values[&Kpi::CostPerUptakeCents], Some(668_901.0));
        assert!(admin.iter().all(|g| g.suppressed.is_empty()));
    }

    #[test]
    fn ratios_come_from_the_published_counts() {
        let m = completed(43);
        let days = one_day(&m);
        let shown = publish("c", &[Row::total(&m, Some(&days))], Some(&rules())).remove(0);
        let n = shown.values[&Kpi::UptakeCompleted].expect("shown");
        assert!(n == 40.0 || n == 45.0, "{n}");
        assert_eq!(
            shown.values[&Kpi::CostPerUptakeCents],
            Some(2_006_703.0 / n)
        );
        let program = shown.values[&Kpi::ProgramUptakeCompleted].expect("shown");
        let share = shown.values[&Kpi::ProgramOnlineShare].expect("shown");
        let online = share * program;
        assert!(
            (online - 40.0).abs() < 1e-6 || (online - 45.0).abs() < 1e-6,
            "{online}"
        );
        assert!(shown.suppressed.is_empty());
    }

    #[test]
    fn small_totals_are_hidden_with_their_ratios_and_zero_is_shown() {
        let m = completed(4);
        let days = one_day(&m);
        let shown = publish("c", &[Row::total(&m, Some(&days))], Some(&rules())).remove(0);
        assert_eq!(shown.values[&Kpi::UptakeCompleted], None);
        assert_eq!(shown.values[&Kpi::CostPerUptakeCents], None);
        assert_eq!(
            shown.values[&Kpi::ProgramOnlineShare],
            None,
            "4 of 1004 online: the share would give the 4 back"
        );
        assert!(shown.suppressed.contains(&Kpi::ProgramOnlineShare));
        let zero = Measures::default();
        let shown = publish("c", &[Row::total(&zero, Some(&[]))], Some(&rules())).remove(0);
        assert_eq!(shown.values[&Kpi::UptakeCompleted], Some(0.0));
        assert_eq!(
            shown.values[&Kpi::CostPerUptakeCents],
            None,
            "undefined, not hidden"
        );
        assert!(shown.suppressed.is_empty());
    }

    #[test]
    fn a_range_is_the_sum_of_its_days_atoms_and_hours_hide_client_counts() {
        let d = rules();
        let days: Vec<(NaiveDate, Measures)> =
            (0..9).map(|i| (day(i), completed(7 + i as u64))).collect();
        let range = |a: usize, b: usize| {
            let m: Measures = days[a..=b].iter().map(|x| x.1).sum();
            let shown = publish("c", &[Row::total(&m, Some(&days[a..=b]))], Some(&d));
            shown[0].values[&Kpi::UptakeCompleted]
        };
        let key = CellKey {
            campaign: "c",
            kpi: "uptake_completed",
            breakdown: &[],
        };
        for a in 0..9 {
            for b in a + 1..9 {
                let atoms = d.sum_of_atoms(
                    &key,
                    days[a..=b]
                        .iter()
                        .map(|(day, m)| (*day, m.uptake_completed as f64)),
                );
                assert_eq!(range(a, b), Some(atoms), "{a}..={b}");
                if let (Some(long), Some(short)) = (range(a, b), range(a, b - 1)) {
                    let atom = d.atom(&key, days[b].0, days[b].1.uptake_completed as f64);
                    assert_eq!(long - short, atom, "a difference is an atom");
                }
            }
        }
        assert_eq!(range(0, 0), None, "7 is hidden");
        // An hour: client counts hidden, the rest shown.
        let m = completed(300);
        let hour = publish("c", &[Row::total(&m, None)], Some(&d)).remove(0);
        for kpi in [
            Kpi::UptakeCompleted,
            Kpi::ProgramUptakeCompleted,
            Kpi::CostPerUptakeCents,
            Kpi::ProgramOnlineShare,
        ] {
            assert_eq!(hour.values[&kpi], None, "{kpi:?}");
            assert!(hour.suppressed.contains(&kpi), "{kpi:?}");
        }
        assert_eq!(hour.values[&Kpi::Clicks], Some(300.0));
        let admin = publish("c", &[Row::total(&m, None)], None).remove(0);
        assert_eq!(admin.values[&Kpi::UptakeCompleted], Some(300.0));
    }
}
