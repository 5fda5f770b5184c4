//! Properties over arbitrary input: `decode` never panics, on raw bytes or
//! on JSON-ish mutations of valid events, and whatever it accepts obeys
//! the contract's rules.

use chrono::{Duration, TimeZone, Utc};
use cmp_model::{Body, Event, Limits, Refusal, Topic, decode, rules};
use proptest::prelude::*;

use crate::support::{base, js, now, render};

const KEYS: &[&str] = &[
    "event_id",
    "event_time",
    "segment",
    "region",
    "language",
    "client_id",
    "campaign_id",
    "channel",
    "action",
    "count",
    "cost_cents",
    "program",
    "service_channel",
    "stage",
    "extra",
    "Event_id",
];

const WORDS: &[&str] = &[
    "web",
    "Web",
    "click",
    "video_complete",
    "online",
    "in_person",
    "completed",
    "QC",
    "qc",
    "XX",
    "fr",
    "FR",
    "und",
    "oas",
    "OAS",
    "-x",
    "",
    "2026-11-04T23:59:59Z",
    "2026-11-04T23:59:59",
    "2026-11-05T00:05:00.001Z",
    "2026-08-07T00:00:00Z",
    "2026-02-30T00:00:00Z",
];

/// A JSON value as text, biased towards values the rules care about.
fn json_value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_owned()),
        any::<bool>().prop_map(|b| b.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        (0u64..=1_000_001).prop_map(|n| n.to_string()),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| format!("{f:?}")),
        proptest::sample::select(WORDS).prop_map(js),
        "\\PC{0,70}".prop_map(|s| js(&s)),
        "[a-zA-Z0-9._:-]{0,70}".prop_map(|s| js(&s)),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6)
                .prop_map(|v| format!("[{}]", v.join(","))),
            proptest::collection::vec((proptest::sample::select(KEYS), inner), 0..6).prop_map(
                |v| {
                    let body: Vec<String> = v
                        .into_iter()
                        .map(|(k, x)| format!("{}:{x}", js(k)))
                        .collect();
                    format!("{{{}}}", body.join(","))
                }
            ),
        ]
    })
}

#[derive(Clone, Debug)]
enum Edit {
    Set(&'static str, String),
    Remove(&'static str),
    InsertByte(usize, u8),
    DeleteByte(usize),
    Truncate(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        4 => (proptest::sample::select(KEYS), json_value()).prop_map(|(k, v)| Edit::Set(k, v)),
        2 => proptest::sample::select(KEYS).prop_map(Edit::Remove),
        1 => (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Edit::InsertByte(i, b)),
        1 => any::<usize>().prop_map(Edit::DeleteByte),
        1 => any::<usize>().prop_map(Edit::Truncate),
    ]
}

fn full(topic: Topic) -> Vec<(String, String)> {
    let mut fields = base(topic);
    let extra: &[(&str, &str)] = match topic {
        Topic::Engagement => &[("count", "240"), ("cost_cents", "1999")],
        Topic::Uptake => &[("campaign_id", "\"oas-online-2026\"")],
    };
    let common = [
        ("segment", "\"Seniors\""),
        ("region", "\"qc\""),
        ("language", "\"FR\""),
        ("client_id", "\"ga:1.2\""),
    ];
    for (k, v) in common.iter().chain(extra) {
        fields.push(((*k).to_owned(), (*v).to_owned()));
    }
    fields
}

fn mutate(topic: Topic, edits: &[Edit]) -> Vec<u8> {
    let mut fields = full(topic);
    let mut bytes_edits = Vec::new();
    for e in edits {
        match e {
            Edit::Set(k, v) => match fields.iter_mut().find(|(key, _)| key == k) {
                Some(slot) => slot.1.clone_from(v),
                None => fields.push(((*k).to_owned(), v.clone())),
            },
            Edit::Remove(k) => fields.retain(|(key, _)| key != k),
            other => bytes_edits.push(other),
        }
    }
    let mut bytes = render(&fields).into_bytes();
    for e in bytes_edits {
        let n = bytes.len();
        match *e {
            Edit::InsertByte(i, b) => bytes.insert(i % (n + 1), b),
            Edit::DeleteByte(i) if n > 0 => {
                bytes.remove(i % n);
            }
            Edit::Truncate(i) => bytes.truncate(i % (n + 1)),
            _ => {}
        }
    }
    bytes
}

/// What any accepted event must satisfy, whatever the input was.
fn check_accepted(e: &Event, topic: Topic) -> Result<(), TestCaseError> {
    prop_assert_eq!(e.topic(), topic);
    prop_assert!(rules::is_event_id(&e.event_id));
    prop_assert!(e.segment == "unspecified" || rules::is_segment_input(&e.segment));
    prop_assert_eq!(e.segment.to_ascii_lowercase(), e.segment.clone());
    prop_assert!(e.client_id.as_deref().is_none_or(rules::is_client_id));
    prop_assert!(e.event_time <= now() + Duration::minutes(5));
    prop_assert!(e.event_time >= now() - Duration::days(90));
    prop_assert_eq!(e.event_time.timestamp_subsec_nanos() % 1_000_000, 0);
    let upper = |s: &str| s == s.to_ascii_uppercase();
    prop_assert!(
        e.office_id
            .as_deref()
            .is_none_or(|o| rules::is_office_id_input(o) && upper(o))
    );
    prop_assert!(
        e.fsa
            .as_deref()
            .is_none_or(|f| rules::is_fsa_input(f) && upper(f))
    );
    match &e.body {
        Body::Engagement(b) => {
            prop_assert!(rules::is_slug(&b.campaign_id));
            prop_assert!(b.variant.as_deref().is_none_or(rules::is_slug));
            prop_assert!(rules::COUNT_RANGE.contains(&u64::from(b.count)));
            prop_assert!(rules::COST_CENTS_RANGE.contains(&b.cost_cents));
        }
        Body::Uptake(b) => {
            prop_assert!(rules::is_slug(&b.program));
            prop_assert!(b.campaign_id.as_deref().is_none_or(rules::is_slug));
        }
    }
    Ok(())
}

fn check_refused(r: &Refusal) -> Result<(), TestCaseError> {
    prop_assert!(
        !r.detail.is_empty() && r.detail.is_ascii() && r.detail.len() < 200,
        "{}",
        r.detail
    );
    Ok(())
}

fn check_outcome(bytes: &[u8], topic: Topic) -> Result<(), TestCaseError> {
    match decode(bytes, topic, now(), &Limits::default()) {
        Ok(e) => check_accepted(&e, topic),
        Err(r) => check_refused(&r),
    }
}

fn topic() -> impl Strategy<Value = Topic> {
    proptest::sample::select(Topic::ALL)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512), t in topic()) {
        check_outcome(&bytes, t)?;
    }

    #[test]
    fn never_panics_on_mutated_events(
        source in topic(),
        t in topic(),
        edits in proptest::collection::vec(edit(), 0..5),
    ) {
        check_outcome(&mutate(source, &edits), t)?;
    }

    #[test]
    fn never_panics_at_any_clock_or_limits(
        edits in proptest::collection::vec(edit(), 0..3),
        t in topic(),
        now_secs in -100_000_000_000i64..300_000_000_000,
        age_ms in any::<i64>(),
        future_ms in any::<i64>(),
        max_bytes in any::<usize>(),
    ) {
        let Some(clock) = Utc.timestamp_opt(now_secs, 0).single() else { return Ok(()) };
        let limits = Limits {
            max_bytes,
            max_age: Duration::try_milliseconds(age_ms).unwrap_or(Duration::MAX),
            max_future: Duration::try_milliseconds(future_ms).unwrap_or(Duration::MAX),
        };
        let _ = decode(&mutate(t, &edits), t, clock, &limits);
    }
}

#[test]
fn unmutated_full_events_are_accepted() {
    for &t in Topic::ALL {
        let bytes = mutate(t, &[]);
        let e = decode(&bytes, t, now(), &Limits::default()).expect("accepted");
        assert_eq!(e.segment, "seniors");
    }
}
