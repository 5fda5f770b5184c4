//! Small-cell suppression of client counts (contract/API.md, "Small
//! cells"): a count of clients between 1 and k−1 is hidden, and where a
//! breakdown would then hide exactly one cell, a second one is hidden too,
//! so the hidden value cannot be worked out as the total minus the rest.
//!
//! Only client-count KPIs (`Kpi::is_client_count`) go through here, one
//! breakdown (the cells that add up to one shown total) per call; the
//! total is a breakdown of one cell on its own. Admins see unsuppressed
//! values: the API simply does not call `suppress` for the `admin` role;
//! this module knows nothing of roles.
//!
//! Decisions where the contract is silent:
//! - A value counts as small when `0 < value < k`, so a fractional reach
//!   estimate of 0.4 is hidden too; 0 is shown (it discloses nobody).
//! - The complementary cell is the smallest non-zero visible value; among
//!   equal values, the first in slice order (deterministic output). When
//!   every other visible value is 0 there is none: the breakdown's total
//!   then equals the lone small cell, so it is itself a small count,
//!   hidden wherever it is shown (a total is a breakdown of one cell); and
//!   a hidden 0 cannot stay hidden anyway (a shown count is 0 or at least
//!   k, so a published 0 over a day or two can only be 0: the
//!   `disclosure` test's attacker recovers such a 0).
//! - Cells already suppressed on input count as suppressed; cells with no
//!   value (`None`, unsuppressed) are never chosen.
//! - `k` ≤ 1 suppresses nothing.

use serde::Serialize;

/// The contract's default k.
pub const DEFAULT_K: u64 = 10;

/// One value of a breakdown of a client-count KPI.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Cell {
    /// The value shown; `None` once suppressed (JSON `null`).
    pub value: Option<f64>,
    /// Whether the value was hidden (`"suppressed": true` in the API).
    pub suppressed: bool,
}

impl Cell {
    /// A visible value.
    pub fn new(value: Option<f64>) -> Cell {
        Cell {
            value,
            suppressed: false,
        }
    }

    fn hide(&mut self) {
        self.value = None;
        self.suppressed = true;
    }
}

/// Whether a client count must be hidden under threshold `k`.
pub fn is_small(value: f64, k: u64) -> bool {
    value > 0.0 && value < k as f64
}

/// Suppresses the small cells of one breakdown in place, then the
/// complementary cell if exactly one is hidden.
pub fn suppress(cells: &mut [Cell], k: u64) {
    for cell in cells.iter_mut() {
        if cell.value.is_some_and(|v| is_small(v, k)) {
            cell.hide();
        }
    }
    if cells.iter().filter(|c| c.suppressed).count() != 1 {
        return;
    }
    let smallest_non_zero = cells
        .iter_mut()
        .filter(|c| !c.suppressed && c.value.is_some_and(|v| v > 0.0))
        .reduce(|best, c| if c.value < best.value { c } else { best });
    if let Some(cell) = smallest_non_zero {
        cell.hide();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The values after suppression, `None` where hidden.
    fn run(values: &[f64], k: u64) -> Vec<Option<f64>> {
        let mut cells: Vec<Cell> = values.iter().map(|&v| Cell::new(Some(v))).collect();
        suppress(&mut cells, k);
        for c in &cells {
            assert_eq!(c.suppressed, c.value.is_none(), "flag and value agree");
        }
        cells.iter().map(|c| c.value).collect()
    }

    const H: Option<f64> = None;

    type Case = (&'static str, Vec<f64>, u64, Vec<Option<f64>>);

    #[test]
    fn table() {
        // name, values, k, expected (None = hidden)
        #[rustfmt::skip]
        let table: Vec<Case> = vec![
            ("nothing small", vec![10.0, 25.0, 400.0], 10, vec![Some(10.0), Some(25.0), Some(400.0)]),
            ("k-1 hidden, k shown: complementary is the 10", vec![9.0, 10.0, 400.0], 10, vec![H, H, Some(400.0)]),
            ("1 is small", vec![1.0, 50.0, 60.0], 10, vec![H, H, Some(60.0)]),
            ("two small: no complement", vec![3.0, 4.0, 60.0], 10, vec![H, H, Some(60.0)]),
            ("three small", vec![3.0, 4.0, 5.0], 10, vec![H, H, H]),
            ("zeros stay", vec![0.0, 0.0, 50.0], 10, vec![Some(0.0), Some(0.0), Some(50.0)]),
            ("complement skips zeros", vec![5.0, 0.0, 30.0, 20.0], 10, vec![H, Some(0.0), Some(30.0), H]),
            ("tie: first in order", vec![5.0, 20.0, 20.0], 10, vec![H, H, Some(20.0)]),
            ("tie after", vec![20.0, 5.0, 20.0], 10, vec![H, H, Some(20.0)]),
            ("only zeros beside: no complement (the total is as small)", vec![0.0, 5.0, 0.0], 10, vec![Some(0.0), H, Some(0.0)]),
            ("all zero", vec![0.0, 0.0, 0.0], 10, vec![Some(0.0), Some(0.0), Some(0.0)]),
            ("lone small total", vec![7.0], 10, vec![H]),
            ("lone big total", vec![70.0], 10, vec![Some(70.0)]),
            ("empty", vec![], 10, vec![]),
            ("k = 1 hides nothing", vec![1.0, 2.0], 1, vec![Some(1.0), Some(2.0)]),
            ("k = 0 hides nothing", vec![1.0, 2.0], 0, vec![Some(1.0), Some(2.0)]),
            ("k = 2 hides 1 only", vec![1.0, 2.0, 3.0], 2, vec![H, H, Some(3.0)]),
            ("fractional reach", vec![0.4, 9.99, 10.0, 11.0], 10, vec![H, H, Some(10.0), Some(11.0)]),
            ("fractional lone", vec![0.4, 12.5, 11.0], 10, vec![H, Some(12.5), H]),
        ];
        for (name, values, k, want) in table {
            assert_eq!(run(&values, k), want, "{name}");
        }
    }

    #[test]
    fn pre_suppressed_and_missing_cells() {
        let hidden = Cell {
            value: None,
            suppressed: true,
        };
        // Already one hidden + one new small: two, no complement.
        let mut cells = [hidden, Cell::new(Some(3.0)), Cell::new(Some(40.0))];
        suppress(&mut cells, 10);
        assert_eq!(cells.map(|c| c.suppressed), [true, true, false]);
        // One hidden on input: its complement is still added.
        let mut cells = [
            hidden,
            Cell::new(None),
            Cell::new(Some(40.0)),
            Cell::new(Some(30.0)),
        ];
        suppress(&mut cells, 10);
        assert_eq!(cells.map(|c| c.suppressed), [true, false, false, true]);
        // A missing value is never the complement.
        let mut cells = [Cell::new(Some(2.0)), Cell::new(None)];
        suppress(&mut cells, 10);
        assert_eq!(cells.map(|c| c.suppressed), [true, false]);
        assert_eq!(cells[1].value, None);
    }

    #[test]
    fn is_small_bounds() {
        let table = [
            (0.0, false),
            (0.5, true),
            (1.0, true),
            (9.0, true),
            (9.5, true),
            (10.0, false),
            (-1.0, false),
            (f64::NAN, false),
        ];
        for (v, small) in table {
            assert_eq!(is_small(v, DEFAULT_K), small, "{v}");
        }
    }

    #[test]
    fn serialises_as_the_api_shows_it() {
        let mut cells = [
            Cell::new(Some(3.0)),
            Cell::new(Some(30.0)),
            Cell::new(Some(50.0)),
        ];
        suppress(&mut cells, DEFAULT_K);
        let json = serde_json::to_value(cells).expect("json");
        assert_eq!(
            json,
            serde_json::json!([{"value": null, "suppressed": true},
                               {"value": null, "suppressed": true},
                               {"value": 50.0, "suppressed": false}])
        );
    }
}
