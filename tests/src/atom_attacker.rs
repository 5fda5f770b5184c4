//! The sound attacker of `attacker.rs` on counts published as sums of
//! daily atoms (docs/privacy.md): it reasons about two sets of intervals,
//! the published counts and the true ones.
//!
//! - Published counts add up exactly over days within one cell (a range is
//!   the range a day shorter plus that day's atom), but a total is not the
//!   sum of its published groups (each group has its own atoms).
//! - True counts add up over days and over groups.
//! - They meet in the atoms: a published count over `n` days is a sum of
//!   `n` atoms, each a multiple of the base within `base − 1` of its day's
//!   truth, so the truth is within `n·(base − 1)` of it.
//! - What an answer says of the truth: a hidden count is 1..k−1 (when the
//!   answer shows it is small), a shown count is 0 or at least k (a truth
//!   of 1..k−1 is hidden), and at least k when its published count is
//!   above 0 (a truth of 0 publishes 0).
//!
//! A hidden count is recovered when its true interval is one value.

use std::collections::{BTreeMap, BTreeSet};

use crate::attacker::{Attacker, CellId, Interval, UNBOUNDED};

/// What the attacker knows.
#[derive(Debug)]
pub struct AtomAttacker {
    /// Published counts.
    pub published: Attacker,
    /// True counts; `truth.hidden` are the cells to recover.
    pub truth: Attacker,
    /// Cells some answer showed: their truth is 0 or at least k.
    shown: BTreeSet<CellId>,
    base: i64,
    k: i64,
}

impl AtomAttacker {
    /// Rounding base `base` (1: exact), small-cell threshold `k`.
    pub fn new(base: i64, k: i64) -> Self {
        AtomAttacker {
            published: Attacker::default(),
            truth: Attacker::default(),
            shown: BTreeSet::new(),
            base: base.max(1),
            k,
        }
    }

    /// An answer showed `v` for `cell`.
    pub fn shown(&mut self, cell: &CellId, v: i64) {
        self.published.observe(cell, (v, v));
        self.shown.insert(cell.clone());
        if v > 0 {
            self.truth.observe(cell, (self.k, UNBOUNDED));
        }
    }

    /// An answer hid `cell`; `small`: its truth is known to be 1..k−1 (a
    /// lone total, or one of three or more hidden groups).
    pub fn hidden(&mut self, cell: &CellId, small: bool) {
        self.truth.hide(cell);
        if small {
            self.truth.observe(cell, (1, self.k - 1));
        }
    }

    /// A true count known to be in `iv` (a group absent from an answer: 0).
    pub fn truth_is(&mut self, cell: &CellId, iv: Interval) {
        self.truth.observe(cell, iv);
    }

    /// `whole = Σ parts` over days of one cell: true of both.
    pub fn days_sum(&mut self, whole: CellId, parts: Vec<CellId>) {
        self.published.sum(whole.clone(), parts.clone());
        self.truth.sum(whole, parts);
    }

    /// `whole = Σ parts` over the groups of a breakdown: true of the truth.
    pub fn groups_sum(&mut self, whole: CellId, parts: Vec<CellId>) {
        self.truth.sum(whole, parts);
    }

    /// Narrows the published counts, carries them to the truth, then
    /// narrows the truth; returns the truth's passes.
    pub fn propagate(&mut self) -> usize {
        self.published.propagate();
        let windows: BTreeMap<CellId, Interval> = self
            .published
            .known()
            .filter(|(_, (_, hi))| *hi < UNBOUNDED)
            .map(|(c, (lo, hi))| {
                // Sums of atoms are multiples of the base.
                let lo = (lo + self.base - 1).div_euclid(self.base) * self.base;
                let hi = hi.div_euclid(self.base) * self.base;
                let slack = (c.to - c.from + 1) * (self.base - 1);
                (c.clone(), ((lo - slack).max(0), hi + slack))
            })
            .collect();
        for (c, iv) in windows {
            self.truth.observe(&c, iv);
        }
        let mut passes = 0;
        loop {
            passes += self.truth.propagate();
            // A shown count is not 1..k−1: an interval reaching into that
            // gap from one side is cut back to the other.
            let mut cut = false;
            for c in &self.shown {
                let (lo, hi) = self.truth.interval(c);
                let iv = if (1..self.k).contains(&lo) {
                    (self.k, hi)
                } else if (1..self.k).contains(&hi) {
                    (lo, 0)
                } else {
                    continue;
                };
                self.truth.observe(c, iv);
                cut = true;
            }
            if !cut {
                return passes;
            }
        }
    }

    /// The hidden cells whose true interval is one value.
    pub fn recovered(&self) -> Vec<(CellId, i64)> {
        self.truth.recovered()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(group: &str, from: i64, to: i64) -> CellId {
        CellId {
            campaign: "c".into(),
            dimension: "region".into(),
            group: group.into(),
            from,
            to,
        }
    }

    #[test]
    fn a_difference_of_ranges_is_an_atom_and_leaves_four_values() {
        // [0,1] shows 25, [0,0] shows 20: day 1's atom is 5, hidden truth
        // 1..9, the atom says 1..9 too.
        let mut a = AtomAttacker::new(5, 10);
        a.shown(&cell("QC", 0, 1), 25);
        a.shown(&cell("QC", 0, 0), 20);
        a.hidden(&cell("QC", 1, 1), false);
        a.days_sum(cell("QC", 0, 1), vec![cell("QC", 0, 0), cell("QC", 1, 1)]);
        a.propagate();
        assert_eq!(a.published.interval(&cell("QC", 1, 1)), (5, 5));
        assert_eq!(a.truth.interval(&cell("QC", 1, 1)), (1, 9));
        assert!(a.recovered().is_empty());
        // An atom of 10 over a hidden day: 6..9, four values.
        let mut a = AtomAttacker::new(5, 10);
        a.shown(&cell("QC", 0, 1), 30);
        a.shown(&cell("QC", 0, 0), 20);
        a.hidden(&cell("QC", 1, 1), true);
        a.days_sum(cell("QC", 0, 1), vec![cell("QC", 0, 0), cell("QC", 1, 1)]);
        a.propagate();
        assert_eq!(a.truth.interval(&cell("QC", 1, 1)), (6, 9));
    }

    #[test]
    fn a_shown_count_is_zero_or_at_least_k() {
        // Two days shown as 0 over a hidden first day: 0 + 0 atoms, the
        // range's truth is at most 8, so 0 (shown), and so is the day.
        let mut a = AtomAttacker::new(5, 10);
        a.shown(&cell("QC", 0, 1), 0);
        a.shown(&cell("QC", 1, 1), 0);
        a.hidden(&cell("QC", 0, 0), false);
        a.days_sum(cell("QC", 0, 1), vec![cell("QC", 0, 0), cell("QC", 1, 1)]);
        a.propagate();
        assert_eq!(a.recovered(), vec![(cell("QC", 0, 0), 0)]);
        // A shown 10 over one day: 10..14.
        let mut a = AtomAttacker::new(5, 10);
        a.shown(&cell("QC", 0, 0), 10);
        a.propagate();
        assert_eq!(a.truth.interval(&cell("QC", 0, 0)), (10, 14));
    }

    #[test]
    fn exact_answers_are_recovered_and_totals_are_not_sums_of_published_groups() {
        let mut a = AtomAttacker::new(1, 10);
        a.shown(&cell("QC", 0, 1), 23);
        a.shown(&cell("QC", 0, 0), 20);
        a.hidden(&cell("QC", 1, 1), false);
        a.days_sum(cell("QC", 0, 1), vec![cell("QC", 0, 0), cell("QC", 1, 1)]);
        a.propagate();
        assert_eq!(a.recovered(), vec![(cell("QC", 1, 1), 3)]);
        let mut a = AtomAttacker::new(5, 10);
        a.shown(&cell("", 0, 0), 30);
        a.shown(&cell("ON", 0, 0), 25);
        a.hidden(&cell("QC", 0, 0), false);
        a.groups_sum(cell("", 0, 0), vec![cell("ON", 0, 0), cell("QC", 0, 0)]);
        a.propagate();
        assert_eq!(a.published.interval(&cell("QC", 0, 0)), (0, UNBOUNDED));
        // 26..34 − 21..29 = at most 13; hidden: at least 0.
        assert_eq!(a.truth.interval(&cell("QC", 0, 0)), (0, 13));
    }

    /// One line (a cell over nine days) published both ways: each range's
    /// count rounded on its own (the method before atoms) and as the sum of
    /// its days' atoms; what the attacker recovers of its hidden days (not
    /// 0) each way, every interval checked against the truth.
    fn one_line(d: &cmp_kpi::Disclosure, name: &str, counts: &[i64]) -> (usize, usize) {
        let key = cmp_kpi::CellKey {
            campaign: name,
            kpi: "uptake_completed",
            breakdown: &[],
        };
        let first = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).expect("date");
        let day = |i: usize| first + chrono::Duration::days(i as i64);
        let n = counts.len();
        let mut alone = Attacker::default();
        let mut atoms = AtomAttacker::new(5, 10);
        let mut truth = BTreeMap::new();
        for from in 0..n {
            for to in from..n {
                let c = cell("QC", from as i64, to as i64);
                let t: i64 = counts[from..=to].iter().sum();
                truth.insert(c.clone(), t);
                if (1..10).contains(&t) {
                    alone.hide(&c);
                    alone.observe(&c, (1, 9));
                    atoms.hidden(&c, true);
                } else {
                    let v = d.round(&key, t as f64) as i64;
                    alone.observe(
                        &c,
                        if v == 0 {
                            (0, 0)
                        } else {
                            ((v - 4).max(10), v + 4)
                        },
                    );
                    let days = (from..=to).map(|i| (day(i), counts[i] as f64));
                    atoms.shown(&c, d.sum_of_atoms(&key, days) as i64);
                }
                if to > from {
                    let parts = vec![
                        cell("QC", from as i64, to as i64 - 1),
                        cell("QC", to as i64, to as i64),
                    ];
                    alone.sum(c.clone(), parts.clone());
                    atoms.days_sum(c, parts);
                }
            }
        }
        alone.propagate();
        atoms.propagate();
        assert!(alone.unsound(&truth).is_empty(), "{name}");
        assert!(atoms.truth.unsound(&truth).is_empty(), "{name}");
        let non_zero = |r: Vec<(CellId, i64)>| r.iter().filter(|(_, v)| *v > 0).count();
        (non_zero(alone.recovered()), non_zero(atoms.recovered()))
    }

    #[test]
    fn on_simulated_lines_ranges_rounded_alone_leak_and_sums_of_atoms_do_not() {
        let d = cmp_kpi::Disclosure::new(10, 5, b"simulation key");
        let mut state: u64 = 7;
        let (mut alone, mut atoms, mut hidden_days) = (0, 0, 0);
        for line in 0..600 {
            // Days of 0 to 12: many small, a few large enough to show.
            let counts: Vec<i64> = (0..9)
                .map(|_| {
                    state = state
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1_442_695_040_888_963_407);
                    ((state >> 33) % 13) as i64
                })
                .collect();
            hidden_days += counts.iter().filter(|c| (1..10).contains(*c)).count();
            let (a, b) = one_line(&d, &format!("line-{line}"), &counts);
            alone += a;
            atoms += b;
        }
        eprintln!("{hidden_days} hidden days: recovered {alone} (ranges alone), {atoms} (atoms)");
        assert!(hidden_days > 3_000, "{hidden_days}");
        assert!(alone > 0, "ranges rounded on their own leak: {alone}");
        assert_eq!(atoms, 0, "sums of atoms leak no non-zero hidden count");
    }
}
