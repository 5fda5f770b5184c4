//! Message tests under continuous peeking. Each run is a two-arm test
//! (control, `b`) read after every batch of 300 exposed clients per arm
//! (70 % English, 30 % French), 50 batches (15 000 per arm, the planned
//! size the sequence is tuned for), baseline conversion 5 %. A run stops
//! at its first `variant_better` or `variant_worse` on the combined
//! result, as a team that acts on the dashboard would.

use cmp_measure::{
    Decision, MessageTestParams, Stratum, VariantCounts, message_test, sample_ratio,
};

use crate::sim::{Gen, binomial, rng, runs};

const BATCH: u64 = 300;
const BATCHES: usize = 50;
const BASE: f64 = 0.05;
const ENGLISH: f64 = 0.7;

/// Counts so far: per language, per arm, (exposed, completed).
type Tally = [[(u64, u64); 2]; 2];

fn strata(t: &Tally) -> Vec<Stratum> {
    ["en", "fr"]
        .iter()
        .zip(t)
        .map(|(name, arms)| Stratum {
            name: (*name).to_owned(),
            variants: ["control", "b"]
                .iter()
                .zip(arms)
                .map(|(v, &(exposed, completed))| VariantCounts {
                    variant: (*v).to_owned(),
                    exposed,
                    clicks: 0,
                    completed,
                })
                .collect(),
        })
        .collect()
}

/// What happened in one run.
struct Run {
    /// The first decision that named a winner, and the exposed clients then.
    declared: Option<(Decision, u64)>,
    /// Whether a single language's result ever named one (not acted on).
    stratum_declared: bool,
}

fn run(g: &mut Gen, rates: [f64; 2], params: &MessageTestParams) -> Run {
    let mut t: Tally = [[(0, 0); 2]; 2];
    let mut stratum_declared = false;
    let en = (BATCH as f64 * ENGLISH) as u64;
    for _ in 0..BATCHES {
        for (lang, n) in [(0, en), (1, BATCH - en)] {
            for arm in 0..2 {
                t[lang][arm].0 += n;
                t[lang][arm].1 += binomial(g, n, rates[arm]);
            }
        }
        let result = message_test(&strata(&t), None, None, params).expect("valid counts");
        let named = |d: Decision| matches!(d, Decision::VariantBetter | Decision::VariantWorse);
        stratum_declared |= result.strata.iter().any(|s| named(s.decision));
        if named(result.combined.decision) {
            let exposed = t.iter().flatten().map(|a| a.0).sum();
            return Run {
                declared: Some((result.combined.decision, exposed)),
                stratum_declared,
            };
        }
    }
    Run {
        declared: None,
        stratum_declared,
    }
}

fn params() -> MessageTestParams {
    MessageTestParams {
        planned_exposed: 2 * BATCH * BATCHES as u64,
        ..MessageTestParams::default()
    }
}

/// The share of `n` runs at zero effect (baseline `base`) that ever name a
/// winner, combined and in any one language.
fn false_winners(seed: u64, n: usize, base: f64) -> (f64, f64) {
    let mut g = rng(seed);
    let (mut declared, mut strata) = (0, 0);
    for _ in 0..n {
        let r = run(&mut g, [base, base], &params());
        declared += usize::from(r.declared.is_some());
        strata += usize::from(r.stratum_declared);
    }
    (declared as f64 / n as f64, strata as f64 / n as f64)
}

#[test]
fn at_zero_effect_peeking_after_every_batch_rarely_names_a_winner() {
    let n = runs(400, 5_000);
    let (rate, strata) = false_winners(0x5eed_0001, n, BASE);
    println!(
        "study message/null: runs {n}, {BATCHES} reads of {BATCH}+{BATCH} clients, 5 % conversion: ever named a winner {rate:.4} (combined), {strata:.4} (any language, uncorrected)"
    );
    assert!(
        rate <= 0.05,
        "false winner rate {rate} > 0.05 under continuous peeking"
    );
}

#[test]
fn at_zero_effect_and_a_rare_conversion_peeking_rarely_names_a_winner() {
    // 1 %: three completions per arm and batch, where an asymptotic
    // sequence is most at risk; the minimum counts hold decisions back.
    let n = runs(300, 5_000);
    let (rate, strata) = false_winners(0x5eed_0004, n, 0.01);
    println!(
        "study message/null-rare: runs {n}, {BATCHES} reads of {BATCH}+{BATCH} clients, 1 % conversion: ever named a winner {rate:.4} (combined), {strata:.4} (any language, uncorrected)"
    );
    assert!(
        rate <= 0.05,
        "false winner rate {rate} > 0.05 at 1 % conversion"
    );
}

#[test]
fn an_injected_lift_of_20_percent_is_found() {
    let n = runs(300, 3_000);
    let mut g = rng(0x5eed_0002);
    let (mut better, mut worse, mut exposed_at_stop) = (0, 0, 0u64);
    for _ in 0..n {
        match run(&mut g, [BASE, BASE * 1.2], &params()).declared {
            Some((Decision::VariantBetter, exposed)) => {
                better += 1;
                exposed_at_stop += exposed;
            }
            Some(_) => worse += 1,
            None => {}
        }
    }
    let power = better as f64 / n as f64;
    println!(
        "study message/lift: runs {n}, 5 % vs 6 %, up to {} clients per arm: power {power:.3}, wrong direction {:.4}, mean exposed clients (both arms) at the decision {:.0}",
        BATCH * BATCHES as u64,
        worse as f64 / n as f64,
        exposed_at_stop as f64 / better.max(1) as f64
    );
    assert!(power >= 0.7, "power {power} below the stated 0.7");
    assert_eq!(worse, 0, "a better variant was called worse");
}

#[test]
fn the_split_check_flags_52_48_and_spares_a_fair_split() {
    const CLIENTS: u64 = 20_000;
    let mut g = rng(0x5eed_0003);
    let flag_rate = |g: &mut Gen, share: f64, n: usize| {
        let flags = (0..n)
            .filter(|_| {
                let a = binomial(g, CLIENTS, share);
                sample_ratio(&[a, CLIENTS - a], &[1.0, 1.0], 0.001)
                    .expect("valid")
                    .flagged
            })
            .count();
        flags as f64 / n as f64
    };
    let (fair_runs, skewed_runs) = (runs(5_000, 100_000), runs(500, 10_000));
    let fair = flag_rate(&mut g, 0.5, fair_runs);
    let skewed = flag_rate(&mut g, 0.52, skewed_runs);
    println!(
        "study message/srm: {CLIENTS} clients: fair split flagged {fair:.5} of {fair_runs} runs, 52/48 flagged {skewed:.4} of {skewed_runs} runs"
    );
    assert!(
        fair <= 0.003,
        "fair split flagged {fair} (expected about 0.001)"
    );
    assert!(skewed >= 0.95, "52/48 flagged only {skewed}");
}
