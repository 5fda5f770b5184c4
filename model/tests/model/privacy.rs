//! Refusal details go to logs and Kafka headers: they name the field and
//! never echo the value (which may be a client identifier or other payload).

use cmp_model::{RefusalCode, Topic};

use crate::support::{js, message, run};

#[test]
fn details_never_echo_the_value() {
    let secret = "Zq9SecretValue";
    let cases: Vec<(Topic, &str, String)> = vec![
        (Topic::Engagement, "event_id", js(&format!("{secret} x"))),
        (Topic::Engagement, "event_time", js(secret)),
        (
            Topic::Engagement,
            "event_time",
            js(&format!("2026-11-02T14:05:09{secret}")),
        ),
        (Topic::Engagement, "segment", js(&format!("{secret}!"))),
        (Topic::Engagement, "region", js(secret)),
        (Topic::Engagement, "language", js(secret)),
        (
            Topic::Engagement,
            "client_id",
            js(&format!("{secret}{}", "x".repeat(200))),
        ),
        (Topic::Engagement, "campaign_id", js(secret)),
        (Topic::Engagement, "channel", js(secret)),
        (Topic::Engagement, "action", js(secret)),
        (Topic::Engagement, "count", "98765432109876".to_owned()),
        (Topic::Engagement, "cost_cents", "98765432109876".to_owned()),
        (Topic::Engagement, "count", js(secret)),
        (Topic::Uptake, "program", js(secret)),
        (Topic::Uptake, "service_channel", js(secret)),
        (Topic::Uptake, "stage", js(secret)),
        (Topic::Uptake, "campaign_id", js(secret)),
        (Topic::Uptake, "event_id", format!("[{}]", js(secret))),
    ];
    for (topic, field, value) in cases {
        let r = run(message(topic, field, Some(&value)), topic).expect_err("refused");
        assert_eq!(r.code, RefusalCode::InvalidValue, "{field}");
        assert!(r.detail.starts_with(field), "{field}: {}", r.detail);
        assert!(
            !r.detail.contains("Zq9") && !r.detail.contains("98765"),
            "{field}: {}",
            r.detail
        );
        assert!(
            r.detail.is_ascii() && r.detail.len() < 200,
            "{field}: {}",
            r.detail
        );
    }
}

#[test]
fn malformed_details_never_echo_the_input() {
    let inputs = [
        "\"Zq9SecretValue\"".to_owned(),
        "{\"client_id\":\"Zq9SecretValue\"".to_owned(),
        "{\"client_id\":Zq9SecretValue}".to_owned(),
        "{\"client_id\":\"a\"} Zq9SecretValue".to_owned(),
        "Zq9SecretValue".to_owned(),
        "{\"Zq9SecretValue\" 1}".to_owned(),
    ];
    for input in inputs {
        let r = run(&input, Topic::Engagement).expect_err("malformed");
        assert_eq!(r.code, RefusalCode::Malformed, "{input}");
        assert!(!r.detail.contains("Zq9"), "{input}: {}", r.detail);
    }
}

#[test]
fn codes_are_the_contract_s() {
    let codes: Vec<&str> = RefusalCode::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(
        codes,
        [
            "malformed",
            "too_large",
            "missing_field",
            "invalid_value",
            "event_in_future",
            "event_too_old"
        ]
    );
    assert_eq!(
        serde_json::to_string(&RefusalCode::TooLarge).expect("serialises"),
        "\"too_large\""
    );
}
