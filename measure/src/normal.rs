//! The standard normal distribution: its tails from the incomplete gamma
//! function (`P(Z > z) = Q(1/2, z²/2) / 2` for `z ≥ 0`) and its quantiles
//! by bisection on them, to the last bit. Quantiles are asked for a
//! handful of fixed levels per result, so bisection's 100-odd steps cost
//! nothing that matters and need no table of coefficients.

use crate::gamma::upper_regularized;

/// `P(Z ≤ z)`.
pub fn normal_cdf(z: f64) -> f64 {
    let tail = 0.5 * upper_regularized(0.5, 0.5 * z * z);
    if z < 0.0 { tail } else { 1.0 - tail }
}

/// `z` with `P(Z ≤ z) = p`, for `0 < p < 1`.
pub fn normal_quantile(p: f64) -> f64 {
    debug_assert!(p > 0.0 && p < 1.0, "normal_quantile({p})");
    let (mut low, mut high) = (-40.0_f64, 40.0_f64);
    while high - low > f64::EPSILON * high.abs().max(low.abs()).max(1e-300) {
        let mid = 0.5 * (low + high);
        if mid == low || mid == high {
            break;
        }
        if normal_cdf(mid) < p {
            low = mid;
        } else {
            high = mid;
        }
    }
    0.5 * (low + high)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cdf_matches_published_values() {
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-15);
        assert!((normal_cdf(1.959_963_984_540_054) - 0.975).abs() < 1e-14);
        assert!((normal_cdf(-3.0) - 0.001_349_898_031_630_094_6).abs() < 1e-16);
        assert!((normal_cdf(-8.0) / 6.220_960_574_271_784e-16 - 1.0).abs() < 1e-10);
        assert!((normal_cdf(1.0) - 0.841_344_746_068_542_9).abs() < 1e-14);
    }

    #[test]
    fn quantile_inverts_the_cdf() {
        assert!((normal_quantile(0.975) - 1.959_963_984_540_054).abs() < 1e-12);
        assert!((normal_quantile(0.95) - 1.644_853_626_951_472_2).abs() < 1e-12);
        assert!((normal_quantile(0.8) - 0.841_621_233_572_914_3).abs() < 1e-12);
        assert!((normal_quantile(0.001) + 3.090_232_306_167_813_5).abs() < 1e-11);
        assert!(normal_quantile(0.5).abs() < 1e-15);
    }
}
