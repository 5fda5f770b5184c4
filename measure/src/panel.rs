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
//!
//! Units differ in how noisy they are (a postal area with three
//! completions a day against Ontario), so the estimators weight each unit
//! by its precision and studentize (`placebo.rs`). A unit's noise comes
//! from its own pre-period: cut into `K = min(P, 14)` equal blocks (the
//! last `K·m` of its `P` periods), each block's log level, the time and
//! unit means removed (what all units share, weekday cycles and national
//! news, cancels), the residuals' variance (`× N/(N−1)` for the removed
//! means) times the block length `m` is its variance per period `v_i`.
//! Assuming noise independent from period to period, a change between
//! ranges of `A` and `B` periods has variance `v_i (1/A + 1/B)`. A
//! variance is kept at least a thousandth of the units' median, so a
//! constant series cannot take all the weight.

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
            match (level(u.values, from.clone(), kind), level(u.values, to.clone(), kind)) {
                (Some(a), Some(b)) => Ok(b - a),
                _ => Err(Error::ZeroUnit(u.name.to_owned())),
            }
        })
        .collect()
}

/// Blocks of the noise estimate.
const MAX_BLOCKS: usize = 14;

/// Each unit's noise variance per period on the log scale (above).
pub(crate) fn noise(units: &[Series<'_>], pre: Range<usize>, kind: KpiKind) -> Result<Vec<f64>, Error> {
    let k = pre.len().min(MAX_BLOCKS);
    let m = pre.len() / k;
    let first = pre.end - k * m;
    let levels = units
        .iter()
        .map(|u| {
            (0..k)
                .map(|b| level(u.values, first + b * m..first + (b + 1) * m, kind))
                .collect::<Option<Vec<f64>>>()
                .ok_or_else(|| Error::ZeroUnit(u.name.to_owned()))
        })
        .collect::<Result<Vec<Vec<f64>>, Error>>()?;
    let n = units.len() as f64;
    let block_means: Vec<f64> = (0..k).map(|b| levels.iter().map(|l| l[b]).sum::<f64>() / n).collect();
    let grand = mean(&block_means);
    let mut v: Vec<f64> = levels
        .iter()
        .map(|l| {
            let own = mean(l);
            let squares: f64 = l.iter().zip(&block_means).map(|(x, c)| (x - own - c + grand).powi(2)).sum();
            squares / (k - 1) as f64 * n / (n - 1.0) * m as f64
        })
        .collect();
    let mut sorted = v.clone();
    sorted.sort_by(f64::total_cmp);
    let floor = 1e-3 * sorted[sorted.len() / 2];
    for x in &mut v {
        *x = x.max(floor).max(f64::MIN_POSITIVE);
    }
    Ok(v)
}

/// The variance of a change between ranges of `a` and `b` periods.
pub(crate) fn change_variance(noise: &[f64], a: usize, b: usize) -> Vec<f64> {
    noise.iter().map(|v| v * (1.0 / a as f64 + 1.0 / b as f64)).collect()
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
        assert!((level(&[0.0, 0.0], 0..2, KpiKind::Count).expect("smoothed") - 0.25f64.ln()).abs() < 1e-12);
        let units = [Series { name: "x", values: &a }];
        let d = changes(&units, 0..2, 2..4, KpiKind::Share).expect("positive");
        assert!((d[0] - 2f64.ln()).abs() < 1e-12);
        let zero = [Series { name: "z", values: &[0.0, 0.0, 1.0, 1.0] }];
        assert_eq!(changes(&zero, 0..2, 2..4, KpiKind::Share), Err(Error::ZeroUnit("z".to_owned())));
        assert_eq!(halves(3..10), (3..6, 6..10));
    }

    #[test]
    fn noise_is_each_units_own_wobble_net_of_what_all_share() {
        // A shared weekly cycle × unit size; one unit alternates ±0.1 on top.
        let cycle = |t: usize| 1.0 + 0.3 * ((t % 7) as f64);
        let series = |size: f64, a: f64| -> Vec<f64> {
            (0..28).map(|t| size * cycle(t) * if t % 2 == 0 { a.exp() } else { (-a).exp() }).collect()
        };
        let loud = series(5.0, 0.1);
        let quiet: Vec<Vec<f64>> = [100.0, 40.0, 7.0, 300.0].iter().map(|&s| series(s, 0.0)).collect();
        let mut units = vec![Series { name: "loud", values: &loud }];
        units.extend(quiet.iter().map(|q| Series { name: "quiet", values: q }));
        // One period per block: about 0.1² per period for the loud unit
        // (less the fifth of it the cross-unit mean absorbs), the cycle gone.
        let v = noise(&units, 0..14, KpiKind::Share).expect("positive");
        assert!((v[0] / 0.01 - 1.0).abs() < 0.3, "{v:?}");
        assert!(v[1..].iter().all(|q| *q < v[0] / 10.0), "{v:?}");
        // Blocks of two periods average most of the alternation away.
        let blocks = noise(&units, 0..28, KpiKind::Share).expect("positive");
        assert!(blocks[0] < v[0] / 5.0, "{blocks:?}");
        assert_eq!(change_variance(&[2.0], 4, 4), vec![1.0]);
    }
}
