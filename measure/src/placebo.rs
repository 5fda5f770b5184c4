//! Placebo (permutation) inference: the randomization test of MacKinnon &
//! Webb ("Randomization inference for difference-in-differences with few
//! treated clusters", J. Econometrics 2020), which they recommend over
//! cluster-robust standard errors (with a dozen units and one to a few
//! treated those reject far too often), inverted for an interval.
//!
//! **Statistic.** Each unit's change in log level `d_i` is weighted by its
//! precision `w_i = 1 / var(d_i)` (`noise.rs`): `δ̂ = Σ_T w d / Σ_T w −
//! Σ_C w d / Σ_C w`, standard error `se = √(1/Σ_T w + 1/Σ_C w)`, and the
//! test statistic is the studentized `t = δ̂ / se`.
//!
//! **Placebos.** A placebo assigns the treatment to another set `S` of as
//! many units, drawn from *all* units, and computes the same `t_S` against
//! the rest. Under the hypothesis that the campaign shifted the treated
//! units' log level by `δ₀` (0 for the p-value), the treated units' `d`
//! are first reduced by `δ₀`; if, that removed, which units were treated
//! is exchangeable, the observed `t` is one draw among the `t_S`, and
//!
//! - p-value: `(1 + #{|t_S| ≥ |t|}) / (1 + M)` for `M` placebos
//!   (two-sided), exact for a treatment assigned at random;
//! - interval: every `δ₀` whose p-value is at least `alpha`, found by
//!   bisection on each side of `δ̂` (the sums each placebo needs are kept,
//!   so a hypothesis costs one pass over them). When `1/(M + 1) ≥ alpha`
//!   no `δ₀` can be rejected, and no interval is given.
//!
//! **Why not placebos from the control units alone** (Conley & Taber
//! 2011; Abadie et al. 2010)? Their spread is then learned from the
//! controls only, which with 10 controls is a t-distribution with 9
//! degrees of freedom read with normal critical values: in this crate's
//! study that version rejected a true null in 13.7–14 % of datasets at
//! 10 % (13 regions, 3 treated), this one in about 10 % (see
//! /work/notes/stats.md). Why studentize: with units of very different
//! sizes, the raw coefficient's placebo distribution is dominated by the
//! noisiest units (MacKinnon & Webb's finding); the t-statistic is not.
//!
//! Every set is enumerated when there are at most `max_placebos` of them
//! (13 regions with 3 treated: 285 besides the real one); beyond that
//! (`fsa`: 10 treated of 60 gives 7·10¹⁰) `max_placebos` sets are drawn at
//! random with a fixed seed, so the same data always give the same
//! answer. Exchangeability is an assumption about how units were chosen:
//! treated units picked for a recent dip or peak break it, and no
//! inference repairs that.

use crate::sequence::Interval;

/// The seed of drawn placebo sets: fixed, so results are reproducible.
const SEED: u64 = 0x636d_702d_6d65_6173;
/// Bisection steps per interval end (the bracket shrinks 2³⁰-fold).
const BISECTIONS: usize = 30;
/// Doublings of the bracket before an end is declared unbounded.
const DOUBLINGS: usize = 60;

/// Placebo assignments: sets of unit indices (treated units first, so the
/// real assignment is `0..treated`).
#[derive(Debug, Clone)]
pub(crate) struct Placebos {
    sets: Vec<Vec<usize>>,
    treated: usize,
    /// Whether `sets` holds every other assignment (else a random draw).
    pub exhaustive: bool,
}

/// SplitMix64 (Steele, Lea & Flood, OOPSLA 2014): a generator defined by
/// three lines of arithmetic, so the placebo sets drawn from a seed are
/// the same on every platform and every version of every dependency.
#[derive(Debug)]
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (multiply-shift; the bias, `n / 2⁶⁴`, is nil here).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }
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
    /// The assignments of `treated` units among `units` (`treated < units`).
    pub(crate) fn new(units: usize, treated: usize, max_placebos: usize) -> Placebos {
        if binomial(units, treated) <= max_placebos as u128 + 1 {
            let mut sets = combinations(units, treated);
            // The first, 0..treated, is the real assignment.
            sets.remove(0);
            Placebos {
                sets,
                treated,
                exhaustive: true,
            }
        } else {
            let mut rng = SplitMix(SEED);
            let mut order: Vec<usize> = (0..units).collect();
            let sets = (0..max_placebos)
                .map(|_| {
                    // A partial Fisher–Yates shuffle: uniform whatever the
                    // order the previous draw left.
                    for i in 0..treated {
                        let j = i + rng.below(units - i);
                        order.swap(i, j);
                    }
                    order[..treated].to_vec()
                })
                .collect();
            Placebos {
                sets,
                treated,
                exhaustive: false,
            }
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.sets.len()
    }

    /// The test of `units` (treated first): each placebo's sums, kept.
    pub(crate) fn test(&self, units: Changes<'_>) -> Test {
        let w: Vec<f64> = units.var.iter().map(|v| 1.0 / v).collect();
        let sums = |set: &mut dyn Iterator<Item = usize>| {
            set.fold(Sums::default(), |s, i| Sums {
                w: s.w + w[i],
                wd: s.wd + w[i] * units.d[i],
                treated_w: s.treated_w + if i < self.treated { w[i] } else { 0.0 },
            })
        };
        Test {
            all: sums(&mut (0..w.len())),
            observed: sums(&mut (0..self.treated)),
            placebos: self
                .sets
                .iter()
                .map(|s| sums(&mut s.iter().copied()))
                .collect(),
        }
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

/// Units' changes in log level and their variances.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Changes<'a> {
    pub d: &'a [f64],
    pub var: &'a [f64],
}

/// `Σ w`, `Σ w d`, and `Σ w` over the really treated units, of a set.
#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    w: f64,
    wd: f64,
    treated_w: f64,
}

/// A precision-weighted difference in differences and its standard error.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Stat {
    pub estimate: f64,
    pub se: f64,
}

/// The permutation test of one set of changes.
#[derive(Debug, Clone)]
pub(crate) struct Test {
    all: Sums,
    observed: Sums,
    placebos: Vec<Sums>,
}

impl Test {
    /// `t` of `set` against the rest, the treated units' `d` less `delta`.
    fn t(&self, set: Sums, delta: f64) -> f64 {
        let inside = set.wd - delta * set.treated_w;
        let total = self.all.wd - delta * self.all.treated_w;
        let rest = self.all.w - set.w;
        (inside / set.w - (total - inside) / rest) / (1.0 / set.w + 1.0 / rest).sqrt()
    }

    /// The real assignment's estimate.
    pub(crate) fn observed(&self) -> Stat {
        let rest = Sums {
            w: self.all.w - self.observed.w,
            wd: self.all.wd - self.observed.wd,
            treated_w: 0.0,
        };
        Stat {
            estimate: self.observed.wd / self.observed.w - rest.wd / rest.w,
            se: (1.0 / self.observed.w + 1.0 / rest.w).sqrt(),
        }
    }

    /// Two-sided p-value of "the treated units' log level moved by `delta`".
    pub(crate) fn p_value(&self, delta: f64) -> f64 {
        let t = self.t(self.observed, delta).abs();
        // Ties within rounding count as ties.
        let bar = t * (1.0 - 1e-12);
        let beyond = self
            .placebos
            .iter()
            .filter(|s| self.t(**s, delta).abs() >= bar)
            .count();
        (1 + beyond) as f64 / (1 + self.placebos.len()) as f64
    }

    /// The `δ₀` not rejected at `alpha`; `None` when the placebos are too
    /// few to reject anything or an end is unbounded.
    pub(crate) fn interval(&self, alpha: f64) -> Option<Interval> {
        if 1.0 / (1 + self.placebos.len()) as f64 >= alpha {
            return None;
        }
        let stat = self.observed();
        let end = |direction: f64| -> Option<f64> {
            let mut inner = stat.estimate;
            let mut step = stat.se;
            let mut outer = (0..DOUBLINGS).find_map(|_| {
                let candidate = stat.estimate + direction * step;
                if self.p_value(candidate) < alpha {
                    return Some(candidate);
                }
                inner = candidate;
                step *= 2.0;
                None
            })?;
            for _ in 0..BISECTIONS {
                let mid = 0.5 * (inner + outer);
                if self.p_value(mid) < alpha {
                    outer = mid;
                } else {
                    inner = mid;
                }
            }
            Some(0.5 * (inner + outer))
        };
        Some(Interval {
            low: end(-1.0)?,
            high: end(1.0)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignments_are_enumerated_when_few_and_drawn_reproducibly_when_many() {
        assert_eq!(binomial(13, 3), 286);
        assert_eq!(binomial(50, 10), 10_272_278_170);
        let few = Placebos::new(13, 3, 2_000);
        assert!(few.exhaustive && few.len() == 285);
        assert!(
            !few.sets.contains(&vec![0, 1, 2]),
            "the real assignment is not a placebo"
        );
        let mut seen = few.sets.clone();
        seen.dedup();
        assert_eq!(
            seen.len(),
            285,
            "lexicographic, so duplicates would be adjacent"
        );
        let many = Placebos::new(60, 10, 500);
        assert!(!many.exhaustive && many.len() == 500);
        assert_eq!(many.sets, Placebos::new(60, 10, 500).sets);
        assert!(
            many.sets
                .iter()
                .all(|s| s.len() == 10 && s.iter().all(|&i| i < 60))
        );
        let mut distinct = many.sets[0].clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), 10);
    }

    #[test]
    fn splitmix_is_the_published_sequence_and_uniform_enough() {
        // The first outputs for seed 0 (the reference implementation's).
        let mut g = SplitMix(0);
        assert_eq!(g.next(), 0xe220_a839_7b1d_cdaf);
        assert_eq!(g.next(), 0x6e78_9e6a_a1b9_65f4);
        let mut counts = [0u32; 6];
        for _ in 0..60_000 {
            counts[g.below(6)] += 1;
        }
        assert!(
            counts.iter().all(|&c| (9_500..10_500).contains(&c)),
            "{counts:?}"
        );
    }

    #[test]
    fn the_statistic_is_precision_weighted() {
        // Unit 0 treated; controls weighted 1, 1, 2, 1.
        let d = [4.0, 1.0, 2.0, 3.0, 6.0];
        let var = [0.25, 1.0, 1.0, 0.5, 1.0];
        let test = Placebos::new(5, 1, 100).test(Changes { d: &d, var: &var });
        let stat = test.observed();
        assert!(
            (stat.estimate - (4.0 - 15.0 / 5.0)).abs() < 1e-12,
            "{stat:?}"
        );
        assert!((stat.se - (0.25f64 + 0.2).sqrt()).abs() < 1e-12);
        // Placebo {1} against {0, 2, 3, 4} (weights 4, 1, 2, 1; sums 8, 30).
        let t = test.t(test.placebos[0], 0.0);
        assert!(
            (t - (1.0 - 30.0 / 8.0) / (1.0f64 + 1.0 / 8.0).sqrt()).abs() < 1e-12,
            "{t}"
        );
    }

    #[test]
    fn p_values_and_intervals_follow_the_permutations() {
        // 20 units of equal noise, unit 0 far above the rest: no placebo
        // reaches it, p = 1/20, and the interval is [δ₀ that let one do, …].
        let mut d: Vec<f64> = (0..20).map(|i| 0.01 * (i as f64 - 10.0)).collect();
        d[0] = 1.0;
        let var = vec![0.01; 20];
        let test = Placebos::new(20, 1, 1_000).test(Changes { d: &d, var: &var });
        assert_eq!(test.p_value(0.0), 1.0 / 20.0);
        assert_eq!(test.p_value(test.observed().estimate), 1.0);
        let interval = test.interval(0.1).expect("19 placebos reject at 10 %");
        let estimate = test.observed().estimate;
        assert!(interval.low < estimate && estimate < interval.high);
        // Just inside the interval is not rejected; just outside is.
        let width = interval.high - interval.low;
        assert!(test.p_value(interval.low + 1e-6 * width) >= 0.1);
        assert!(test.p_value(interval.low - 1e-3 * width) < 0.1);
        assert!(test.p_value(interval.high + 1e-3 * width) < 0.1);
        // 9 placebos cannot reject at 10 %.
        let small = Placebos::new(10, 1, 1_000).test(Changes {
            d: &d[..10],
            var: &var[..10],
        });
        assert_eq!(small.interval(0.1), None);
    }
}
