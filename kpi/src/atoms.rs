//! Published counts as sums of daily atoms (contract/API.md, "Small cells,
//! strengthened"; docs/privacy.md). A client count that adds up over days
//! is published, for a non-admin, as the sum over the days of its range of
//! the cell's daily counts, each randomly rounded with its own fixed coin
//! (keyed by the campaign, the KPI, the breakdown key and the day in the
//! reporting time zone). Every answer over a date range is then a
//! deterministic function of one set of published atoms, so differencing
//! two ranges of the same cell gives back at most a rounded atom (a
//! multiple of the base), never a day's exact count; and routes that ask
//! for the same cell and range agree to the unit.
//!
//! Whether a cell is shown is still decided on its exact count over the
//! whole range (`suppress`): a range whose true count is 1..k−1 is hidden,
//! while its days' atoms still enter every longer range that holds them.
//!
//! Decisions where the contract is silent:
//! - A day's count of 0 is an atom of 0 (rounding leaves 0 alone), so a
//!   range padded with days without data publishes the same sum.
//! - The days given for a cell are summed as given: the caller lists each
//!   day once (the report's daily rows).

use chrono::NaiveDate;

use crate::round::{CellKey, Disclosure};
use crate::suppress::{Cell, suppress};

impl Disclosure {
    /// The published atom of `cell`'s count `v` on `day`.
    pub fn atom(&self, cell: &CellKey<'_>, day: NaiveDate, v: f64) -> f64 {
        self.round_keyed(cell, Some(day), v)
    }

    /// The published count of `cell` over the days listed with their
    /// exact counts: the sum of their atoms.
    pub fn sum_of_atoms<I>(&self, cell: &CellKey<'_>, days: I) -> f64
    where
        I: IntoIterator<Item = (NaiveDate, f64)>,
    {
        days.into_iter()
            .map(|(day, v)| self.atom(cell, day, v))
            .sum()
    }

    /// Suppresses the small cells of one breakdown on their exact counts
    /// (`suppress`), then shows every visible cell as the sum of its atoms;
    /// `keys[i]` is where `cells[i]` is shown, `days[i]` its daily counts.
    pub fn publish_days(
        &self,
        cells: &mut [Cell],
        keys: &[CellKey<'_>],
        days: &[Vec<(NaiveDate, f64)>],
    ) {
        suppress(cells, self.k());
        for ((cell, key), days) in cells.iter_mut().zip(keys).zip(days) {
            if !cell.suppressed && cell.value.is_some() {
                cell.value = Some(self.sum_of_atoms(key, days.iter().copied()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Disclosure {
        Disclosure::new(10, 5, b"test secret")
    }

    fn day(i: i64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 1).expect("date") + chrono::Duration::days(i)
    }

    const QC: CellKey<'static> = CellKey {
        campaign: "c",
        kpi: "uptake_completed",
        breakdown: &[("region", "QC")],
    };

    /// A month of daily counts, some small, some zero.
    fn month() -> Vec<(NaiveDate, f64)> {
        (0..30)
            .map(|i| (day(i), ((i * 7 + 3) % 13) as f64))
            .collect()
    }

    #[test]
    fn a_range_is_the_sum_of_its_days_atoms_so_ranges_difference_to_an_atom() {
        let d = rules();
        let days = month();
        for from in 0..days.len() {
            for to in from..days.len() {
                let range = d.sum_of_atoms(&QC, days[from..=to].iter().copied());
                let parts = d.sum_of_atoms(&QC, days[from..to].iter().copied())
                    + d.atom(&QC, days[to].0, days[to].1);
                assert_eq!(range, parts, "{from}..={to}");
                assert_eq!(range % 5.0, 0.0);
                let error = range - days[from..=to].iter().map(|x| x.1).sum::<f64>();
                assert!(error.abs() <= 4.0 * (to - from + 1) as f64);
            }
        }
        // A hidden day read as a difference of two ranges is its atom: a
        // multiple of 5, which leaves at least 4 values of 1..9.
        for (day, v) in &days {
            let a = d.atom(&QC, *day, *v);
            assert_eq!(a % 5.0, 0.0);
            let candidates = (1..10).filter(|t| (a - *t as f64).abs() <= 4.0).count();
            let hidden = (1.0..10.0).contains(v);
            assert!(!hidden || candidates >= 4, "{v} -> {a}: {candidates}");
        }
    }

    #[test]
    fn each_day_has_its_own_coin_and_the_same_cell_reads_the_same() {
        let d = rules();
        let atoms: Vec<f64> = (0..200).map(|i| d.atom(&QC, day(i), 43.0)).collect();
        assert!(
            atoms.contains(&40.0) && atoms.contains(&45.0),
            "per-day coins"
        );
        let again: Vec<f64> = (0..200).map(|i| d.atom(&QC, day(i), 43.0)).collect();
        assert_eq!(atoms, again);
        assert_eq!(d.atom(&QC, day(3), 0.0), 0.0, "zero stays");
        assert_eq!(d.atom(&QC, day(3), 45.0), 45.0, "a multiple stays");
        // Unbiased: over many days the mean error of 43 is near 0.
        let n = 20_000;
        let error: f64 = (0..n).map(|i| d.atom(&QC, day(i), 43.0) - 43.0).sum();
        assert!(
            (error / n as f64).abs() < 0.09,
            "mean error {}",
            error / n as f64
        );
        // Padding a range with days without data changes nothing.
        let days = month();
        let padded: Vec<(NaiveDate, f64)> = (-5..0)
            .map(|i| (day(i), 0.0))
            .chain(days.iter().copied())
            .collect();
        assert_eq!(d.sum_of_atoms(&QC, padded), d.sum_of_atoms(&QC, days));
    }

    #[test]
    fn suppression_is_decided_on_the_exact_range_and_the_rest_are_sums() {
        let d = rules();
        // Three regions over two days: QC's range is 3 + 4 = 7, hidden;
        // its complement is the next smallest, ON (12).
        let days = vec![
            vec![(day(0), 3.0), (day(1), 4.0)],
            vec![(day(0), 6.0), (day(1), 6.0)],
            vec![(day(0), 40.0), (day(1), 33.0)],
        ];
        let mut cells = days
            .iter()
            .map(|d| Cell::new(Some(d.iter().map(|x| x.1).sum())))
            .collect::<Vec<_>>();
        let keys = [
            QC,
            CellKey {
                breakdown: &[("region", "ON")],
                ..QC
            },
            CellKey {
                breakdown: &[("region", "BC")],
                ..QC
            },
        ];
        d.publish_days(&mut cells, &keys, &days);
        assert!(cells[0].suppressed && cells[1].suppressed && !cells[2].suppressed);
        assert_eq!(
            cells[2].value,
            Some(d.sum_of_atoms(&keys[2], days[2].iter().copied()))
        );
        let exact = Disclosure::new(10, 1, b"s");
        let mut cells = [Cell::new(Some(73.0))];
        exact.publish_days(&mut cells, &keys[2..], &days[2..]);
        assert_eq!(cells[0].value, Some(73.0), "base 1: exact");
    }
}
