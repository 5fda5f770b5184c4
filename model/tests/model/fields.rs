//! Every field: absent, null, wrong JSON kind, bounds (accepted exactly at
//! the limits, refused one past them), vocabulary and case variants, each
//! mapped to its refusal code; refusals name the field.

use cmp_model::{
    Action, Body, Channel, Engagement, Event, Language, RefusalCode, Region, ServiceChannel, Stage,
    Topic, Uptake,
};

use crate::support::{js, message, run, utc};

use RefusalCode::{InvalidValue as Invalid, MissingField as Missing};

enum Want {
    Accept(fn(&Event)),
    Refuse(RefusalCode),
}
use Want::{Accept, Refuse};

struct Case {
    field: &'static str,
    /// Raw JSON for the field; `None` removes it.
    value: Option<String>,
    want: Want,
}

fn raw(field: &'static str, json: &str, want: Want) -> Case {
    Case {
        field,
        value: Some(json.to_owned()),
        want,
    }
}

fn text(field: &'static str, s: &str, want: Want) -> Case {
    Case {
        field,
        value: Some(js(s)),
        want,
    }
}

fn absent(field: &'static str, want: Want) -> Case {
    Case {
        field,
        value: None,
        want,
    }
}

fn ok() -> Want {
    Accept(|_| {})
}

fn eng(e: &Event) -> &Engagement {
    match &e.body {
        Body::Engagement(b) => b,
        Body::Uptake(_) => panic!("not an engagement"),
    }
}

fn upt(e: &Event) -> &Uptake {
    match &e.body {
        Body::Uptake(b) => b,
        Body::Engagement(_) => panic!("not an uptake"),
    }
}

/// Runs every case on every topic in `topics`; reports all failures at once.
fn check(topics: &[Topic], cases: Vec<Case>) -> usize {
    let mut failures = Vec::new();
    let mut ran = 0;
    for &topic in topics {
        for case in &cases {
            ran += 1;
            let msg = message(topic, case.field, case.value.as_deref());
            let label = format!("{topic} {}={:?}", case.field, case.value);
            match (&case.want, run(&msg, topic)) {
                (Accept(f), Ok(event)) => f(&event),
                (Accept(_), Err(r)) => failures.push(format!("{label}: refused {r}")),
                (Refuse(code), Ok(_)) => failures.push(format!("{label}: accepted, want {code}")),
                (Refuse(code), Err(r)) => {
                    if r.code != *code {
                        failures.push(format!("{label}: got {r}, want {code}"));
                    } else if !r.detail.contains(case.field) {
                        failures.push(format!(
                            "{label}: detail {:?} does not name the field",
                            r.detail
                        ));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    ran
}

const BOTH: &[Topic] = &[Topic::Engagement, Topic::Uptake];
const ENGAGEMENT: &[Topic] = &[Topic::Engagement];
const UPTAKE: &[Topic] = &[Topic::Uptake];

/// Wrong JSON kinds for a string field, all `invalid_value`.
fn not_strings(field: &'static str) -> Vec<Case> {
    [
        "0",
        "1",
        "-1",
        "1.5",
        "true",
        "false",
        "[]",
        "[\"web\"]",
        "{}",
        "{\"a\":\"b\"}",
    ]
    .into_iter()
    .map(|v| raw(field, v, Refuse(Invalid)))
    .collect()
}

fn required(field: &'static str) -> Vec<Case> {
    let mut cases = vec![
        absent(field, Refuse(Missing)),
        raw(field, "null", Refuse(Missing)),
    ];
    cases.extend(not_strings(field));
    cases
}

#[test]
fn event_id() {
    let mut cases = required("event_id");
    cases.extend([
        text("event_id", "a", Accept(|e| assert_eq!(e.event_id, "a"))),
        text(
            "event_id",
            "AZaz09._:-",
            Accept(|e| assert_eq!(e.event_id, "AZaz09._:-")),
        ),
        text("event_id", &"x".repeat(64), ok()),
        text("event_id", &"x".repeat(65), Refuse(Invalid)),
        text("event_id", "", Refuse(Invalid)),
        text("event_id", "a b", Refuse(Invalid)),
        text("event_id", "a/b", Refuse(Invalid)),
        text("event_id", "café", Refuse(Invalid)),
        text("event_id", "a\nb", Refuse(Invalid)),
        raw(
            "event_id",
            r#""\u0041-1""#,
            Accept(|e| assert_eq!(e.event_id, "A-1")),
        ),
    ]);
    check(BOTH, cases);
}

#[test]
fn event_time() {
    let mut cases = required("event_time");
    cases.extend([
        raw("event_time", "1793736000", Refuse(Invalid)),
        text("event_time", "", Refuse(Invalid)),
        text("event_time", "2026-11-02T14:05:09", Refuse(Invalid)),
        text("event_time", "2026-11-02 14:05:09Z", Refuse(Invalid)),
        text("event_time", "2026-11-02T14:05:09+0500", Refuse(Invalid)),
        text("event_time", "2026-02-30T14:05:09Z", Refuse(Invalid)),
        text("event_time", "2026-11-02T25:05:09Z", Refuse(Invalid)),
        text(
            "event_time",
            "Mon, 02 Nov 2026 14:05:09 GMT",
            Refuse(Invalid),
        ),
        text("event_time", "2026-11-02T14:05:09.Z", Refuse(Invalid)),
        text(
            "event_time",
            "2026-11-02T14:05:09-05:00",
            Accept(|e| assert_eq!(e.event_time, utc("2026-11-02T19:05:09Z"))),
        ),
        text(
            "event_time",
            "2026-11-03T00:35:09+05:30",
            Accept(|e| assert_eq!(e.event_time, utc("2026-11-02T19:05:09Z"))),
        ),
        text(
            "event_time",
            "2026-11-02t19:05:09.5z",
            Accept(|e| assert_eq!(e.event_time, utc("2026-11-02T19:05:09.500Z"))),
        ),
        text(
            "event_time",
            "2026-11-02T19:05:09.123999Z",
            Accept(|e| assert_eq!(e.event_time, utc("2026-11-02T19:05:09.123Z"))),
        ),
    ]);
    check(BOTH, cases);
}

#[test]
fn segment() {
    let mut cases = not_strings("segment");
    cases.extend([
        absent("segment", Accept(|e| assert_eq!(e.segment, "unspecified"))),
        raw(
            "segment",
            "null",
            Accept(|e| assert_eq!(e.segment, "unspecified")),
        ),
        text(
            "segment",
            "seniors",
            Accept(|e| assert_eq!(e.segment, "seniors")),
        ),
        text(
            "segment",
            "Seniors",
            Accept(|e| assert_eq!(e.segment, "seniors")),
        ),
        text(
            "segment",
            "SENIORS_65-PLUS",
            Accept(|e| assert_eq!(e.segment, "seniors_65-plus")),
        ),
        text("segment", "-x", Accept(|e| assert_eq!(e.segment, "-x"))),
        text("segment", "a", ok()),
        text(
            "segment",
            &"S".repeat(64),
            Accept(|e| assert_eq!(e.segment, "s".repeat(64))),
        ),
        text("segment", &"s".repeat(65), Refuse(Invalid)),
        text("segment", "", Refuse(Invalid)),
        text("segment", "new parents", Refuse(Invalid)),
        text("segment", "aînés", Refuse(Invalid)),
        text("segment", "a.b", Refuse(Invalid)),
    ]);
    check(BOTH, cases);
}

#[test]
fn region() {
    let mut cases = not_strings("region");
    cases.extend([
        absent("region", Accept(|e| assert_eq!(e.region, Region::Xx))),
        raw(
            "region",
            "null",
            Accept(|e| assert_eq!(e.region, Region::Xx)),
        ),
        text("region", "ON", Accept(|e| assert_eq!(e.region, Region::On))),
        text("region", "qc", Accept(|e| assert_eq!(e.region, Region::Qc))),
        text("region", "Nu", Accept(|e| assert_eq!(e.region, Region::Nu))),
        text("region", "ca", Accept(|e| assert_eq!(e.region, Region::Ca))),
        text("region", "XX", Refuse(Invalid)),
        text("region", "xx", Refuse(Invalid)),
        text("region", "", Refuse(Invalid)),
        text("region", "QUE", Refuse(Invalid)),
        text("region", "Q", Refuse(Invalid)),
        text("region", "US", Refuse(Invalid)),
        text("region", " ON", Refuse(Invalid)),
    ]);
    check(BOTH, cases);
}

#[test]
fn every_region_code_in_any_case() {
    for &r in Region::ALL.iter().filter(|r| **r != Region::Xx) {
        for input in [r.as_str().to_owned(), r.as_str().to_lowercase()] {
            for &topic in BOTH {
                let got =
                    run(message(topic, "region", Some(&js(&input))), topic).expect("accepted");
                assert_eq!(got.region, r);
            }
        }
    }
}

#[test]
fn language() {
    let mut cases = not_strings("language");
    cases.extend([
        absent(
            "language",
            Accept(|e| assert_eq!(e.language, Language::Und)),
        ),
        raw(
            "language",
            "null",
            Accept(|e| assert_eq!(e.language, Language::Und)),
        ),
        text(
            "language",
            "en",
            Accept(|e| assert_eq!(e.language, Language::En)),
        ),
        text(
            "language",
            "FR",
            Accept(|e| assert_eq!(e.language, Language::Fr)),
        ),
        text(
            "language",
            "En",
            Accept(|e| assert_eq!(e.language, Language::En)),
        ),
        text(
            "language",
            "fR",
            Accept(|e| assert_eq!(e.language, Language::Fr)),
        ),
        text("language", "und", Refuse(Invalid)),
        text("language", "", Refuse(Invalid)),
        text("language", "english", Refuse(Invalid)),
        text("language", "en-CA", Refuse(Invalid)),
        text("language", "es", Refuse(Invalid)),
    ]);
    check(BOTH, cases);
}

#[test]
fn client_id() {
    let mut cases = not_strings("client_id");
    cases.extend([
        absent("client_id", Accept(|e| assert_eq!(e.client_id, None))),
        raw(
            "client_id",
            "null",
            Accept(|e| assert_eq!(e.client_id, None)),
        ),
        text(
            "client_id",
            "ga:1849302.77",
            Accept(|e| assert_eq!(e.client_id.as_deref(), Some("ga:1849302.77"))),
        ),
        text("client_id", "x", ok()),
        text("client_id", &"x".repeat(128), ok()),
        text(
            "client_id",
            &"é".repeat(128),
            Accept(|e| assert_eq!(e.client_id.as_deref(), Some("é".repeat(128).as_str()))),
        ),
        text("client_id", &"x".repeat(129), Refuse(Invalid)),
        text("client_id", &"é".repeat(129), Refuse(Invalid)),
        text("client_id", "", Refuse(Invalid)),
        text("client_id", "Jean Tremblay <jt@example.ca>", ok()),
    ]);
    check(BOTH, cases);
}

fn slug_cases(field: &'static str) -> Vec<Case> {
    vec![
        text(field, "a", ok()),
        text(field, "0", ok()),
        text(field, "oas-online_2026", ok()),
        text(field, &"a".repeat(64), ok()),
        text(field, &"a".repeat(65), Refuse(Invalid)),
        text(field, "", Refuse(Invalid)),
        text(field, "-oas", Refuse(Invalid)),
        text(field, "_oas", Refuse(Invalid)),
        text(field, "OAS", Refuse(Invalid)),
        text(field, "Oas", Refuse(Invalid)),
        text(field, "oas online", Refuse(Invalid)),
        text(field, "oas.online", Refuse(Invalid)),
        text(field, "oås", Refuse(Invalid)),
    ]
}

#[test]
fn engagement_campaign_id() {
    let mut cases = required("campaign_id");
    cases.extend(slug_cases("campaign_id"));
    cases.push(text(
        "campaign_id",
        "spring-2027",
        Accept(|e| assert_eq!(eng(e).campaign_id, "spring-2027")),
    ));
    check(ENGAGEMENT, cases);
}

#[test]
fn channel_and_action() {
    let mut cases = required("channel");
    cases.extend(required("action"));
    for field in ["channel", "action"] {
        cases.extend([
            text(field, "", Refuse(Invalid)),
            text(field, "facebook", Refuse(Invalid)),
            text(field, " web", Refuse(Invalid)),
        ]);
    }
    cases.extend([
        text("channel", "Web", Refuse(Invalid)),
        text("channel", "WEB", Refuse(Invalid)),
        text("channel", "in_person", Refuse(Invalid)),
        text("action", "Click", Refuse(Invalid)),
        text("action", "video-complete", Refuse(Invalid)),
        text("action", "VIDEO_COMPLETE", Refuse(Invalid)),
        text("action", "completed", Refuse(Invalid)),
    ]);
    check(ENGAGEMENT, cases);
}

#[test]
fn every_channel_and_action_code() {
    for &c in Channel::ALL {
        let got = run(
            message(Topic::Engagement, "channel", Some(&js(c.as_str()))),
            Topic::Engagement,
        );
        assert_eq!(got.map(|e| eng(&e).channel), Ok(c));
    }
    for &a in Action::ALL {
        let got = run(
            message(Topic::Engagement, "action", Some(&js(a.as_str()))),
            Topic::Engagement,
        );
        assert_eq!(got.map(|e| eng(&e).action), Ok(a));
    }
}

#[test]
fn count() {
    check(
        ENGAGEMENT,
        vec![
            absent("count", Accept(|e| assert_eq!(eng(e).count, 1))),
            raw("count", "null", Accept(|e| assert_eq!(eng(e).count, 1))),
            raw("count", "1", Accept(|e| assert_eq!(eng(e).count, 1))),
            raw("count", "5000", Accept(|e| assert_eq!(eng(e).count, 5000))),
            raw(
                "count",
                "1000000",
                Accept(|e| assert_eq!(eng(e).count, 1_000_000)),
            ),
            raw("count", "0", Refuse(Invalid)),
            raw("count", "1000001", Refuse(Invalid)),
            raw("count", "-1", Refuse(Invalid)),
            raw("count", "-0", Refuse(Invalid)),
            raw("count", "4294967297", Refuse(Invalid)),
            raw("count", "18446744073709551615", Refuse(Invalid)),
            raw("count", "18446744073709551616", Refuse(Invalid)),
            raw("count", "1.0", Refuse(Invalid)),
            raw("count", "1.5", Refuse(Invalid)),
            raw("count", "1e3", Refuse(Invalid)),
            raw("count", "1E3", Refuse(Invalid)),
            raw("count", "\"5\"", Refuse(Invalid)),
            raw("count", "true", Refuse(Invalid)),
            raw("count", "[5]", Refuse(Invalid)),
            raw("count", "{}", Refuse(Invalid)),
        ],
    );
}

#[test]
fn cost_cents() {
    check(
        ENGAGEMENT,
        vec![
            absent("cost_cents", Accept(|e| assert_eq!(eng(e).cost_cents, 0))),
            raw(
                "cost_cents",
                "null",
                Accept(|e| assert_eq!(eng(e).cost_cents, 0)),
            ),
            raw(
                "cost_cents",
                "0",
                Accept(|e| assert_eq!(eng(e).cost_cents, 0)),
            ),
            raw(
                "cost_cents",
                "12345",
                Accept(|e| assert_eq!(eng(e).cost_cents, 12345)),
            ),
            raw(
                "cost_cents",
                "1000000000000",
                Accept(|e| assert_eq!(eng(e).cost_cents, 1_000_000_000_000)),
            ),
            raw("cost_cents", "1000000000001", Refuse(Invalid)),
            raw("cost_cents", "-1", Refuse(Invalid)),
            raw("cost_cents", "18446744073709551616", Refuse(Invalid)),
            raw("cost_cents", "12.5", Refuse(Invalid)),
            raw("cost_cents", "0.0", Refuse(Invalid)),
            raw("cost_cents", "1e2", Refuse(Invalid)),
            raw("cost_cents", "\"100\"", Refuse(Invalid)),
            raw("cost_cents", "false", Refuse(Invalid)),
            raw("cost_cents", "[]", Refuse(Invalid)),
        ],
    );
}

#[test]
fn program() {
    let mut cases = required("program");
    cases.extend(slug_cases("program"));
    cases.push(text(
        "program",
        "passport",
        Accept(|e| assert_eq!(upt(e).program, "passport")),
    ));
    check(UPTAKE, cases);
}

#[test]
fn service_channel_and_stage() {
    let mut cases = required("service_channel");
    cases.extend(required("stage"));
    cases.extend([
        text("service_channel", "", Refuse(Invalid)),
        text("service_channel", "In_Person", Refuse(Invalid)),
        text("service_channel", "ONLINE", Refuse(Invalid)),
        text("service_channel", "in-person", Refuse(Invalid)),
        text("service_channel", "web", Refuse(Invalid)),
        text("stage", "", Refuse(Invalid)),
        text("stage", "Completed", Refuse(Invalid)),
        text("stage", "complete", Refuse(Invalid)),
        text("stage", "click", Refuse(Invalid)),
    ]);
    check(UPTAKE, cases);
}

#[test]
fn every_service_channel_and_stage_code() {
    for &c in ServiceChannel::ALL {
        let got = run(
            message(Topic::Uptake, "service_channel", Some(&js(c.as_str()))),
            Topic::Uptake,
        );
        assert_eq!(got.map(|e| upt(&e).service_channel), Ok(c));
    }
    for &s in Stage::ALL {
        let got = run(
            message(Topic::Uptake, "stage", Some(&js(s.as_str()))),
            Topic::Uptake,
        );
        assert_eq!(got.map(|e| upt(&e).stage), Ok(s));
    }
}

#[test]
fn uptake_campaign_id_is_optional_and_nullable() {
    let mut cases = not_strings("campaign_id");
    cases.extend(slug_cases("campaign_id"));
    cases.extend([
        absent(
            "campaign_id",
            Accept(|e| assert_eq!(upt(e).campaign_id, None)),
        ),
        raw(
            "campaign_id",
            "null",
            Accept(|e| assert_eq!(upt(e).campaign_id, None)),
        ),
        text(
            "campaign_id",
            "oas-online-2026",
            Accept(|e| assert_eq!(upt(e).campaign_id.as_deref(), Some("oas-online-2026"))),
        ),
    ]);
    check(UPTAKE, cases);
}

#[test]
fn other_topic_s_fields_are_unknown_and_ignored() {
    for (field, value) in [
        ("count", "\"lots\""),
        ("channel", "5"),
        ("action", "null"),
        ("cost_cents", "-1"),
    ] {
        assert!(
            run(message(Topic::Uptake, field, Some(value)), Topic::Uptake).is_ok(),
            "{field}"
        );
    }
    for (field, value) in [
        ("program", "\"OAS!\""),
        ("service_channel", "[]"),
        ("stage", "null"),
    ] {
        assert!(
            run(
                message(Topic::Engagement, field, Some(value)),
                Topic::Engagement
            )
            .is_ok(),
            "{field}"
        );
    }
}

#[test]
fn field_names_are_case_sensitive() {
    // `Event_ID` is an unknown field, so `event_id` is missing.
    let msg =
        message(Topic::Engagement, "event_id", None).replacen('{', r#"{"Event_ID":"web-1","#, 1);
    let r = run(msg, Topic::Engagement).expect_err("missing");
    assert_eq!(
        (r.code, r.detail.as_str()),
        (Missing, "event_id is required")
    );
    // A bad value under a differently-cased optional name is ignored.
    assert!(
        run(
            message(Topic::Engagement, "Region", Some("\"zz\"")),
            Topic::Engagement
        )
        .is_ok()
    );
}

#[test]
fn unknown_fields_are_ignored_whatever_they_hold() {
    for value in [
        "null",
        "1e999",
        "\"x\"",
        "[1,{\"a\":[true]}]",
        "{\"event_id\":5}",
        "-0.5",
    ] {
        for &topic in BOTH {
            assert!(
                run(message(topic, "extra", Some(value)), topic).is_ok(),
                "{value}"
            );
        }
    }
}

#[test]
fn first_bad_field_in_contract_order_decides() {
    use crate::support::{base, render};
    let bad = |topic: Topic, changes: &[(&str, Option<&str>)]| {
        let mut fields = base(topic);
        for (key, value) in changes {
            fields.retain(|(k, _)| k != key);
            if let Some(v) = value {
                fields.insert(0, ((*key).to_owned(), (*v).to_owned()));
            }
        }
        let r = run(render(&fields), topic).expect_err("refused");
        (r.code, r.detail)
    };
    let e = Topic::Engagement;
    let u = Topic::Uptake;
    assert_eq!(
        bad(e, &[("channel", Some("1")), ("event_id", None)]).1,
        "event_id is required"
    );
    assert_eq!(
        bad(e, &[("event_time", Some("1")), ("event_id", Some("\"\""))]).0,
        Invalid
    );
    assert!(
        bad(e, &[("event_time", Some("1")), ("event_id", Some("\"\""))])
            .1
            .starts_with("event_id")
    );
    assert!(
        bad(e, &[("campaign_id", None), ("region", Some("\"zz\""))])
            .1
            .starts_with("region")
    );
    assert!(
        bad(e, &[("client_id", Some("\"\"")), ("segment", Some("1"))])
            .1
            .starts_with("segment")
    );
    assert!(
        bad(e, &[("count", Some("0")), ("action", Some("\"x\""))])
            .1
            .starts_with("action")
    );
    assert!(
        bad(e, &[("cost_cents", Some("-1")), ("count", Some("0"))])
            .1
            .starts_with("count")
    );
    assert!(
        bad(u, &[("campaign_id", Some("\"X\"")), ("stage", None)])
            .1
            .starts_with("stage")
    );
    assert!(
        bad(u, &[("stage", None), ("program", Some("5"))])
            .1
            .starts_with("program")
    );
    // A field fault beats the time window.
    let (code, detail) = bad(
        e,
        &[
            ("event_time", Some("\"2020-01-01T00:00:00Z\"")),
            ("channel", Some("\"x\"")),
        ],
    );
    assert_eq!(code, Invalid, "{detail}");
}

// v1.1 additions (optional fields): `variant`, `office_id`, `fsa`.

#[test]
fn variant_is_an_optional_slug_on_engagement() {
    let mut cases = not_strings("variant");
    cases.extend(slug_cases("variant"));
    cases.extend([
        absent("variant", Accept(|e| assert_eq!(eng(e).variant, None))),
        raw(
            "variant",
            "null",
            Accept(|e| assert_eq!(eng(e).variant, None)),
        ),
        text(
            "variant",
            "plain-language-b",
            Accept(|e| assert_eq!(eng(e).variant.as_deref(), Some("plain-language-b"))),
        ),
        // Exact case, as `campaign_id`: a slug is an identifier, not text.
        text("variant", "Plain-Language-B", Refuse(Invalid)),
    ]);
    check(ENGAGEMENT, cases);
}

#[test]
fn variant_on_uptake_is_an_unknown_field_and_the_uptake_counts() {
    // Valid, invalid and wrongly typed values alike: the uptake is accepted
    // whole (decode.rs says why), as this v1 message was.
    for value in ["\"plain-language-b\"", "\"Not A Slug!\"", "5", "null"] {
        let got = run(
            message(Topic::Uptake, "variant", Some(value)),
            Topic::Uptake,
        )
        .unwrap_or_else(|r| panic!("variant {value} on uptake refused: {r}"));
        assert_eq!(upt(&got).stage, Stage::Completed, "{value}");
    }
}

#[test]
fn office_id_folds_to_upper_case() {
    let mut cases = not_strings("office_id");
    cases.extend([
        absent("office_id", Accept(|e| assert_eq!(e.office_id, None))),
        raw(
            "office_id",
            "null",
            Accept(|e| assert_eq!(e.office_id, None)),
        ),
        text(
            "office_id",
            "ON-0412",
            Accept(|e| assert_eq!(e.office_id.as_deref(), Some("ON-0412"))),
        ),
        text(
            "office_id",
            "on-0412",
            Accept(|e| assert_eq!(e.office_id.as_deref(), Some("ON-0412"))),
        ),
        text(
            "office_id",
            &"q".repeat(16),
            Accept(|e| assert_eq!(e.office_id.as_deref(), Some("Q".repeat(16).as_str()))),
        ),
        text("office_id", &"Q".repeat(17), Refuse(Invalid)),
        text("office_id", "", Refuse(Invalid)),
        text("office_id", "ON 0412", Refuse(Invalid)),
        text("office_id", "ON_0412", Refuse(Invalid)),
        text("office_id", "QC-Montréal", Refuse(Invalid)),
    ]);
    check(BOTH, cases);
}

#[test]
fn fsa_is_three_characters_upper_case_never_a_postal_code() {
    let mut cases = not_strings("fsa");
    cases.extend([
        absent("fsa", Accept(|e| assert_eq!(e.fsa, None))),
        raw("fsa", "null", Accept(|e| assert_eq!(e.fsa, None))),
        text(
            "fsa",
            "K1A",
            Accept(|e| assert_eq!(e.fsa.as_deref(), Some("K1A"))),
        ),
        text(
            "fsa",
            "k2p",
            Accept(|e| assert_eq!(e.fsa.as_deref(), Some("K2P"))),
        ),
        text(
            "fsa",
            "h3Z",
            Accept(|e| assert_eq!(e.fsa.as_deref(), Some("H3Z"))),
        ),
        // A full postal code, with or without its space: never stored.
        text("fsa", "K1A 0B1", Refuse(Invalid)),
        text("fsa", "K1A0B1", Refuse(Invalid)),
        text("fsa", "K1A ", Refuse(Invalid)),
        text("fsa", "K1", Refuse(Invalid)),
        text("fsa", "", Refuse(Invalid)),
        text("fsa", "1KA", Refuse(Invalid)),
        text("fsa", "KKA", Refuse(Invalid)),
        text("fsa", "K11", Refuse(Invalid)),
    ]);
    check(BOTH, cases);
}

#[test]
fn a_postal_code_refusal_does_not_echo_it() {
    let r = run(
        message(Topic::Uptake, "fsa", Some(&js("K1A 0B1"))),
        Topic::Uptake,
    )
    .expect_err("a postal code");
    assert_eq!(r.code, Invalid);
    assert!(r.detail.starts_with("fsa "), "{}", r.detail);
    assert!(!r.detail.contains("0B1"), "{}", r.detail);
}
