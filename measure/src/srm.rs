//! The sample-ratio-mismatch check: Pearson's χ² goodness of fit of the
//! exposed counts per variant against the planned split (equal unless the
//! campaign says otherwise), flagged below p = 0.001 as is usual for this
//! check (Fabijan et al., "Diagnosing Sample Ratio Mismatch in Online
//! Controlled Experiments", KDD 2019). A mismatch means assignment or
//! tracking is broken, and the comparison of conversions cannot be
//! trusted whatever it shows. The survival function is `Q(k/2, x/2)`
//! (see `gamma.rs`); it is exact, not a table.

use serde::Serialize;

use crate::error::Error;
use crate::gamma::upper_regularized;

/// The default flag level.
pub const SRM_ALPHA: f64 = 0.001;

/// The check's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SampleRatio {
    /// Pearson's χ² statistic.
    pub statistic: f64,
    /// Variants − 1 (0 with a single variant: nothing to compare).
    pub degrees_of_freedom: usize,
    /// `P(χ²_df ≥ statistic)`.
    pub p_value: f64,
    /// `p_value < alpha`.
    pub flagged: bool,
}

/// `P(X ≥ x)` for `X ~ χ²` with `df ≥ 1` degrees of freedom.
pub fn chi_square_sf(x: f64, df: usize) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    upper_regularized(0.5 * df as f64, 0.5 * x)
}

/// Pearson's χ² of `observed` against the planned `shares` (any positive
/// weights; normalised here), flagged below `alpha`.
pub fn sample_ratio(observed: &[u64], shares: &[f64], alpha: f64) -> Result<SampleRatio, Error> {
    if observed.len() != shares.len() {
        return Err(Error::Parameter {
            name: "variant_split",
            reason: "must give one share per variant",
        });
    }
    if shares.iter().any(|s| !(s.is_finite() && *s > 0.0)) {
        return Err(Error::Parameter {
            name: "variant_split",
            reason: "shares must be positive numbers",
        });
    }
    let total: u64 = observed.iter().sum();
    let degrees_of_freedom = observed.len().saturating_sub(1);
    if total == 0 || degrees_of_freedom == 0 {
        return Ok(SampleRatio {
            statistic: 0.0,
            degrees_of_freedom,
            p_value: 1.0,
            flagged: false,
        });
    }
    let weight: f64 = shares.iter().sum();
    let statistic: f64 = observed
        .iter()
        .zip(shares)
        .map(|(&o, &s)| {
            let expected = total as f64 * s / weight;
            let gap = o as f64 - expected;
            gap * gap / expected
        })
        .sum();
    let p_value = chi_square_sf(statistic, degrees_of_freedom);
    Ok(SampleRatio {
        statistic,
        degrees_of_freedom,
        p_value,
        flagged: p_value < alpha,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn survival_function_matches_published_critical_values() {
        // Critical values of χ² tables (p = 0.05 and 0.001).
        for (x, df, p) in [
            (3.841_458_820_694_124, 1, 0.05),
            (10.827_566_170_662_733, 1, 0.001),
            (16.266_236_196_238_13, 3, 0.001),
            (18.466_826_952_903_15, 4, 0.001),
            (124.342_113_404_260_94, 100, 0.05),
        ] {
            let got = chi_square_sf(x, df);
            assert!(
                (got / p - 1.0).abs() < 1e-7,
                "sf({x}, {df}) = {got}, want {p}"
            );
        }
        // Two degrees of freedom: exactly e^{-x/2}.
        for x in [0.5, 5.0, 13.815_510_557_964_274, 60.0] {
            assert!((chi_square_sf(x, 2) / (-0.5 * x).exp() - 1.0).abs() < 1e-12);
        }
    }

    #[test]
    fn a_fair_split_passes_and_a_skewed_one_is_flagged() {
        let fair = sample_ratio(&[10_040, 9_960], &[1.0, 1.0], SRM_ALPHA).expect("valid");
        assert!(!fair.flagged && fair.p_value > 0.5, "{fair:?}");
        // 52/48 of 20 000: χ² = 2·400²/10 000 = 32.
        let skewed = sample_ratio(&[10_400, 9_600], &[1.0, 1.0], SRM_ALPHA).expect("valid");
        assert!(
            (skewed.statistic - 32.0).abs() < 1e-9 && skewed.flagged,
            "{skewed:?}"
        );
        // The same counts are what a planned 52/48 split expects.
        let planned = sample_ratio(&[10_400, 9_600], &[52.0, 48.0], SRM_ALPHA).expect("valid");
        assert!(planned.statistic.abs() < 1e-9 && !planned.flagged);
    }

    #[test]
    fn nothing_to_compare_is_not_a_mismatch_and_bad_shares_are_refused() {
        let none = sample_ratio(&[0, 0], &[1.0, 1.0], SRM_ALPHA).expect("valid");
        assert_eq!((none.p_value, none.flagged), (1.0, false));
        let one = sample_ratio(&[500], &[1.0], SRM_ALPHA).expect("valid");
        assert_eq!((one.degrees_of_freedom, one.flagged), (0, false));
        assert!(sample_ratio(&[1, 2], &[1.0, 0.0], SRM_ALPHA).is_err());
        assert!(sample_ratio(&[1, 2], &[1.0], SRM_ALPHA).is_err());
    }
}
