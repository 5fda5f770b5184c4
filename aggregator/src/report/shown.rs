//! What a reader is shown of a report: every KPI's value per row, with the
//! contract's small-cell suppression applied for every role but `admin`.
//! Client counts (`reach`, `uptake_*`, `program_uptake_completed`) between
//! 1 and k−1 are hidden; where a breakdown hides exactly one cell of a KPI,
//! its next smallest is hidden too, so no hidden value can be worked out
//! from the total.

use std::collections::{BTreeMap, BTreeSet};

use cmp_kpi::{Cell, Kpi, Measures, suppress};

/// The KPI values of one row as shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    /// Every KPI: its value, or `None` when undefined (a ratio over zero) or hidden.
    pub values: BTreeMap<Kpi, Option<f64>>,
    /// The KPIs hidden as small cells.
    pub suppressed: BTreeSet<Kpi>,
}

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
        if cell.suppressed {
            self.values.insert(kpi, None);
            self.suppressed.insert(kpi);
        }
    }
}

/// Applies small-cell suppression with threshold `k` to the totals and,
/// breakdown-wide, to the groups; an admin sees everything.
pub fn suppress_small_cells(totals: &mut Shown, groups: &mut [Shown], k: u64, admin: bool) {
    if admin {
        return;
    }
    for kpi in Kpi::ALL.iter().copied().filter(|k| k.is_client_count()) {
        let mut total = [totals.cell(kpi)];
        suppress(&mut total, k);
        totals.set(kpi, &total[0]);
        let mut cells: Vec<Cell> = groups.iter().map(|g| g.cell(kpi)).collect();
        suppress(&mut cells, k);
        for (g, c) in groups.iter_mut().zip(&cells) {
            g.set(kpi, c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn completed(n: u64) -> Shown {
        Shown::of(&Measures {
            uptake_completed: n,
            clicks: n,
            ..Measures::default()
        })
    }

    #[test]
    fn one_small_cell_hides_the_next_smallest_too_and_admins_see_all() {
        let mut totals = completed(93);
        let mut groups = vec![completed(50), completed(3), completed(40)];
        let (t0, g0) = (totals.clone(), groups.clone());
        suppress_small_cells(&mut totals, &mut groups, 10, false);
        let done = |g: &Shown| g.values[&Kpi::UptakeCompleted];
        assert_eq!(done(&groups[0]), Some(50.0));
        assert_eq!(done(&groups[1]), None);
        assert_eq!(done(&groups[2]), None, "the complementary cell");
        assert!(groups[1].suppressed.contains(&Kpi::UptakeCompleted));
        assert!(groups[2].suppressed.contains(&Kpi::UptakeCompleted));
        assert_eq!(
            groups[1].values[&Kpi::Clicks],
            Some(3.0),
            "clicks are not client counts"
        );
        assert_eq!(done(&totals), Some(93.0));

        let (mut totals, mut groups) = (t0, g0);
        suppress_small_cells(&mut totals, &mut groups, 10, true);
        assert_eq!(done(&groups[1]), Some(3.0), "admin sees small cells");
        assert!(groups.iter().all(|g| g.suppressed.is_empty()));
    }

    #[test]
    fn small_totals_are_hidden_and_zero_is_shown() {
        let mut totals = completed(4);
        suppress_small_cells(&mut totals, &mut [], 10, false);
        assert_eq!(totals.values[&Kpi::UptakeCompleted], None);
        let mut zero = completed(0);
        suppress_small_cells(&mut zero, &mut [], 10, false);
        assert_eq!(zero.values[&Kpi::UptakeCompleted], Some(0.0));
        assert!(zero.suppressed.is_empty());
    }
}
