//! Contract v1.1's fields and the injected effects, checked on the stream:
//! the v1 part of every message is what it was without them, the fields are
//! where the contract puts them, and each effect appears at its configured
//! size (within sampling error: seeded runs, bounds of three standard
//! errors).

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use cmp_model::{Body, Channel, Event, Limits, Region, ServiceChannel, Stage, Topic, decode};
use serde_json::Value;

use crate::{Conversion, Effects, Expect, GenConfig, Generator, GeoLift, Message, Unit};

fn messages(config: &GenConfig, n: usize) -> Vec<Message> {
    Generator::new(config.clone())
        .expect("valid config")
        .take(n)
        .collect()
}

/// The accepted events of the stream, decoded by the model.
fn accepted(config: &GenConfig, n: usize) -> Vec<Event> {
    messages(config, n)
        .iter()
        .filter(|m| matches!(m.expect, Expect::Accept { .. }))
        .map(|m| decode(&m.payload, m.topic, config.now, &Limits::default()).expect("accepted"))
        .collect()
}

fn clean() -> GenConfig {
    GenConfig {
        invalid_share: 0.0,
        redelivery_share: 0.0,
        late_share: 0.0,
        ..GenConfig::default()
    }
}

/// The ratio of ratios of `counts` and the standard error of its log
/// (Poisson counts).
fn ratio(counts: [usize; 4]) -> (f64, f64) {
    let [a, b, c, d] = counts.map(|n| n.max(1) as f64);
    let se = (1.0 / a + 1.0 / b + 1.0 / c + 1.0 / d).sqrt();
    eprintln!("counts {counts:?}");
    ((a / b) / (c / d), se)
}

/// |ln(got) - ln(want)| within three standard errors.
fn within(what: &str, (got, se): (f64, f64), want: f64) {
    eprintln!("{what}: ratio {got:.3} (want {want:.3}, standard error of the log {se:.3})");
    assert!(
        (got.ln() - want.ln()).abs() < 3.0 * se,
        "{what}: ratio {got:.3}, want {want:.3} (standard error of the log {se:.3})"
    );
}

fn ratio_within(what: &str, counts: [usize; 4], want: f64) {
    within(what, ratio(counts), want);
}

#[test]
fn v11_fields_leave_the_v1_part_of_every_message_unchanged() {
    let v11 = GenConfig::default();
    let v1 = GenConfig {
        v11_fields: false,
        ..v11.clone()
    };
    let (with, without) = (messages(&v11, 5000), messages(&v1, 5000));
    let mut added = 0;
    for (a, b) in with.iter().zip(&without) {
        assert_eq!((a.topic, &a.key, &a.expect), (b.topic, &b.key, &b.expect));
        match (
            serde_json::from_slice::<Value>(&a.payload),
            serde_json::from_slice::<Value>(&b.payload),
        ) {
            (Ok(Value::Object(mut a_fields)), Ok(b_value)) => {
                for key in ["variant", "office_id", "fsa"] {
                    added += usize::from(a_fields.remove(key).is_some());
                }
                assert_eq!(Value::Object(a_fields), b_value);
            }
            _ => assert_eq!(a.payload, b.payload),
        }
        assert!(!String::from_utf8_lossy(&b.payload).contains("\"fsa\""));
    }
    assert!(added > 1000, "{added}");
}

#[test]
fn v11_fields_appear_where_the_contract_puts_them() {
    let config = GenConfig::default();
    let test = crate::VariantTest::default_for(&config.campaigns[0].id);
    let mut arm_of: HashMap<String, String> = HashMap::new();
    let (mut signage, mut in_person, mut with_client, mut with_fsa) = (0, 0, 0, 0);
    let mut arms: HashMap<String, usize> = HashMap::new();
    for e in accepted(&config, 20_000) {
        assert!(
            e.office_id
                .as_deref()
                .is_none_or(|o| o == o.to_ascii_uppercase())
        );
        assert!(e.fsa.as_deref().is_none_or(|f| f == f.to_ascii_uppercase()));
        let provincial = !matches!(e.region, Region::Xx | Region::Ca);
        if e.client_id.is_some() && provincial {
            with_client += 1;
            with_fsa += usize::from(e.fsa.is_some());
        }
        if e.client_id.is_none() || !provincial {
            assert_eq!(e.fsa, None, "an FSA without a client in a province");
        }
        match &e.body {
            Body::Engagement(g) => {
                if g.channel == Channel::Signage {
                    signage += 1;
                    assert!(e.office_id.is_some(), "signage without an office");
                }
                assert_eq!(g.variant.is_some(), g.campaign_id == test.campaign);
                if let (Some(v), Some(client)) = (&g.variant, &e.client_id) {
                    *arms.entry(v.clone()).or_default() += 1;
                    let first = arm_of.entry(client.clone()).or_insert_with(|| v.clone());
                    assert_eq!(first, v, "a person saw two arms");
                }
            }
            Body::Uptake(u) => {
                if u.service_channel == ServiceChannel::InPerson {
                    in_person += 1;
                    assert!(e.office_id.is_some(), "in-person uptake without an office");
                }
            }
        }
    }
    assert!(signage > 100 && in_person > 100, "{signage} {in_person}");
    let share = with_fsa as f64 / with_client as f64;
    assert!((share - 0.6).abs() < 0.03, "fsa share {share}");
    let (a, b) = (arms["control"] as f64, arms["plain-language-b"] as f64);
    assert!((a / (a + b) - 0.5).abs() < 0.04, "arms {arms:?}");
}

/// Uptake counts: [treated in the period, treated outside, control in the
/// period, control outside].
fn lift_counts(config: &GenConfig, n: usize, treated: fn(&Event) -> bool) -> [usize; 4] {
    let lift = config.effects.lift.as_ref().expect("a lift");
    let mut counts = [0; 4];
    for e in accepted(config, n) {
        if e.topic() != Topic::Uptake {
            continue;
        }
        let day = e.event_time.date_naive();
        let inside = day >= lift.from && day <= lift.to;
        counts[usize::from(!treated(&e)) * 2 + usize::from(!inside)] += 1;
    }
    counts
}

fn lifted(lift: f64, unit: Unit, treated: &[&str]) -> GenConfig {
    let config = clean();
    let now = config.now;
    GenConfig {
        spread: Duration::days(28),
        effects: Effects {
            lift: Some(GeoLift {
                lift,
                unit,
                treated: treated.iter().map(|t| (*t).to_owned()).collect(),
                from: (now - Duration::days(14)).date_naive(),
                to: now.date_naive(),
            }),
            conversion: None,
        },
        ..config
    }
}

#[test]
fn an_injected_lift_appears_in_the_treated_regions_during_the_test_period_at_its_size() {
    let in_on_qc = |e: &Event| matches!(e.region, Region::On | Region::Qc);
    let counts =
        |lift, treated| lift_counts(&lifted(lift, Unit::Region, treated), 60_000, in_on_qc);
    // What an estimator sees: the difference in differences of one run.
    let with = ratio(counts(0.3, &["ON", "qc"]));
    within("+30 %", with, 1.3);
    // The same seed without the lift: no difference (the test can fail).
    let without = ratio(counts(0.0, &["ON", "QC"]));
    within("no lift", without, 1.0);
    // Against the chance imbalance of the seed's base events, which both share.
    within("+30 % over no lift", (with.0 / without.0, with.1), 1.3);
}

#[test]
fn an_injected_lift_by_fsa_reaches_only_the_treated_fsas() {
    // Ontario's and Quebec's first FSAs; everything else (other FSAs, no FSA) is control.
    let treated = |e: &Event| matches!(e.fsa.as_deref(), Some("K0A" | "L0A" | "M0A" | "G0A"));
    let config = lifted(1.5, Unit::Fsa, &["K0A", "L0A", "m0a", "G0A"]);
    ratio_within("+150 %", lift_counts(&config, 80_000, treated), 2.5);
}

#[test]
fn a_lifted_variant_completes_more_often_by_the_configured_share() {
    let mut conversion = Conversion::new(0.3);
    conversion.variant_lift = Some(("plain-language-b".into(), 0.5));
    for delay in conversion.delays.values_mut() {
        *delay = Duration::minutes(1);
    }
    let config = GenConfig {
        spread: Duration::days(2),
        effects: Effects {
            lift: None,
            conversion: Some(conversion),
        },
        ..clean()
    };
    // Exposures per arm, and the completions that follow them.
    let mut exposures: HashMap<String, usize> = HashMap::new();
    let mut completions: HashMap<String, usize> = HashMap::new();
    let events = accepted(&config, 40_000);
    for pair in events.windows(2) {
        let (Body::Engagement(g), Some(client)) = (&pair[0].body, &pair[0].client_id) else {
            continue;
        };
        let Some(arm) = &g.variant else { continue };
        *exposures.entry(arm.clone()).or_default() += 1;
        if let Body::Uptake(u) = &pair[1].body
            && u.stage == Stage::Completed
            && pair[1].client_id.as_ref() == Some(client)
        {
            // Each time is written to the second or finer, so within a second.
            assert!(pair[1].event_time > pair[0].event_time - Duration::seconds(1));
            assert_eq!(u.program, "oas");
            *completions.entry(arm.clone()).or_default() += 1;
        }
    }
    let count = |m: &HashMap<String, usize>, k: &str| m.get(k).copied().unwrap_or(0);
    ratio_within(
        "plain-language-b against control",
        [
            count(&completions, "plain-language-b"),
            count(&exposures, "plain-language-b"),
            count(&completions, "control"),
            count(&exposures, "control"),
        ],
        1.5,
    );
    let control = count(&completions, "control") as f64 / count(&exposures, "control") as f64;
    assert!((control - 0.3).abs() < 0.03, "control rate {control}");
}

#[test]
fn completions_follow_their_exposure_after_the_channel_s_mean_delay() {
    let mut conversion = Conversion::new(0.5);
    conversion.delays.insert(Channel::Web, Duration::hours(1));
    conversion
        .delays
        .insert(Channel::Social, Duration::hours(10));
    let config = GenConfig {
        spread: Duration::days(30),
        effects: Effects {
            lift: None,
            conversion: Some(conversion.clone()),
        },
        ..clean()
    };
    let mut delays: HashMap<Channel, Vec<i64>> = HashMap::new();
    let events = accepted(&config, 40_000);
    for pair in events.windows(2) {
        let (Body::Engagement(g), Body::Uptake(_)) = (&pair[0].body, &pair[1].body) else {
            continue;
        };
        // Exposures old enough that no completion of theirs was censored.
        let mean = conversion.delays[&g.channel];
        if pair[0].client_id.is_none()
            || pair[1].client_id != pair[0].client_id
            || config.now - pair[0].event_time < mean * 30
        {
            continue;
        }
        let delay = pair[1].event_time - pair[0].event_time;
        delays
            .entry(g.channel)
            .or_default()
            .push(delay.num_seconds());
    }
    for channel in [Channel::Web, Channel::Social] {
        let got = &delays[&channel];
        let mean = got.iter().sum::<i64>() as f64 / got.len() as f64;
        let want = conversion.delays[&channel].num_seconds() as f64;
        let se = want / (got.len() as f64).sqrt();
        // Event times are written to the second or finer: within a second too.
        assert!(
            (mean - want).abs() < 3.0 * se + 1.0,
            "{channel}: mean {mean:.0} s of {}, want {want} s",
            got.len()
        );
    }
    // Nothing after now.
    let now: DateTime<Utc> = config.now;
    assert!(events.iter().all(|e| e.event_time <= now));
}
