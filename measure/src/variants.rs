//! A message test: per variant conversion, lift over control with its
//! confidence sequence (`sequence.rs`), the sample-ratio check (`srm.rs`),
//! and a decision, for each language stratum and for all combined.
//!
//! **Decision** (codes of contract/API.md, labels in contract/LABELS.md):
//! - `check_split`: the stratum's exposed counts fail the sample-ratio
//!   check (p < 0.001); nothing else is said until assignment is fixed.
//! - `keep_running`: fewer than `min_exposed` clients or `min_completed`
//!   completions in an arm (the asymptotic sequence needs a usable
//!   variance), or the sequence still holds 0 and effects outside ±margin.
//! - `variant_better` / `variant_worse`: the sequence excludes 0.
//! - `no_difference`: the sequence lies inside ±`margin` (default 10 %
//!   relative): whatever the truth, it is smaller than an effect worth a
//!   message change. Because the sequence is valid at every read, so is
//!   stopping on this.
//!
//! With more than one variant besides control, each comparison uses
//! `alpha / (variants − 1)` (Bonferroni), so the chance that the test
//! *ever* names a wrong winner stays under `alpha`. A stratum's overall
//! decision is `check_split`, else `variant_better` if one variant is
//! better (`leader`: the better variant of largest lift), else
//! `variant_worse` when every variant is worse, `no_difference` when each
//! is `no_difference` or worse, otherwise `keep_running`.
//!
//! Strata are the languages the caller passes (`en`, `fr`); `combined`
//! sums their counts, which is unbiased when assignment does not depend on
//! language. The per-language results are descriptive: their own
//! sequences are valid, but reading three of them is three looks.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::Error;
use crate::sequence::{Arm, Interval, lift_sequence};
use crate::srm::{SRM_ALPHA, SampleRatio, sample_ratio};

/// What the route counts for one variant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VariantCounts {
    pub variant: String,
    /// Distinct clients with an engagement event of the variant.
    pub exposed: u64,
    pub clicks: u64,
    /// Completed uptake credited last-touch to the variant's exposures.
    pub completed: u64,
}

/// The counts of one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stratum {
    /// `en` or `fr` (any name: the crate does not interpret it).
    pub name: String,
    pub variants: Vec<VariantCounts>,
}

/// Levels and thresholds of a message test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MessageTestParams {
    /// Error level of the confidence sequence (0.05: 95 %).
    pub alpha: f64,
    /// Flag level of the sample-ratio check.
    pub srm_alpha: f64,
    /// Exposed clients (all arms) at which the sequence is tightest.
    pub planned_exposed: u64,
    /// Relative lift below which a difference is not worth acting on.
    pub margin: f64,
    /// Clients per arm before any decision.
    pub min_exposed: u64,
    /// Completions per arm before any decision.
    pub min_completed: u64,
}

impl Default for MessageTestParams {
    fn default() -> Self {
        MessageTestParams {
            alpha: 0.05,
            srm_alpha: SRM_ALPHA,
            planned_exposed: 10_000,
            margin: 0.10,
            min_exposed: 100,
            min_completed: 10,
        }
    }
}

/// The decisions of contract/API.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    KeepRunning,
    VariantBetter,
    VariantWorse,
    NoDifference,
    CheckSplit,
}

impl Decision {
    /// The contract's code (also the key of its label in LABELS.md).
    pub const fn code(self) -> &'static str {
        match self {
            Decision::KeepRunning => "keep_running",
            Decision::VariantBetter => "variant_better",
            Decision::VariantWorse => "variant_worse",
            Decision::NoDifference => "no_difference",
            Decision::CheckSplit => "check_split",
        }
    }
}

/// One variant's figures in one stratum.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VariantResult {
    #[serde(flatten)]
    pub counts: VariantCounts,
    /// clicks ÷ exposed (`None` without exposure).
    pub ctr: Option<f64>,
    /// completed ÷ exposed.
    pub conversion: Option<f64>,
    /// Relative lift over control (`None` for control itself, or while
    /// control has no completion).
    pub lift: Option<f64>,
    /// Its always-valid interval.
    pub interval: Option<Interval>,
    /// `None` for control.
    pub decision: Option<Decision>,
}

/// One stratum's (or the combined) result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StratumResult {
    pub name: String,
    pub variants: Vec<VariantResult>,
    pub sample_ratio: SampleRatio,
    pub decision: Decision,
    /// The better variant of largest lift when `decision` is `variant_better`.
    pub leader: Option<String>,
}

/// A message test's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MessageTest {
    pub control: String,
    pub strata: Vec<StratumResult>,
    pub combined: StratumResult,
}

/// Evaluates a message test. `control`: the contract's default (the variant
/// named `control`, else the alphabetically first) when `None`. `split`:
/// planned shares by variant name (equal when `None`).
pub fn message_test(
    strata: &[Stratum],
    control: Option<&str>,
    split: Option<&[(String, f64)]>,
    params: &MessageTestParams,
) -> Result<MessageTest, Error> {
    check_params(params)?;
    let mut tables = Vec::with_capacity(strata.len());
    for stratum in strata {
        let mut table = BTreeMap::new();
        for v in &stratum.variants {
            if table.insert(v.variant.clone(), v.clone()).is_some() {
                return Err(Error::DuplicateVariant(v.variant.clone()));
            }
        }
        tables.push(table);
    }
    let names: Vec<String> = {
        let mut all: Vec<String> = tables.iter().flat_map(|t| t.keys().cloned()).collect();
        all.sort();
        all.dedup();
        all
    };
    if names.is_empty() {
        return Err(Error::NoVariants);
    }
    let control = match control {
        Some(c) if names.iter().any(|n| n == c) => c.to_owned(),
        Some(c) => return Err(Error::UnknownControl(c.to_owned())),
        None if names.iter().any(|n| n == "control") => "control".to_owned(),
        None => names[0].clone(),
    };
    let shares = shares(&names, split)?;
    let filled = |table: &BTreeMap<String, VariantCounts>| -> Vec<VariantCounts> {
        names
            .iter()
            .map(|n| table.get(n).cloned().unwrap_or_else(|| zero(n)))
            .collect()
    };
    let mut results = Vec::with_capacity(strata.len());
    let mut combined: Vec<VariantCounts> = names.iter().map(|n| zero(n)).collect();
    for (stratum, table) in strata.iter().zip(&tables) {
        let counts = filled(table);
        for (sum, c) in combined.iter_mut().zip(&counts) {
            sum.exposed += c.exposed;
            sum.clicks += c.clicks;
            sum.completed += c.completed;
        }
        results.push(evaluate(&stratum.name, counts, &control, &shares, params)?);
    }
    let combined = evaluate("combined", combined, &control, &shares, params)?;
    Ok(MessageTest {
        control,
        strata: results,
        combined,
    })
}

fn check_params(p: &MessageTestParams) -> Result<(), Error> {
    let level = |x: f64| x > 0.0 && x < 1.0;
    if !level(p.alpha) {
        return Err(Error::Parameter {
            name: "alpha",
            reason: "must lie strictly between 0 and 1",
        });
    }
    if !level(p.srm_alpha) {
        return Err(Error::Parameter {
            name: "srm_alpha",
            reason: "must lie strictly between 0 and 1",
        });
    }
    if p.planned_exposed == 0 {
        return Err(Error::Parameter {
            name: "planned_exposed",
            reason: "must be positive",
        });
    }
    if !(p.margin.is_finite() && p.margin >= 0.0) {
        return Err(Error::Parameter {
            name: "margin",
            reason: "must be a non-negative number",
        });
    }
    Ok(())
}

fn zero(name: &str) -> VariantCounts {
    VariantCounts {
        variant: name.to_owned(),
        exposed: 0,
        clicks: 0,
        completed: 0,
    }
}

/// The planned share of each of `names`, in order.
fn shares(names: &[String], split: Option<&[(String, f64)]>) -> Result<Vec<f64>, Error> {
    let Some(split) = split else {
        return Ok(vec![1.0; names.len()]);
    };
    names
        .iter()
        .map(|n| match split.iter().find(|(v, _)| v == n) {
            None => Err(Error::SplitMissing(n.clone())),
            Some((_, s)) if !(s.is_finite() && *s > 0.0) => Err(Error::SplitShare(n.clone())),
            Some((_, s)) => Ok(*s),
        })
        .collect()
}

fn ratio(numerator: u64, denominator: u64) -> Option<f64> {
    (denominator > 0).then(|| numerator as f64 / denominator as f64)
}

fn evaluate(
    name: &str,
    counts: Vec<VariantCounts>,
    control: &str,
    shares: &[f64],
    params: &MessageTestParams,
) -> Result<StratumResult, Error> {
    let exposed: Vec<u64> = counts.iter().map(|c| c.exposed).collect();
    let sample_ratio = sample_ratio(&exposed, shares, params.srm_alpha)?;
    let base = counts
        .iter()
        .find(|c| c.variant == control)
        .map(|c| Arm {
            successes: c.completed,
            trials: c.exposed,
        })
        .unwrap_or(Arm {
            successes: 0,
            trials: 0,
        });
    let comparisons = counts.len().saturating_sub(1).max(1) as f64;
    let alpha = params.alpha / comparisons;
    let ready =
        |arm: Arm| arm.trials >= params.min_exposed && arm.successes >= params.min_completed;
    let variants: Vec<VariantResult> = counts
        .into_iter()
        .map(|c| {
            let ctr = ratio(c.clicks, c.exposed);
            let conversion = ratio(c.completed, c.exposed);
            if c.variant == control {
                return VariantResult {
                    counts: c,
                    ctr,
                    conversion,
                    lift: None,
                    interval: None,
                    decision: None,
                };
            }
            let arm = Arm {
                successes: c.completed,
                trials: c.exposed,
            };
            let lift = lift_sequence(base, arm, alpha, params.planned_exposed as f64);
            let decision = if sample_ratio.flagged {
                Decision::CheckSplit
            } else {
                match lift {
                    Some(l) if ready(base) && ready(arm) => decide(l.interval, params.margin),
                    _ => Decision::KeepRunning,
                }
            };
            VariantResult {
                counts: c,
                ctr,
                conversion,
                lift: lift.map(|l| l.lift),
                interval: lift.map(|l| l.interval),
                decision: Some(decision),
            }
        })
        .collect();
    let (decision, leader) = overall(&variants, sample_ratio.flagged);
    Ok(StratumResult {
        name: name.to_owned(),
        variants,
        sample_ratio,
        decision,
        leader,
    })
}

/// One variant's decision from its interval.
fn decide(interval: Interval, margin: f64) -> Decision {
    if interval.low > 0.0 {
        Decision::VariantBetter
    } else if interval.high < 0.0 {
        Decision::VariantWorse
    } else if -margin < interval.low && interval.high < margin {
        Decision::NoDifference
    } else {
        Decision::KeepRunning
    }
}

fn overall(variants: &[VariantResult], mismatch: bool) -> (Decision, Option<String>) {
    if mismatch {
        return (Decision::CheckSplit, None);
    }
    let decided: Vec<(&VariantResult, Decision)> = variants
        .iter()
        .filter_map(|v| v.decision.map(|d| (v, d)))
        .collect();
    let leader = decided
        .iter()
        .filter(|(_, d)| *d == Decision::VariantBetter)
        .max_by(|a, b| a.0.lift.unwrap_or(0.0).total_cmp(&b.0.lift.unwrap_or(0.0)))
        .map(|(v, _)| v.counts.variant.clone());
    if leader.is_some() {
        return (Decision::VariantBetter, leader);
    }
    let all =
        |ok: &dyn Fn(Decision) -> bool| !decided.is_empty() && decided.iter().all(|(_, d)| ok(*d));
    let decision = if all(&|d| d == Decision::VariantWorse) {
        Decision::VariantWorse
    } else if all(&|d| matches!(d, Decision::NoDifference | Decision::VariantWorse)) {
        Decision::NoDifference
    } else {
        Decision::KeepRunning
    };
    (decision, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(variant: &str, exposed: u64, completed: u64) -> VariantCounts {
        VariantCounts {
            variant: variant.to_owned(),
            exposed,
            clicks: exposed / 10,
            completed,
        }
    }

    fn one(variants: Vec<VariantCounts>) -> Vec<Stratum> {
        vec![Stratum {
            name: "en".to_owned(),
            variants,
        }]
    }

    fn find<'a>(stratum: &'a StratumResult, variant: &str) -> &'a VariantResult {
        stratum
            .variants
            .iter()
            .find(|v| v.counts.variant == variant)
            .expect("listed")
    }

    fn decision_of(strata: &[Stratum]) -> Decision {
        message_test(strata, None, None, &MessageTestParams::default())
            .expect("valid")
            .combined
            .decision
    }

    #[test]
    fn decisions_follow_the_interval() {
        // 5 % vs 7 % over 20 000 each: the sequence excludes 0.
        let better = one(vec![
            counts("control", 20_000, 1_000),
            counts("b", 20_000, 1_400),
        ]);
        let got = message_test(&better, None, None, &MessageTestParams::default()).expect("valid");
        assert_eq!(got.combined.decision, Decision::VariantBetter);
        assert_eq!(got.combined.leader.as_deref(), Some("b"));
        let b = find(&got.combined, "b");
        assert!((b.lift.expect("lift") - 0.4).abs() < 1e-12 && b.interval.expect("ci").low > 0.0);
        assert_eq!(b.ctr, Some(0.1));
        assert_eq!(find(&got.combined, "control").decision, None);

        let worse = one(vec![
            counts("control", 20_000, 1_400),
            counts("b", 20_000, 1_000),
        ]);
        assert_eq!(decision_of(&worse), Decision::VariantWorse);
        // Same rates, huge sample: the interval sits inside ±10 %.
        let same = one(vec![
            counts("control", 2_000_000, 100_000),
            counts("b", 2_000_000, 100_400),
        ]);
        assert_eq!(decision_of(&same), Decision::NoDifference);
        // Same rates, small sample: keep running.
        let small = one(vec![counts("control", 2_000, 100), counts("b", 2_000, 104)]);
        assert_eq!(decision_of(&small), Decision::KeepRunning);
        // A third arm halves each comparison's α (Bonferroni): wider intervals.
        let three = one(vec![
            counts("control", 20_000, 1_000),
            counts("b", 20_000, 1_400),
            counts("c", 20_000, 1_000),
        ]);
        let got3 = message_test(&three, None, None, &MessageTestParams::default()).expect("valid");
        let width = |r: &VariantResult| r.interval.map(|i| i.high - i.low).expect("interval");
        assert!(width(find(&got3.combined, "b")) > width(b));
        // A huge lift on too few completions: keep running.
        let early = one(vec![counts("control", 500, 2), counts("b", 500, 9)]);
        assert_eq!(decision_of(&early), Decision::KeepRunning);
    }

    #[test]
    fn a_mismatched_split_overrides_everything() {
        let skewed = one(vec![
            counts("control", 20_800, 1_040),
            counts("b", 19_200, 1_400),
        ]);
        let got = message_test(&skewed, None, None, &MessageTestParams::default()).expect("valid");
        assert!(got.combined.sample_ratio.flagged);
        assert_eq!(got.combined.decision, Decision::CheckSplit);
        assert_eq!(
            find(&got.combined, "b").decision,
            Some(Decision::CheckSplit)
        );
        // Planned 52/48, the same counts are fine.
        let split = [("control".to_owned(), 52.0), ("b".to_owned(), 48.0)];
        let planned = message_test(&skewed, None, Some(&split), &MessageTestParams::default())
            .expect("valid");
        assert_eq!(planned.combined.decision, Decision::VariantBetter);
    }

    #[test]
    fn strata_are_reported_and_summed() {
        let strata = vec![
            Stratum {
                name: "en".to_owned(),
                variants: vec![counts("a", 1_000, 50), counts("b", 1_000, 60)],
            },
            Stratum {
                name: "fr".to_owned(),
                variants: vec![counts("b", 400, 30)],
            },
        ];
        let got = message_test(&strata, None, None, &MessageTestParams::default()).expect("valid");
        // No variant named control: the alphabetically first.
        assert_eq!(got.control, "a");
        assert_eq!(got.strata.len(), 2);
        // A variant missing from a stratum counts as zero there.
        assert_eq!(find(&got.strata[1], "a").counts.exposed, 0);
        assert_eq!(find(&got.strata[1], "b").lift, None);
        let b = &find(&got.combined, "b").counts;
        assert_eq!((b.exposed, b.completed), (1_400, 90));
    }

    #[test]
    fn bad_inputs_are_refused() {
        let strata = one(vec![counts("a", 10, 1), counts("b", 10, 1)]);
        let p = MessageTestParams::default();
        assert_eq!(
            message_test(&strata, Some("z"), None, &p),
            Err(Error::UnknownControl("z".to_owned()))
        );
        let split = [("a".to_owned(), 1.0)];
        assert_eq!(
            message_test(&strata, None, Some(&split), &p),
            Err(Error::SplitMissing("b".to_owned()))
        );
        let dup = one(vec![counts("a", 10, 1), counts("a", 10, 1)]);
        assert_eq!(
            message_test(&dup, None, None, &p),
            Err(Error::DuplicateVariant("a".to_owned()))
        );
        assert_eq!(message_test(&[], None, None, &p), Err(Error::NoVariants));
        let bad = MessageTestParams { alpha: 1.5, ..p };
        assert!(matches!(
            message_test(&strata, None, None, &bad),
            Err(Error::Parameter { name: "alpha", .. })
        ));
    }
}
