//! Interval reasoning for a sound attacker on published counts: it keeps,
//! per cell (a count of one campaign, breakdown group and date range), the
//! interval of values consistent with every answer it has seen, and
//! narrows the intervals through the sums that must hold (a range is the
//! range one day shorter plus that day; a total is the sum of its
//! breakdown's groups) until nothing changes. A hidden count is recovered
//! when its interval is one integer. `atom_attacker.rs` says what the
//! published answers tell it; every rule it applies is true of the
//! pipeline's numbers, so a collapsed interval is the truth (the tests
//! check it).

use std::collections::{BTreeMap, BTreeSet};

/// Larger than any count of a test.
pub const UNBOUNDED: i64 = 1 << 40;

/// Inclusive bounds.
pub type Interval = (i64, i64);

/// One count the attacker reasons about; `dimension` and `group` are empty
/// for a campaign's total; `from`/`to` are day numbers, inclusive.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CellId {
    pub campaign: String,
    pub dimension: String,
    pub group: String,
    pub from: i64,
    pub to: i64,
}

/// The attacker's knowledge.
#[derive(Debug, Default)]
pub struct Attacker {
    known: BTreeMap<CellId, Interval>,
    /// `whole = Σ parts`.
    sums: Vec<(CellId, Vec<CellId>)>,
    /// Cells hidden in some answer: the ones to recover.
    pub hidden: BTreeSet<CellId>,
}

impl Attacker {
    /// What is known of `cell` (anything, before an answer).
    pub fn interval(&self, cell: &CellId) -> Interval {
        self.known.get(cell).copied().unwrap_or((0, UNBOUNDED))
    }

    /// Narrows `cell` to what an answer says.
    pub fn observe(&mut self, cell: &CellId, (lo, hi): Interval) {
        let (a, b) = self.interval(cell);
        self.known.insert(cell.clone(), (a.max(lo), b.min(hi)));
    }

    /// Every cell with an interval.
    pub fn known(&self) -> impl Iterator<Item = (&CellId, Interval)> {
        self.known.iter().map(|(c, iv)| (c, *iv))
    }

    /// A cell an answer hid.
    pub fn hide(&mut self, cell: &CellId) {
        self.hidden.insert(cell.clone());
        self.observe(cell, (0, UNBOUNDED));
    }

    /// `whole = Σ parts` holds.
    pub fn sum(&mut self, whole: CellId, parts: Vec<CellId>) {
        self.sums.push((whole, parts));
    }

    /// Applies every sum until no interval narrows; returns the passes.
    pub fn propagate(&mut self) -> usize {
        for pass in 1..=200 {
            let mut changed = false;
            for i in 0..self.sums.len() {
                changed |= self.narrow(i);
            }
            if !changed {
                return pass;
            }
        }
        200
    }

    fn narrow(&mut self, i: usize) -> bool {
        let (whole, parts) = &self.sums[i];
        let w = self.interval(whole);
        let p: Vec<Interval> = parts.iter().map(|c| self.interval(c)).collect();
        let lo_sum: i64 = p.iter().map(|x| x.0).sum();
        let open = p.iter().filter(|x| x.1 >= UNBOUNDED).count();
        let hi_sum: i64 = p.iter().map(|x| x.1.min(UNBOUNDED)).sum();
        let mut updates = vec![(
            whole.clone(),
            (lo_sum, if open > 0 { UNBOUNDED } else { hi_sum }),
        )];
        for (j, c) in parts.iter().enumerate() {
            let hi = if w.1 >= UNBOUNDED {
                UNBOUNDED
            } else {
                w.1 - (lo_sum - p[j].0)
            };
            let others_open = open - usize::from(p[j].1 >= UNBOUNDED);
            let lo = if others_open > 0 {
                0
            } else {
                w.0 - (hi_sum - p[j].1.min(UNBOUNDED))
            };
            updates.push((c.clone(), (lo.max(0), hi)));
        }
        let mut changed = false;
        for (cell, iv) in updates {
            let before = self.interval(&cell);
            self.observe(&cell, iv);
            changed |= self.interval(&cell) != before;
        }
        changed
    }

    /// The hidden cells whose interval is one value, with that value.
    pub fn recovered(&self) -> Vec<(CellId, i64)> {
        self.hidden
            .iter()
            .filter_map(|c| {
                let (lo, hi) = self.interval(c);
                (lo == hi).then(|| (c.clone(), lo))
            })
            .collect()
    }

    /// The cells whose interval excludes the truth (`truth` by cell): an
    /// unsound attacker. Cells without a truth are not checked.
    pub fn unsound(&self, truth: &BTreeMap<CellId, i64>) -> Vec<(CellId, Interval, i64)> {
        self.known
            .iter()
            .filter_map(|(c, &(lo, hi))| {
                let t = *truth.get(c)?;
                (t < lo || t > hi).then(|| (c.clone(), (lo, hi), t))
            })
            .collect()
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
    fn an_exact_difference_recovers_a_rounded_one_does_not() {
        // Exact: [0,1] = 23, [0,0] = 20, so day 1 is 3.
        let mut a = Attacker::default();
        a.observe(&cell("QC", 0, 1), (23, 23));
        a.observe(&cell("QC", 0, 0), (20, 20));
        a.hide(&cell("QC", 1, 1));
        a.observe(&cell("QC", 1, 1), (1, 9));
        a.sum(cell("QC", 0, 1), vec![cell("QC", 0, 0), cell("QC", 1, 1)]);
        a.propagate();
        assert_eq!(a.recovered(), vec![(cell("QC", 1, 1), 3)]);
        // Each within 4 of 25 and 20 (rounded to 5, at least 10): [1, 9].
        let mut a = Attacker::default();
        a.observe(&cell("QC", 0, 1), (21, 29));
        a.observe(&cell("QC", 0, 0), (16, 24));
        a.hide(&cell("QC", 1, 1));
        a.observe(&cell("QC", 1, 1), (1, 9));
        a.sum(cell("QC", 0, 1), vec![cell("QC", 0, 0), cell("QC", 1, 1)]);
        a.propagate();
        assert!(a.recovered().is_empty());
        assert_eq!(a.interval(&cell("QC", 1, 1)), (1, 9));
    }

    #[test]
    fn a_total_minus_visible_groups_bounds_the_hidden_ones() {
        let mut a = Attacker::default();
        let total = cell("", 0, 0);
        a.observe(&total, (30, 30));
        a.observe(&cell("ON", 0, 0), (22, 22));
        a.hide(&cell("QC", 0, 0));
        a.hide(&cell("BC", 0, 0));
        a.observe(&cell("BC", 0, 0), (5, 5));
        a.sum(
            total,
            vec![cell("ON", 0, 0), cell("QC", 0, 0), cell("BC", 0, 0)],
        );
        a.propagate();
        assert_eq!(a.interval(&cell("QC", 0, 0)), (3, 3));
        let truth = BTreeMap::from([(cell("QC", 0, 0), 4)]);
        assert_eq!(a.unsound(&truth).len(), 1, "a wrong collapse is caught");
    }
}
