//! The experiment's data as the estimators see it: each unit's KPI on the
//! log scale over a range of periods, and its change between two ranges.
//!
//! A unit's level over a range is `ln(mean)`: for counts `ln((total + ½) /
//! periods)` (the ½ keeps a unit with no completion in a short range
//! finite, a negligible shift for the hundreds a unit counts over weeks);
//! for shares `ln(mean share)`, refused when zero. Working on the log
//! scale makes the comparison *relative*: provinces and postal areas that
//! differ a hundredfold in size share seasonality and national trends
//! multiplicatively, and the estimate is a lift, not a count dominated by
//! the largest unit.

use std::ops::Range;

use crate::error::Error;

/// How a KPI aggregates over periods and units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KpiKind {
    /// Completions (or starts, submissions): summed.
    Count,
    /// `program_online_share`: averaged.
    Share,
}

/// The log level of `values[range]`.
pub(crate) fn level(values: &[f64], range: Range<usize>, kind: KpiKind) -> Option<f64> {
    let periods = range.len() as f64;
    let total: f64 = values[range].iter().sum();
    match kind {
        KpiKind::Count => Some(((total + 0.5) / periods).ln()),
        KpiKind::Share if total > 0.0 => Some((total / periods).ln()),
        KpiKind::Share => None,
    }
}

/// One unit's series, ready for the estimators.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Series<'a> {
    pub name: &'a str,
    pub values: &'a [f64],
}

/// Each unit's change of log level from `from` to `to`.
pub(crate) fn changes(
    units: &[Series<'_>],
    from: Range<usize>,
    to: Range<usize>,
    kind: KpiKind,
) -> Result<Vec<f64>, Error> {
    units
        .iter()
        .map(|u| {
            match (
                level(u.values, from.clone(), kind),
                level(u.values, to.clone(), kind),
            ) {
                (Some(a), Some(b)) => Ok(b - a),
                _ => Err(Error::ZeroUnit(u.name.to_owned())),
            }
        })
        .collect()
}

/// The pre-period cut in two halves (the earlier half one period shorter
/// when the length is odd): the pseudo-experiment the pre-trend check and
/// the minimum detectable effect rest on.
pub(crate) fn halves(pre: Range<usize>) -> (Range<usize>, Range<usize>) {
    let mid = pre.start + pre.len() / 2;
    (pre.start..mid, mid..pre.end)
}

pub(crate) fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_log_means_and_changes_are_relative() {
        let a = [10.0, 10.0, 20.0, 20.0];
        assert!((level(&a, 0..2, KpiKind::Share).expect("positive") - 10f64.ln()).abs() < 1e-12);
        assert!((level(&a, 0..2, KpiKind::Count).expect("always") - 10.25f64.ln()).abs() < 1e-12);
        assert_eq!(level(&[0.0, 0.0], 0..2, KpiKind::Share), None);
        assert!(
            (level(&[0.0, 0.0], 0..2, KpiKind::Count).expect("smoothed") - 0.25f64.ln()).abs()
                < 1e-12
        );
        let units = [Series {
            name: "x",
            values: &a,
        }];
        let d = changes(&units, 0..2, 2..4, KpiKind::Share).expect("positive");
        assert!((d[0] - 2f64.ln()).abs() < 1e-12);
        let zero = [Series {
            name: "z",
            values: &[0.0, 0.0, 1.0, 1.0],
        }];
        assert_eq!(
            changes(&zero, 0..2, 2..4, KpiKind::Share),
            Err(Error::ZeroUnit("z".to_owned()))
        );
        assert_eq!(halves(3..10), (3..6, 6..10));
    }
}
