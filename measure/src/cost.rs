//! Cost per incremental completion: the campaign's spend in the treated
//! units over the test period against the completions the experiment
//! attributes to it (its `estimate`). Nothing is computed from a zero
//! spend, and no cost per completion from a non-positive increment (the
//! campaign bought nothing measurable: the cost is not a number).

use serde::Serialize;

/// Spend against the incremental result.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CostEfficiency {
    /// Incremental completions per dollar spent.
    pub incremental_per_dollar: f64,
    /// Cents per incremental completion, rounded to the cent; `None` when
    /// the increment is not positive.
    pub cost_per_incremental_cents: Option<u64>,
}

/// `None` without spend.
pub fn cost_efficiency(incremental: f64, spend_cents: u64) -> Option<CostEfficiency> {
    if spend_cents == 0 || !incremental.is_finite() {
        return None;
    }
    let cost = (incremental > 0.0).then(|| (spend_cents as f64 / incremental).round() as u64);
    Some(CostEfficiency {
        incremental_per_dollar: incremental / (spend_cents as f64 / 100.0),
        cost_per_incremental_cents: cost,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spend_over_increment() {
        let got = cost_efficiency(400.0, 1_000_000).expect("spend");
        assert_eq!(got.cost_per_incremental_cents, Some(2_500));
        assert!((got.incremental_per_dollar - 0.04).abs() < 1e-12);
        assert_eq!(
            cost_efficiency(-3.0, 100)
                .expect("spend")
                .cost_per_incremental_cents,
            None
        );
        assert_eq!(cost_efficiency(10.0, 0), None);
    }
}
