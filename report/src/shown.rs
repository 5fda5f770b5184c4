//! What a reader is shown of a report (contract/API.md, "Small cells" and
//! "Small cells, strengthened"; docs/privacy.md). An admin sees every
//! value exactly. Anyone else sees client counts (`reach`, `uptake_*`,
//! `program_uptake_completed`) published by `cmp_kpi::Disclosure`: those
//! between 1 and k−1 hidden, with a complementary cell where a breakdown
//! would hide exactly one, and every other one randomly rounded, keyed by
//! the campaign, the KPI and the row's breakdown key. The ratios built on
//! client counts (`cost_per_uptake_cents`, `program_online_share`) are
//! then computed from the published counts, and hidden with them: a ratio
//! of exact numbers would give a hidden or rounded count back.

use std::collections::{BTreeMap, BTreeSet};

use cmp_kpi::{Cell, CellKey, Dimension, Disclosure, Kpi, Measures};

/// The KPI values of one row as shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    /// Every KPI: its value, or `None` when undefined (a ratio over zero) or hidden.
    pub values: BTreeMap<Kpi, Option<f64>>,
    /// The KPIs hidden as small cells, or computed from one.
    pub suppressed: BTreeSet<Kpi>,
}

/// One row to publish: its sums and where it is shown (its breakdown key:
/// `(dimension, value)` pairs, none for a total or a time bucket).
#[derive(Debug, Clone)]
pub struct Row<'a> {
    pub breakdown: Vec<(&'static str, &'a str)>,
    pub measures: &'a Measures,
}

impl<'a> Row<'a> {
    /// A total (or a time bucket of totals).
    pub fn total(measures: &'a Measures) -> Self {
        Row {
            breakdown: Vec::new(),
            measures,
        }
    }

    /// A breakdown group.
    pub fn group(key: &'a BTreeMap<Dimension, String>, measures: &'a Measures) -> Self {
        Row {
            breakdown: key.iter().map(|(d, v)| (d.as_str(), v.as_str())).collect(),
            measures,
        }
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
        d.publish(&mut cells, &keys(campaign, kpi.as_str(), rows));
        for (s, c) in shown.iter_mut().zip(&cells) {
            s.set(kpi, c);
        }
    }
    let mut online: Vec<Cell> = rows
        .iter()
        .map(|r| Cell::new(Some(r.measures.program_online_completed as f64)))
        .collect();
    d.publish(&mut online, &keys(campaign, ONLINE_COMPLETED, rows));
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

    fn region<'a>(measures: &'a Measures, code: &'static str) -> Row<'a> {
        Row {
            breakdown: vec![("region", code)],
            measures,
        }
    }

    #[test]
    fn one_small_cell_hides_the_next_smallest_too_and_admins_see_all() {
        let m = [completed(52), completed(3), completed(40)];
        let rows = [
            region(&m[0], "ON"),
            region(&m[1], "PE"),
            region(&m[2], "QC"),
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
        let shown = publish("c", &[Row::total(&m)], Some(&rules())).remove(0);
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
        let shown = publish("c", &[Row::total(&m)], Some(&rules())).remove(0);
        assert_eq!(shown.values[&Kpi::UptakeCompleted], None);
        assert_eq!(shown.values[&Kpi::CostPerUptakeCents], None);
        assert_eq!(
            shown.values[&Kpi::ProgramOnlineShare],
            None,
            "4 of 1004 online: the share would give the 4 back"
        );
        assert!(shown.suppressed.contains(&Kpi::ProgramOnlineShare));
        let zero = Measures::default();
        let shown = publish("c", &[Row::total(&zero)], Some(&rules())).remove(0);
        assert_eq!(shown.values[&Kpi::UptakeCompleted], Some(0.0));
        assert_eq!(
            shown.values[&Kpi::CostPerUptakeCents],
            None,
            "undefined, not hidden"
        );
        assert!(shown.suppressed.is_empty());
    }
}
