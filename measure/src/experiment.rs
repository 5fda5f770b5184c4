//! A geographic experiment's result: difference in differences of log
//! levels (`panel.rs`) between the pre-period and the test period, placebo
//! (permutation) inference (`placebo.rs`), the pre-trend check
//! (`pretrend.rs`), the minimum detectable effect (`mde.rs`), cost per
//! incremental completion (`cost.rs`) and the contract's status.
//!
//! **Estimate.** `δ̂` = the precision-weighted mean change in log level of
//! the treated units minus that of the controls (`placebo.rs`, weights
//! from each unit's pre-period noise, `noise.rs`), so `relative_lift =
//! e^δ̂ − 1`, and `estimate` = treated minus counterfactual over the
//! observed test period = `Y_T (1 − e^−δ̂)`,
//! `Y_T` the treated units' total (counts) or mean (shares) over it. The
//! intervals are the placebo interval of `δ̂` mapped through the same
//! (increasing) functions.
//!
//! **Assumptions.** Parallel trends on the log scale (absent the campaign,
//! treated units would have changed by the same factor as the controls,
//! on average); treated and control units' deviations exchangeable (no
//! unit chosen *because* of a recent dip or peak); no spill-over into
//! control units; every treated unit starts on the same period. A design
//! whose treated units start on different periods is refused
//! (`Error::StaggeredStart`): a pooled before/after comparison would use
//! already-treated units as controls of later ones and can even get the
//! sign wrong (Goodman-Bacon, J. Econometrics 2021); one experiment per
//! start date is estimated correctly.
//!
//! **Status.** `too_early` while the test period has no data (the minimum
//! detectable effect and the pre-trend check are still given: this is
//! how a test is sized before media is bought); `pre_trend_failed` when the
//! check fails; `effect` when the placebo p-value is below `alpha` (0.10);
//! `no_effect` when the interval lies inside ± the minimum detectable
//! effect (the test could have seen an effect of its design size and
//! rules it out); `inconclusive` otherwise.

use serde::Serialize;

use crate::cost::{CostEfficiency, cost_efficiency};
use crate::design::{Design, UnitSeries, check};
use crate::error::Error;
use crate::mde::{Mde, MdeInputs, minimum_detectable_effect};
use crate::noise::{change_variance, noise};
use crate::panel::{KpiKind, Series, changes, halves, level, mean};
use crate::placebo::{Changes, Placebos};
use crate::pretrend::{PreTrend, pre_trend};
use crate::sequence::Interval;

/// Levels of the experiment's inference.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExperimentParams {
    /// Test level: p below it is an effect; the interval is `1 − alpha`.
    pub alpha: f64,
    /// The pre-trend check fails below this p-value.
    pub pre_trend_alpha: f64,
    /// Power of the minimum detectable effect.
    pub power: f64,
    /// Placebo sets beyond which they are drawn rather than enumerated.
    pub max_placebos: usize,
}

impl Default for ExperimentParams {
    fn default() -> Self {
        ExperimentParams {
            alpha: 0.10,
            pre_trend_alpha: 0.05,
            power: 0.80,
            max_placebos: 2_000,
        }
    }
}

/// The statuses of contract/API.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    TooEarly,
    Effect,
    NoEffect,
    Inconclusive,
    PreTrendFailed,
}

impl Status {
    /// The contract's code (also the key of its label in LABELS.md).
    pub const fn code(self) -> &'static str {
        match self {
            Status::TooEarly => "too_early",
            Status::Effect => "effect",
            Status::NoEffect => "no_effect",
            Status::Inconclusive => "inconclusive",
            Status::PreTrendFailed => "pre_trend_failed",
        }
    }
}

/// An experiment's result; the estimate's fields are `None` while
/// `status` is `too_early`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExperimentResult {
    /// `did`.
    pub method: &'static str,
    /// Treated minus counterfactual over the observed test period, in the
    /// KPI's unit.
    pub estimate: Option<f64>,
    pub relative_lift: Option<f64>,
    /// The `1 − alpha` interval of `estimate` (`None` when the placebos
    /// are too few to reject anything at `alpha`: fewer than 10 at 10 %).
    pub interval: Option<Interval>,
    /// The same interval as a relative lift.
    pub relative_interval: Option<Interval>,
    pub p_value: Option<f64>,
    /// Placebo sets used, and whether they were all of them.
    pub placebos: usize,
    pub placebos_exhaustive: bool,
    pub pre_trend: PreTrend,
    pub minimum_detectable_effect: Mde,
    /// Spend against `estimate` (count KPIs with spend only).
    pub cost: Option<CostEfficiency>,
    /// Periods of the test with data.
    pub test_periods_observed: usize,
    pub status: Status,
}
/// Evaluates the experiment `design` on `units`.
pub fn experiment(
    units: &[UnitSeries],
    design: &Design,
    params: &ExperimentParams,
) -> Result<ExperimentResult, Error> {
    check_params(params)?;
    let checked = check(units, design)?;
    let (treated, control) = (&checked.treated, &checked.control);
    let n_treated = treated.len();
    // Treated units first: the permutations' convention.
    let units: Vec<Series<'_>> = treated.iter().chain(control).copied().collect();
    let placebos = Placebos::new(units.len(), n_treated, params.max_placebos);
    let pre = design.pre.clone();
    let kind = design.kind;
    let unit_noise = noise(&units, pre.clone(), kind)?;
    let (early, late) = halves(pre.clone());
    let drift = changes(&units, early.clone(), late.clone(), kind)?;
    let pre_trend = pre_trend(
        Changes {
            d: &drift,
            var: &change_variance(&unit_noise, early.len(), late.len()),
        },
        &placebos,
        params.pre_trend_alpha,
    );
    let treated_levels = treated
        .iter()
        .map(|u| {
            level(u.values, pre.clone(), kind).ok_or_else(|| Error::ZeroUnit(u.name.to_owned()))
        })
        .collect::<Result<Vec<f64>, Error>>()?;
    let mde = minimum_detectable_effect(
        &MdeInputs {
            treated_noise: &unit_noise[..n_treated],
            control_noise: &unit_noise[n_treated..],
            treated_levels: &treated_levels,
            pre: pre.len(),
            test: design.test_end - checked.start,
            kind,
        },
        params.alpha,
        params.power,
    );
    let test = checked.start..checked.observed_end;
    let mut result = ExperimentResult {
        method: "did",
        estimate: None,
        relative_lift: None,
        interval: None,
        relative_interval: None,
        p_value: None,
        placebos: placebos.len(),
        placebos_exhaustive: placebos.exhaustive,
        pre_trend,
        minimum_detectable_effect: mde,
        cost: None,
        test_periods_observed: test.len(),
        status: Status::TooEarly,
    };
    if test.is_empty() {
        return Ok(result);
    }
    let d = changes(&units, pre.clone(), test.clone(), kind)?;
    let test_of = placebos.test(Changes {
        d: &d,
        var: &change_variance(&unit_noise, pre.len(), test.len()),
    });
    let stat = test_of.observed();
    let p = test_of.p_value(0.0);
    let log_interval = test_of.interval(params.alpha);
    let delta = stat.estimate;
    let observed = {
        let totals: Vec<f64> = treated
            .iter()
            .map(|u| u.values[test.clone()].iter().sum())
            .collect();
        match kind {
            KpiKind::Count => totals.iter().sum(),
            KpiKind::Share => mean(&totals) / test.len() as f64,
        }
    };
    let to_estimate = |x: f64| -observed * (-x).exp_m1();
    let estimate = to_estimate(delta);
    result.estimate = Some(estimate);
    result.relative_lift = Some(delta.exp_m1());
    result.p_value = Some(p);
    result.interval = log_interval.map(|i| Interval {
        low: to_estimate(i.low),
        high: to_estimate(i.high),
    });
    result.relative_interval = log_interval.map(|i| Interval {
        low: i.low.exp_m1(),
        high: i.high.exp_m1(),
    });
    result.cost = match (design.kind, design.spend_cents) {
        (KpiKind::Count, Some(spend)) => cost_efficiency(estimate, spend),
        _ => None,
    };
    let bound = mde.relative.ln_1p();
    result.status = if !pre_trend.ok {
        Status::PreTrendFailed
    } else if p < params.alpha {
        Status::Effect
    } else if log_interval.is_some_and(|i| -bound < i.low && i.high < bound) {
        Status::NoEffect
    } else {
        Status::Inconclusive
    };
    Ok(result)
}

fn check_params(p: &ExperimentParams) -> Result<(), Error> {
    let level = |x: f64| x > 0.0 && x < 1.0;
    if !level(p.alpha) {
        return Err(Error::Parameter {
            name: "alpha",
            reason: "must lie strictly between 0 and 1",
        });
    }
    if !level(p.pre_trend_alpha) {
        return Err(Error::Parameter {
            name: "pre_trend_alpha",
            reason: "must lie strictly between 0 and 1",
        });
    }
    if !level(p.power) {
        return Err(Error::Parameter {
            name: "power",
            reason: "must lie strictly between 0 and 1",
        });
    }
    if p.max_placebos == 0 {
        return Err(Error::Parameter {
            name: "max_placebos",
            reason: "must be positive",
        });
    }
    Ok(())
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::design::TreatedUnit;

    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    /// 13 units of different sizes over 84 periods, with ±5 % seeded
    /// noise; units 0..3 multiplied by `lift` from period 56.
    fn panel(lift: f64) -> Vec<UnitSeries> {
        let mut rng = StdRng::seed_from_u64(16);
        (0..13)
            .map(|i| {
                let base = 20.0 * (i + 1) as f64;
                let values = (0..84)
                    .map(|t| {
                        let wobble = 1.0 + 0.05 * (2.0 * rng.random::<f64>() - 1.0);
                        let effect = if i < 3 && t >= 56 { lift } else { 1.0 };
                        (base * wobble * effect).round()
                    })
                    .collect();
                UnitSeries {
                    unit: format!("u{i}"),
                    values,
                }
            })
            .collect()
    }

    fn design() -> Design {
        Design {
            treated: (0..3)
                .map(|i| TreatedUnit {
                    unit: format!("u{i}"),
                    start: 56,
                })
                .collect(),
            control: Vec::new(),
            pre: 0..56,
            test_end: 84,
            kind: KpiKind::Count,
            spend_cents: Some(1_000_000),
        }
    }

    #[test]
    fn a_clear_lift_is_found_and_priced() {
        let units = panel(1.2);
        let got = experiment(&units, &design(), &ExperimentParams::default()).expect("valid");
        assert_eq!(got.status, Status::Effect, "{got:?}");
        assert!(
            (got.relative_lift.expect("estimate") - 0.2).abs() < 0.01,
            "{got:?}"
        );
        assert!(got.relative_interval.expect("285 placebos").contains(0.2));
        assert_eq!((got.placebos, got.placebos_exhaustive), (285, true));
        // Treated test total ≈ (20 + 40 + 60) × 28 × 1.2; a sixth of it is incremental.
        let estimate = got.estimate.expect("estimate");
        assert!((estimate - 120.0 * 28.0 * 0.2).abs() < 40.0, "{estimate}");
        let cost = got.cost.expect("spend");
        assert_eq!(
            cost.cost_per_incremental_cents,
            Some((1_000_000.0 / estimate).round() as u64)
        );
        assert!(got.pre_trend.ok && got.test_periods_observed == 28);
    }

    #[test]
    fn no_lift_is_no_effect_and_before_the_test_only_the_sizing_is_given() {
        let units = panel(1.0);
        let got = experiment(&units, &design(), &ExperimentParams::default()).expect("valid");
        assert!(
            matches!(got.status, Status::NoEffect | Status::Inconclusive),
            "{got:?}"
        );
        assert!(got.p_value.expect("tested") >= 0.1);
        let pre_only: Vec<UnitSeries> = units
            .iter()
            .map(|u| UnitSeries {
                unit: u.unit.clone(),
                values: u.values[..56].to_vec(),
            })
            .collect();
        let early = experiment(&pre_only, &design(), &ExperimentParams::default()).expect("valid");
        assert_eq!(early.status, Status::TooEarly);
        assert_eq!((early.estimate, early.test_periods_observed), (None, 0));
        assert_eq!(
            early.minimum_detectable_effect,
            got.minimum_detectable_effect
        );
        assert!(
            early.minimum_detectable_effect.relative > 0.0
                && early.minimum_detectable_effect.relative < 0.2
        );
    }

    #[test]
    fn a_share_kpi_is_estimated_in_share_points() {
        // Online shares around 0.3–0.6; treated units' share up 10 % in the test.
        let units: Vec<UnitSeries> = panel(1.1)
            .into_iter()
            .map(|u| UnitSeries {
                unit: u.unit,
                values: u.values.iter().map(|v| v / 600.0 + 0.1).collect(),
            })
            .collect();
        let design = Design {
            kind: KpiKind::Share,
            spend_cents: Some(1_000),
            ..design()
        };
        let got = experiment(&units, &design, &ExperimentParams::default()).expect("valid");
        // The +0.1 offset dilutes the lift to 2.5–5 % (units 0, 1, 2);
        // the estimate is in share points (about 0.005 on shares ≈ 0.17), no cost.
        let lift = got.relative_lift.expect("estimate");
        assert!(lift > 0.02 && lift < 0.05, "{got:?}");
        assert_eq!(got.status, Status::Effect);
        let estimate = got.estimate.expect("estimate");
        assert!(estimate > 0.002 && estimate < 0.01, "{estimate}");
        assert_eq!(got.cost, None);
        let zero: Vec<UnitSeries> = units
            .iter()
            .map(|u| UnitSeries {
                unit: u.unit.clone(),
                values: vec![0.0; 84],
            })
            .collect();
        assert!(matches!(
            experiment(&zero, &design, &ExperimentParams::default()),
            Err(Error::ZeroUnit(_))
        ));
    }

    #[test]
    fn treated_units_drifting_before_the_campaign_fail_the_pre_trend_check() {
        let mut units = panel(1.0);
        for u in &mut units[..3] {
            for (t, v) in u.values.iter_mut().enumerate() {
                *v *= 1.0 + 0.01 * t as f64;
            }
        }
        let got = experiment(&units, &design(), &ExperimentParams::default()).expect("valid");
        assert!(
            !got.pre_trend.ok && got.status == Status::PreTrendFailed,
            "{got:?}"
        );
        assert!(got.pre_trend.statistic > 0.2);
    }

    #[test]
    fn staggered_starts_and_bad_designs_are_refused() {
        let units = panel(1.0);
        let p = ExperimentParams::default();
        let mut staggered = design();
        staggered.treated[1].start = 63;
        assert_eq!(
            experiment(&units, &staggered, &p),
            Err(Error::StaggeredStart {
                starts: "u0@56, u1@63, u2@56".to_owned()
            })
        );
        let mut few = design();
        few.control = vec!["u3".to_owned()];
        assert_eq!(
            experiment(&units, &few, &p),
            Err(Error::TooFewControls {
                controls: 1,
                needed: 2
            })
        );
        let mut both = design();
        both.control = vec!["u0".to_owned()];
        assert_eq!(
            experiment(&units, &both, &p),
            Err(Error::TreatedAndControl("u0".to_owned()))
        );
        let mut unknown = design();
        unknown.treated[0].unit = "zz".to_owned();
        assert_eq!(
            experiment(&units, &unknown, &p),
            Err(Error::UnknownUnit("zz".to_owned()))
        );
        let mut twice = design();
        twice.treated[1].unit = "u0".to_owned();
        assert_eq!(
            experiment(&units, &twice, &p),
            Err(Error::DuplicateUnit("u0".to_owned()))
        );
        let mut overlap = design();
        overlap.pre = 0..60;
        assert!(matches!(
            experiment(&units, &overlap, &p),
            Err(Error::Periods(_))
        ));
        let mut none = design();
        none.treated.clear();
        assert_eq!(experiment(&units, &none, &p), Err(Error::NoTreated));
        let mut negative = units.clone();
        negative[5].values[10] = -1.0;
        assert_eq!(
            experiment(&negative, &design(), &p),
            Err(Error::InvalidValue {
                unit: "u5".to_owned(),
                period: 10
            })
        );
    }
}
