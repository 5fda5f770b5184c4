//! The log-gamma function and the regularized incomplete gamma functions,
//! from which the normal and χ² distributions below are computed (the
//! normal tail is `Q(1/2, z²/2) / 2`, the χ² survival `Q(k/2, x/2)`).
//!
//! `ln Γ` shifts its argument above 10 by the recurrence `Γ(x+1) = xΓ(x)`
//! and sums Stirling's series to the `z⁻⁹` term (error below 1e-13 there).
//! `P(a, x)` is summed from its power series when `x < a + 1`, and `Q(a, x)`
//! from its continued fraction (evaluated by the modified Lentz method)
//! otherwise, so neither is ever computed as `1 −` a number close to 1.
//! Abramowitz & Stegun 6.1.40, 6.5.29 and 6.5.31.

/// Relative precision at which the series and the continued fraction stop.
const EPS: f64 = 1e-15;
/// Guard against a zero denominator in Lentz's method.
const TINY: f64 = 1e-300;
/// More terms than any argument this crate meets needs (about `√a` + 10).
const MAX_TERMS: usize = 10_000;

/// `ln Γ(x)` for `x > 0`.
pub(crate) fn ln_gamma(x: f64) -> f64 {
    debug_assert!(x > 0.0, "ln_gamma of a non-positive number");
    let mut z = x;
    let mut product = 1.0;
    while z < 10.0 {
        product *= z;
        z += 1.0;
    }
    let inv = 1.0 / z;
    let inv2 = inv * inv;
    let series = inv
        * (1.0 / 12.0
            - inv2 * (1.0 / 360.0 - inv2 * (1.0 / 1260.0 - inv2 * (1.0 / 1680.0 - inv2 / 1188.0))));
    (z - 0.5) * z.ln() - z + 0.5 * (2.0 * std::f64::consts::PI).ln() + series - product.ln()
}

/// `ln Γ(1/2) = ln √π`: the normal distribution's `a`, asked often.
const LN_GAMMA_HALF: f64 = 0.572_364_942_924_700_1;

/// `e^{-x} x^a / Γ(a)`: the factor both expansions share.
fn prefactor(a: f64, x: f64) -> f64 {
    let ln_gamma_a = if a == 0.5 { LN_GAMMA_HALF } else { ln_gamma(a) };
    (a * x.ln() - x - ln_gamma_a).exp()
}

/// The regularized upper incomplete gamma function `Q(a, x) = 1 − P(a, x)`,
/// `a > 0`, `x ≥ 0`.
pub(crate) fn upper_regularized(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        1.0
    } else if x < a + 1.0 {
        1.0 - series(a, x)
    } else {
        continued_fraction(a, x)
    }
}

/// `P(a, x) = e^{-x} x^a / Γ(a+1) · Σ xⁿ / ((a+1)…(a+n))`.
fn series(a: f64, x: f64) -> f64 {
    let mut term = 1.0 / a;
    let mut sum = term;
    for n in 1..MAX_TERMS {
        term *= x / (a + n as f64);
        sum += term;
        if term.abs() < sum.abs() * EPS {
            break;
        }
    }
    sum * prefactor(a, x)
}

/// `Q(a, x) = e^{-x} x^a / Γ(a) · 1/(x+1−a− 1(1−a)/(x+3−a− 2(2−a)/(x+5−a− …)))`.
fn continued_fraction(a: f64, x: f64) -> f64 {
    let mut b = x + 1.0 - a;
    let mut c = 1.0 / TINY;
    let mut d = 1.0 / b;
    let mut h = d;
    for i in 1..MAX_TERMS {
        let i = i as f64;
        let an = -i * (i - a);
        b += 2.0;
        d = an * d + b;
        if d.abs() < TINY {
            d = TINY;
        }
        c = b + an / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let delta = d * c;
        h *= delta;
        if (delta - 1.0).abs() < EPS {
            break;
        }
    }
    h * prefactor(a, x)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * b.abs().max(1e-300)
    }

    #[test]
    fn ln_gamma_matches_factorials_and_half_integers() {
        // Γ(n) = (n − 1)!
        let mut factorial: f64 = 2.0;
        for n in 3..30 {
            assert!(
                close(ln_gamma(n as f64), factorial.ln(), 1e-12),
                "ln Γ({n})"
            );
            factorial *= n as f64;
        }
        assert!(ln_gamma(1.0).abs() < 1e-13 && ln_gamma(2.0).abs() < 1e-13);
        assert!(close(
            ln_gamma(0.5),
            std::f64::consts::PI.sqrt().ln(),
            1e-12
        ));
        assert!(close(
            LN_GAMMA_HALF,
            std::f64::consts::PI.sqrt().ln(),
            1e-15
        ));
        // Γ(1e-3) = 999.4237724845955 (ln of it).
        assert!(close(ln_gamma(1e-3), 999.423_772_484_595_5_f64.ln(), 1e-12));
    }

    #[test]
    fn incomplete_gamma_has_closed_forms_where_they_exist() {
        // a = 1: P(1, x) = 1 − e^{-x}.
        for x in [0.01, 0.5, 1.0, 2.0, 7.5, 30.0] {
            assert!(
                close(upper_regularized(1.0, x), (-x).exp(), 1e-13),
                "Q(1, {x})"
            );
        }
        // a = 2: Q(2, x) = (1 + x) e^{-x}.
        for x in [0.1, 1.0, 3.0, 40.0] {
            assert!(close(
                upper_regularized(2.0, x),
                (1.0 + x) * (-x).exp(),
                1e-13
            ));
        }
        assert_eq!(upper_regularized(3.0, 0.0), 1.0);
        // Both branches meet at x = a + 1.
        for a in [0.5, 3.0, 50.0] {
            let (below, above) = (
                upper_regularized(a, a + 1.0 - 1e-9),
                upper_regularized(a, a + 1.0 + 1e-9),
            );
            assert!((below - above).abs() < 1e-9, "a = {a}: {below} vs {above}");
        }
    }
}
