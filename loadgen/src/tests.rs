//! Properties of the whole stream, checked against the model's own
//! `decode`: every message gets exactly the verdict it claims, the stream
//! is reproducible, covers every vocabulary and refusal code, and respects
//! the configured shares.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Utc};
use cmp_model::{
    Action, Body, Channel, Event, Language, Limits, RefusalCode, Region, ServiceChannel, Stage,
    Topic, decode,
};

use crate::{Expect, GenConfig, Generator, Message};

const N: usize = 20_000;

fn messages(config: GenConfig, n: usize) -> Vec<Message> {
    Generator::new(config)
        .expect("valid config")
        .take(n)
        .collect()
}

fn decoded(config: &GenConfig, m: &Message) -> Result<Event, cmp_model::Refusal> {
    decode(&m.payload, m.topic, config.now, &Limits::default())
}

#[test]
fn same_config_same_messages_other_seed_other_messages() {
    let config = GenConfig::default();
    let a = messages(config.clone(), 3000);
    assert_eq!(a, messages(config.clone(), 3000));
    let other = messages(
        GenConfig {
            seed: 2,
            ..config.clone()
        },
        3000,
    );
    assert_ne!(a, other);
    let later = messages(
        GenConfig {
            now: config.now + chrono::Duration::hours(1),
            ..config
        },
        3000,
    );
    assert_ne!(a, later);
}

#[test]
fn every_message_gets_the_verdict_it_claims() {
    let config = GenConfig::default();
    // (topic, event_id) -> (event_time, first payload)
    let mut accepted: HashMap<(Topic, String), (DateTime<Utc>, Vec<u8>)> = HashMap::new();
    let mut keys = HashSet::new();
    for (i, m) in messages(config.clone(), N).iter().enumerate() {
        let key = std::str::from_utf8(&m.key).expect("UTF-8 key");
        match &m.expect {
            Expect::Accept { event_id } => {
                let event = decoded(&config, m)
                    .unwrap_or_else(|r| panic!("message {i} refused ({r}): {m:?}"));
                assert_eq!(&event.event_id, event_id);
                assert_eq!(key, event_id);
                assert!(cmp_model::rules::is_event_id(event_id));
                assert!(keys.insert(key.to_owned()), "key {key} reused");
                let first = accepted.insert(
                    (m.topic, event_id.clone()),
                    (event.event_time, m.payload.clone()),
                );
                assert!(first.is_none(), "{event_id} accepted twice");
            }
            Expect::Redelivery { event_id } => {
                let event = decoded(&config, m)
                    .unwrap_or_else(|r| panic!("redelivery {i} refused ({r}): {m:?}"));
                assert_eq!(&event.event_id, event_id);
                assert_eq!(key, event_id);
                let (time, _) = accepted
                    .get(&(m.topic, event_id.clone()))
                    .unwrap_or_else(|| panic!("{event_id} not accepted earlier on {}", m.topic));
                assert_eq!(event.event_time, *time, "{event_id}");
            }
            Expect::Refuse(code) => {
                let refusal = decoded(&config, m).expect_err("refused");
                assert_eq!(refusal.code, *code, "message {i}: {refusal}");
                assert!(keys.insert(key.to_owned()), "key {key} reused");
                assert!(cmp_model::rules::is_event_id(key));
            }
        }
        if !matches!(m.expect, Expect::Refuse(RefusalCode::TooLarge)) {
            assert!(
                m.payload.len() < 2048,
                "message {i} is {} bytes",
                m.payload.len()
            );
        }
    }
}

/// What 20k messages of the default config contain.
#[derive(Default)]
struct Census {
    channels: BTreeSet<Channel>,
    actions: BTreeSet<Action>,
    service_channels: BTreeSet<ServiceChannel>,
    stages: BTreeSet<Stage>,
    regions: BTreeSet<Region>,
    languages: BTreeSet<Language>,
    segments: BTreeSet<String>,
    codes: BTreeSet<RefusalCode>,
    accept: usize,
    redelivery: usize,
    changed: usize,
    refuse: usize,
    engagement: usize,
    attributed: usize,
    organic_null: usize,
    organic_absent: usize,
    online: usize,
    late: usize,
    bulk_with_cost: usize,
    with_client: usize,
    mixed_case: usize,
    zulu: usize,
    eastern: usize,
    fractions: usize,
}

fn census(config: &GenConfig) -> Census {
    let mut c = Census::default();
    let mut first: HashMap<(Topic, String), Vec<u8>> = HashMap::new();
    for m in messages(config.clone(), N) {
        let text = String::from_utf8_lossy(&m.payload).into_owned();
        match &m.expect {
            Expect::Refuse(code) => {
                c.refuse += 1;
                c.codes.insert(*code);
                continue;
            }
            Expect::Redelivery { event_id } => {
                c.redelivery += 1;
                if first.get(&(m.topic, event_id.clone())) != Some(&m.payload) {
                    c.changed += 1;
                }
                continue;
            }
            Expect::Accept { event_id } => {
                c.accept += 1;
                first.insert((m.topic, event_id.clone()), m.payload.clone());
            }
        }
        let event = decoded(config, &m).expect("accepted");
        c.regions.insert(event.region);
        c.languages.insert(event.language);
        c.segments.insert(event.segment.clone());
        c.with_client += usize::from(event.client_id.is_some());
        c.late += usize::from(config.now - event.event_time > chrono::Duration::days(1));
        c.mixed_case += usize::from(
            text.contains("\"Seniors\"") || text.contains("\"FR\"") || text.contains("\"qc\""),
        );
        c.zulu += usize::from(text.contains("Z\","));
        c.eastern += usize::from(text.contains("-05:00\"") || text.contains("-04:00\""));
        c.fractions += usize::from(
            text.contains("\"event_time\":\"") && {
                let time = text.split("\"event_time\":\"").nth(1).unwrap_or("");
                time.get(19..20) == Some(".")
            },
        );
        match event.body {
            Body::Engagement(e) => {
                c.engagement += 1;
                c.channels.insert(e.channel);
                c.actions.insert(e.action);
                c.bulk_with_cost += usize::from(e.count >= 100 && e.cost_cents > 0);
            }
            Body::Uptake(u) => {
                c.service_channels.insert(u.service_channel);
                c.stages.insert(u.stage);
                c.online += usize::from(u.service_channel == ServiceChannel::Online);
                match u.campaign_id {
                    Some(_) => c.attributed += 1,
                    None if text.contains("\"campaign_id\":null") => c.organic_null += 1,
                    None => c.organic_absent += 1,
                }
            }
        }
    }
    c
}

fn share(part: usize, whole: usize) -> f64 {
    part as f64 / whole.max(1) as f64
}

fn roughly(what: &str, got: f64, want: f64, tolerance: f64) {
    assert!(
        (got - want).abs() <= tolerance,
        "{what}: {got:.4}, expected {want} ± {tolerance}"
    );
}

#[test]
fn twenty_thousand_messages_cover_every_vocabulary_and_code() {
    let c = census(&GenConfig::default());
    assert_eq!(c.channels.len(), Channel::ALL.len(), "{:?}", c.channels);
    assert_eq!(c.actions.len(), Action::ALL.len(), "{:?}", c.actions);
    assert_eq!(c.service_channels.len(), ServiceChannel::ALL.len());
    assert_eq!(c.stages.len(), Stage::ALL.len());
    assert_eq!(c.regions.len(), Region::ALL.len(), "{:?}", c.regions); // XX = absent
    assert_eq!(c.languages.len(), Language::ALL.len()); // und = absent
    assert_eq!(c.codes.len(), RefusalCode::ALL.len());
    for segment in crate::audience::SEGMENTS.iter().chain(&["unspecified"]) {
        assert!(c.segments.contains(*segment), "{segment}: {:?}", c.segments);
    }
    assert!(c.attributed > 0 && c.organic_null > 0 && c.organic_absent > 0);
    assert!(c.bulk_with_cost > 0 && c.with_client > 0 && c.late > 0);
    assert!(c.mixed_case > 0 && c.zulu > 0 && c.eastern > 0 && c.fractions > 0);
}

#[test]
fn shares_are_roughly_respected() {
    let config = GenConfig::default();
    let c = census(&config);
    assert_eq!(c.accept + c.redelivery + c.refuse, N);
    roughly("invalid", share(c.refuse, N), config.invalid_share, 0.006);
    roughly(
        "redelivery",
        share(c.redelivery, N),
        config.redelivery_share,
        0.01,
    );
    roughly(
        "changed redelivery",
        share(c.changed, c.redelivery),
        config.changed_redelivery_share,
        0.06,
    );
    roughly("late", share(c.late, c.accept), config.late_share, 0.005);
    roughly("engagement", share(c.engagement, c.accept), 0.75, 0.02);
    let uptake = c.accept - c.engagement;
    roughly("attributed", share(c.attributed, uptake), 0.6, 0.04);
    roughly("online", share(c.online, uptake), 0.55, 0.04);
}

#[test]
fn other_shares_are_followed_too() {
    let only_valid = GenConfig {
        invalid_share: 0.0,
        redelivery_share: 0.0,
        late_share: 0.0,
        ..GenConfig::default()
    };
    for m in messages(only_valid.clone(), 2000) {
        let Expect::Accept { .. } = m.expect else {
            panic!("{:?}", m.expect)
        };
        let event = decoded(&only_valid, &m).expect("accepted");
        assert!(event.event_time >= only_valid.now - only_valid.spread);
    }

    let only_invalid = GenConfig {
        invalid_share: 1.0,
        redelivery_share: 0.0,
        ..GenConfig::default()
    };
    let codes: Vec<_> = messages(only_invalid, 12)
        .into_iter()
        .map(|m| m.expect)
        .collect();
    let cycle: Vec<_> = RefusalCode::ALL
        .iter()
        .map(|c| Expect::Refuse(*c))
        .collect();
    assert_eq!(codes, [cycle.clone(), cycle].concat());

    let heavy_redelivery = GenConfig {
        redelivery_share: 0.5,
        changed_redelivery_share: 1.0,
        ..GenConfig::default()
    };
    let c = census(&heavy_redelivery);
    roughly("redelivery", share(c.redelivery, N), 0.5, 0.02);
    assert_eq!(c.changed, c.redelivery);
}

#[test]
fn custom_campaigns_and_zero_spread() {
    let config = GenConfig {
        campaigns: vec![crate::Campaign::new("cpp-radio", "cpp")],
        spread: chrono::Duration::zero(),
        late_share: 0.0,
        clients_per_campaign: 3,
        ..GenConfig::default()
    };
    let mut clients = BTreeSet::new();
    for m in messages(config.clone(), 2000) {
        let Ok(event) = decoded(&config, &m) else {
            continue;
        };
        assert_eq!(event.event_time.timestamp(), config.now.timestamp());
        match &event.body {
            Body::Engagement(e) => assert_eq!(e.campaign_id, "cpp-radio"),
            Body::Uptake(u) => {
                assert_eq!(u.program, "cpp");
                assert!(u.campaign_id.as_deref().is_none_or(|c| c == "cpp-radio"));
            }
        }
        clients.extend(event.client_id);
    }
    assert_eq!(
        clients,
        BTreeSet::from(["ga:0".into(), "ga:1".into(), "ga:2".into()])
    );
}
