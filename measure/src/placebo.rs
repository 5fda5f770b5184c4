//! Placebo (permutation) inference over the control units, as Abadie,
//! Diamond & Hainmueller (2010) and Conley & Taber (2011) do for few
//! treated units, and as MacKinnon & Webb ("Randomization inference for
//! difference-in-differences with few treated clusters", J. Econometrics
//! 2020) recommend over cluster-robust standard errors, which with a
//! dozen units and one to a few treated reject far too often.
//!
//! The difference in differences is `δ̂ = mean_T(d) − mean_C(d)`, `d` each
//! unit's change in log level. A placebo takes a set `S` of as many
//! control units as there are treated ones and computes the same
//! statistic against the other controls: `e_S = mean_S(d) − mean_{C∖S}(d)`.
//! If, absent the campaign, treated and control units' changes are
//! exchangeable, `δ̂ − δ` is distributed as the `e_S`:
//!
//! - p-value of "no effect": `(1 + #{|e_S| ≥ |δ̂|}) / (1 + M)` for `M`
//!   placebos (two-sided);
//! - interval: inverting that test for a constant shift `δ` gives
//!   `[δ̂ − e_(M+1−k), δ̂ − e_(k)]`, `k = ⌊(1 − level)/2 · (M + 1)⌋` (order
//!   statistics of the `e_S`), which covers with probability at least
//!   `level`. It needs `k ≥ 1`, that is `M ≥ 19` placebos at 90 %; with
//!   fewer (e.g. 1 treated of 13 units: 12 placebos) no honest 90 %
//!   interval exists and none is given.
//!
//! Every set is enumerated when there are at most `max_placebos` of them
//! (13 regions with 3 treated: 120); beyond that (`fsa`: 10 treated of 60
//! gives 10¹⁰) `max_placebos` sets are drawn at random with a fixed seed,
//! so the same data always give the same answer. Caveats: each placebo
//! compares against `|C| − |T|` controls rather than `|C|`, which makes the
//! placebo spread slightly larger than the estimate's (conservative);
//! and treated units much larger or smaller than the controls break
//! exchangeability (MacKinnon & Webb's warning), which the log scale
//! mitigates but does not remove.

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::index::sample;

use crate::panel::mean;
use crate::sequence::Interval;

/// The seed of drawn placebo sets: fixed, so results are reproducible.
const SEED: u64 = 0x636d_702d_6d65_6173;

/// The placebo sets, as indices into the control units.
#[derive(Debug, Clone)]
pub(crate) struct Placebos {
    sets: Vec<Vec<usize>>,
    /// Whether `sets` holds every subset (else a random draw).
    pub exhaustive: bool,
}

/// `n choose k`, saturating.
fn binomial(n: usize, k: usize) -> u128 {
    let k = k.min(n - k);
    let mut c: u128 = 1;
    for i in 0..k {
        c = c.saturating_mul((n - i) as u128) / (i as u128 + 1);
    }
    c
}

impl Placebos {
    /// The sets of `treated` units among `controls` (`treated < controls`).
    pub(crate) fn new(controls: usize, treated: usize, max_placebos: usize) -> Placebos {
        if binomial(controls, treated) <= max_placebos as u128 {
            Placebos { sets: combinations(controls, treated), exhaustive: true }
        } else {
            let mut rng = StdRng::seed_from_u64(SEED);
            let sets = (0..max_placebos).map(|_| sample(&mut rng, controls, treated).into_vec()).collect();
            Placebos { sets, exhaustive: false }
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.sets.len()
    }

    /// `e_S` for every set, from the controls' changes `d`.
    pub(crate) fn estimates(&self, d: &[f64]) -> Vec<f64> {
        let total: f64 = d.iter().sum();
        let rest = (d.len() - self.sets.first().map_or(0, Vec::len)) as f64;
        self.sets
            .iter()
            .map(|set| {
                let inside: f64 = set.iter().map(|&i| d[i]).sum();
                inside / set.len() as f64 - (total - inside) / rest
            })
            .collect()
    }
}

/// Every `k`-subset of `0..n`, in lexicographic order.
fn combinations(n: usize, k: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut current: Vec<usize> = (0..k).collect();
    loop {
        out.push(current.clone());
        // The rightmost index that can still move right.
        let Some(i) = (0..k).rev().find(|&i| current[i] < n - k + i) else {
            return out;
        };
        current[i] += 1;
        for j in i + 1..k {
            current[j] = current[j - 1] + 1;
        }
    }
}

/// The difference in differences of the changes.
pub(crate) fn did(treated: &[f64], control: &[f64]) -> f64 {
    mean(treated) - mean(control)
}

/// Two-sided placebo p-value of `estimate`.
pub(crate) fn p_value(estimate: f64, placebos: &[f64]) -> f64 {
    let beyond = placebos.iter().filter(|e| e.abs() >= estimate.abs()).count();
    (1 + beyond) as f64 / (1 + placebos.len()) as f64
}

/// The `level` interval of the effect by inverting the placebo test;
/// `None` with too few placebos for that level.
pub(crate) fn interval(estimate: f64, placebos: &[f64], level: f64) -> Option<Interval> {
    let m = placebos.len();
    // The small slack keeps 0.05 × 20 from rounding down to 0.
    let k = ((1.0 - level) / 2.0 * (m + 1) as f64 + 1e-9).floor() as usize;
    if k == 0 {
        return None;
    }
    let mut sorted = placebos.to_vec();
    sorted.sort_by(f64::total_cmp);
    Some(Interval { low: estimate - sorted[m - k], high: estimate - sorted[k - 1] })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_are_enumerated_when_few_and_drawn_reproducibly_when_many() {
        assert_eq!(binomial(10, 3), 120);
        assert_eq!(binomial(50, 10), 10_272_278_170);
        let few = Placebos::new(10, 3, 2_000);
        assert!(few.exhaustive && few.len() == 120);
        let mut seen: Vec<Vec<usize>> = few.sets.clone();
        seen.dedup();
        assert_eq!(seen.len(), 120, "lexicographic, so duplicates would be adjacent");
        let many = Placebos::new(50, 10, 500);
        assert!(!many.exhaustive && many.len() == 500);
        assert_eq!(many.sets, Placebos::new(50, 10, 500).sets);
        assert!(many.sets.iter().all(|s| s.len() == 10 && s.iter().all(|&i| i < 50)));
    }

    #[test]
    fn placebo_estimates_compare_each_set_with_the_other_controls() {
        let d = [1.0, 2.0, 3.0, 6.0];
        let p = Placebos::new(4, 1, 100);
        // {0} vs {1,2,3}: 1 − 11/3.
        let e = p.estimates(&d);
        assert!((e[0] - (1.0 - 11.0 / 3.0)).abs() < 1e-12 && (e[3] - (6.0 - 2.0)).abs() < 1e-12);
    }

    #[test]
    fn p_value_and_interval_follow_the_order_statistics() {
        let placebos: Vec<f64> = (1..=19).map(|i| i as f64 - 10.0).collect(); // −9..9
        assert_eq!(p_value(100.0, &placebos), 1.0 / 20.0);
        assert_eq!(p_value(0.0, &placebos), 1.0);
        assert_eq!(p_value(8.5, &placebos), 3.0 / 20.0);
        // M = 19, k = 1: [δ̂ − max, δ̂ − min].
        assert_eq!(interval(2.0, &placebos, 0.9), Some(Interval { low: -7.0, high: 11.0 }));
        assert_eq!(interval(2.0, &placebos[..18], 0.9), None);
    }
}
