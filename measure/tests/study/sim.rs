//! The studies' random numbers and run counts. Samplers are written out
//! (the workspace has `rand` but not `rand_distr`) and exact where the
//! studies' tails need it: binomial by inversion for small means and
//! bit by bit (64 trials per word, `p` to 2⁻²⁴) for large ones; Poisson by
//! inversion below a mean of 30 and by its normal approximation above
//! (rounded, at least 0), where the study needs only its variance.

use rand::rngs::SmallRng;
use rand::{Rng, RngCore, SeedableRng};

pub type Gen = SmallRng;

pub fn rng(seed: u64) -> Gen {
    SmallRng::seed_from_u64(seed)
}

/// Whether the long versions were asked for (`CMP_LONG_STUDY=1`).
pub fn long() -> bool {
    std::env::var("CMP_LONG_STUDY").is_ok_and(|v| v == "1")
}

/// `short` runs, or `long` with `CMP_LONG_STUDY=1`.
pub fn runs(short: usize, long_runs: usize) -> usize {
    if long() { long_runs } else { short }
}

pub fn uniform(rng: &mut Gen) -> f64 {
    rng.random::<f64>()
}

/// A standard normal draw (Box–Muller).
pub fn normal(rng: &mut Gen) -> f64 {
    let u = 1.0 - uniform(rng); // (0, 1]
    let v = uniform(rng);
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// Binomial(n, p).
pub fn binomial(rng: &mut Gen, n: u64, p: f64) -> u64 {
    if p > 0.5 {
        return n - binomial(rng, n, 1.0 - p);
    }
    if (n as f64) * p < 30.0 {
        inversion(rng, n, p)
    } else {
        bitwise(rng, n, p)
    }
}

fn inversion(rng: &mut Gen, n: u64, p: f64) -> u64 {
    let u = uniform(rng);
    let odds = p / (1.0 - p);
    let mut pmf = ((n as f64) * (-p).ln_1p()).exp();
    let mut cdf = pmf;
    let mut k = 0;
    while u > cdf && k < n {
        pmf *= (n - k) as f64 / (k + 1) as f64 * odds;
        k += 1;
        cdf += pmf;
    }
    k
}

/// 64 Bernoulli(p) trials per word: reading `p`'s binary digits from the
/// least significant, OR-ing a random word in for a 1 and AND-ing for a 0
/// makes each bit 1 with probability exactly `p` (to 24 digits).
fn bitwise(rng: &mut Gen, n: u64, p: f64) -> u64 {
    const DIGITS: u32 = 24;
    let bits = (p * (1u64 << DIGITS) as f64).round() as u64;
    let mut total = 0;
    let mut left = n;
    while left > 0 {
        let mut word = 0u64;
        for j in bits.trailing_zeros()..DIGITS {
            let r = rng.next_u64();
            word = if (bits >> j) & 1 == 1 {
                word | r
            } else {
                word & r
            };
        }
        let take = left.min(64);
        if take < 64 {
            word &= (1u64 << take) - 1;
        }
        total += u64::from(word.count_ones());
        left -= take;
    }
    total
}

/// Poisson(mean).
pub fn poisson(rng: &mut Gen, mean: f64) -> f64 {
    if mean >= 30.0 {
        return (mean + mean.sqrt() * normal(rng)).round().max(0.0);
    }
    let u = uniform(rng);
    let mut pmf = (-mean).exp();
    let mut cdf = pmf;
    let mut k = 0u32;
    while u > cdf && k < 1_000 {
        k += 1;
        pmf *= mean / k as f64;
        cdf += pmf;
    }
    f64::from(k)
}

/// `k` distinct indices of `0..n`, in random order.
pub fn choose(rng: &mut Gen, n: usize, k: usize) -> Vec<usize> {
    let mut all: Vec<usize> = (0..n).collect();
    for i in 0..k {
        let j = rng.random_range(i..n);
        all.swap(i, j);
    }
    all.truncate(k);
    all
}

#[test]
fn samplers_have_their_moments() {
    let mut g = rng(7);
    let draws = 10_000;
    for (n, p) in [(200u64, 0.05), (2_000, 0.5), (2_000, 0.52), (10, 0.9)] {
        let xs: Vec<f64> = (0..draws).map(|_| binomial(&mut g, n, p) as f64).collect();
        let m = xs.iter().sum::<f64>() / draws as f64;
        let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / draws as f64;
        let (mean, var) = (n as f64 * p, n as f64 * p * (1.0 - p));
        assert!(
            (m - mean).abs() < 4.0 * (var / draws as f64).sqrt(),
            "binomial({n}, {p}): mean {m}"
        );
        assert!(
            (v / var - 1.0).abs() < 0.06,
            "binomial({n}, {p}): variance {v} vs {var}"
        );
    }
    for mean in [3.0, 25.0, 400.0] {
        let xs: Vec<f64> = (0..draws).map(|_| poisson(&mut g, mean)).collect();
        let m = xs.iter().sum::<f64>() / draws as f64;
        let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / draws as f64;
        assert!(
            (m - mean).abs() < 4.0 * (mean / draws as f64).sqrt(),
            "poisson({mean}): mean {m}"
        );
        assert!(
            (v / mean - 1.0).abs() < 0.06,
            "poisson({mean}): variance {v}"
        );
    }
}
