//! Every example of the contract's Examples section is accepted with the
//! right normalised values.

use chrono::{DateTime, Utc};
use cmp_model::{
    Action, Body, Channel, Engagement, Event, Language, Region, ServiceChannel, Stage, Topic,
    Uptake,
};

use crate::support::{run, utc};

const EXAMPLES: [(&str, Topic); 4] = [
    (
        r#"{"event_id":"sig-0b7e-000193","event_time":"2026-11-02T14:05:09-05:00","campaign_id":"oas-online-2026","channel":"signage","action":"impression","count":240,"segment":"seniors","region":"ON","language":"en"}"#,
        Topic::Engagement,
    ),
    (
        r#"{"event_id":"web-7f3a91","event_time":"2026-11-02T19:06:41.120Z","campaign_id":"oas-online-2026","channel":"social","action":"click","segment":"Seniors","region":"qc","language":"FR","client_id":"ga:1849302.77"}"#,
        Topic::Engagement,
    ),
    (
        r#"{"event_id":"crm-55102","event_time":"2026-11-03T15:30:00Z","program":"oas","service_channel":"online","stage":"completed","campaign_id":"oas-online-2026","segment":"seniors","region":"QC","language":"fr","client_id":"ga:1849302.77"}"#,
        Topic::Uptake,
    ),
    (
        r#"{"event_id":"crm-55103","event_time":"2026-11-03T15:42:00Z","program":"oas","service_channel":"in_person","stage":"completed","campaign_id":null,"region":"MB"}"#,
        Topic::Uptake,
    ),
];

fn expected() -> [Event; 4] {
    let t = |s: &str| -> DateTime<Utc> { utc(s) };
    [
        Event {
            event_id: "sig-0b7e-000193".into(),
            event_time: t("2026-11-02T19:05:09Z"),
            segment: "seniors".into(),
            region: Region::On,
            language: Language::En,
            client_id: None,
            office_id: None,
            fsa: None,
            body: Body::Engagement(Engagement {
                campaign_id: "oas-online-2026".into(),
                channel: Channel::Signage,
                action: Action::Impression,
                count: 240,
                cost_cents: 0,
                variant: None,
            }),
        },
        Event {
            event_id: "web-7f3a91".into(),
            event_time: t("2026-11-02T19:06:41.120Z"),
            segment: "seniors".into(),
            region: Region::Qc,
            language: Language::Fr,
            client_id: Some("ga:1849302.77".into()),
            office_id: None,
            fsa: None,
            body: Body::Engagement(Engagement {
                campaign_id: "oas-online-2026".into(),
                channel: Channel::Social,
                action: Action::Click,
                count: 1,
                cost_cents: 0,
                variant: None,
            }),
        },
        Event {
            event_id: "crm-55102".into(),
            event_time: t("2026-11-03T15:30:00Z"),
            segment: "seniors".into(),
            region: Region::Qc,
            language: Language::Fr,
            client_id: Some("ga:1849302.77".into()),
            office_id: None,
            fsa: None,
            body: Body::Uptake(Uptake {
                program: "oas".into(),
                service_channel: ServiceChannel::Online,
                stage: Stage::Completed,
                campaign_id: Some("oas-online-2026".into()),
            }),
        },
        Event {
            event_id: "crm-55103".into(),
            event_time: t("2026-11-03T15:42:00Z"),
            segment: "unspecified".into(),
            region: Region::Mb,
            language: Language::Und,
            client_id: None,
            office_id: None,
            fsa: None,
            body: Body::Uptake(Uptake {
                program: "oas".into(),
                service_channel: ServiceChannel::InPerson,
                stage: Stage::Completed,
                campaign_id: None,
            }),
        },
    ]
}

#[test]
fn contract_examples_are_accepted_and_normalised() {
    for ((text, topic), want) in EXAMPLES.iter().zip(expected()) {
        let got = run(text, *topic).unwrap_or_else(|r| panic!("{text}: refused {r}"));
        assert_eq!(got, want, "{text}");
        assert_eq!(got.topic(), *topic);
    }
}

#[test]
fn examples_keep_millisecond_precision() {
    let got = run(EXAMPLES[1].0, Topic::Engagement).expect("accepted");
    assert_eq!(got.event_time.timestamp_subsec_millis(), 120);
}

#[test]
fn examples_on_the_wrong_topic_miss_that_topic_s_fields() {
    let r = run(EXAMPLES[0].0, Topic::Uptake).expect_err("engagement on uptake");
    assert_eq!(
        (r.code.as_str(), r.detail.as_str()),
        ("missing_field", "program is required")
    );
    let r = run(EXAMPLES[3].0, Topic::Engagement).expect_err("uptake on engagement");
    assert_eq!(
        (r.code.as_str(), r.detail.as_str()),
        ("missing_field", "campaign_id is null")
    );
}

#[test]
fn debug_output_redacts_the_client_id() {
    let got = run(EXAMPLES[1].0, Topic::Engagement).expect("accepted");
    let printed = format!("{got:?}");
    assert!(!printed.contains("1849302"), "{printed}");
    assert!(printed.contains("<redacted>"), "{printed}");
}

/// The examples of the contract's "v1.1 additions" section.
const EXAMPLES_V11: [(&str, Topic); 3] = [
    (
        r#"{"event_id":"sig-4410-000912","event_time":"2026-12-01T10:15:00-05:00","campaign_id":"oas-online-2026","channel":"signage","action":"impression","count":180,"office_id":"ON-0412","region":"ON","language":"en"}"#,
        Topic::Engagement,
    ),
    (
        r#"{"event_id":"fb-99a1","event_time":"2026-12-01T18:02:11Z","campaign_id":"oas-online-2026","channel":"social","action":"click","variant":"plain-language-b","fsa":"k2p","region":"ON","language":"en","client_id":"ga:77.1"}"#,
        Topic::Engagement,
    ),
    (
        r#"{"event_id":"crm-70001","event_time":"2026-12-04T15:30:00Z","program":"oas","service_channel":"in_person","stage":"completed","office_id":"on-0412","fsa":"K2P","region":"ON","language":"en","client_id":"ga:77.1"}"#,
        Topic::Uptake,
    ),
];

#[test]
fn v11_examples_are_accepted_and_normalised() {
    let now = utc("2026-12-05T00:00:00Z");
    let decode = |(text, topic): (&str, Topic)| {
        cmp_model::decode(text.as_bytes(), topic, now, &Default::default())
    };
    let signage = decode(EXAMPLES_V11[0]).expect("signage");
    assert_eq!(
        (signage.office_id.as_deref(), signage.fsa.as_deref()),
        (Some("ON-0412"), None)
    );
    let click = decode(EXAMPLES_V11[1]).expect("click");
    assert_eq!(click.fsa.as_deref(), Some("K2P"));
    let Body::Engagement(e) = &click.body else {
        panic!("not an engagement")
    };
    assert_eq!(e.variant.as_deref(), Some("plain-language-b"));
    let served = decode(EXAMPLES_V11[2]).expect("in person");
    assert_eq!(
        (served.office_id.as_deref(), served.fsa.as_deref()),
        (Some("ON-0412"), Some("K2P"))
    );
    assert_eq!(
        served.body,
        Body::Uptake(Uptake {
            program: "oas".into(),
            service_channel: ServiceChannel::InPerson,
            stage: Stage::Completed,
            campaign_id: None,
        })
    );
}
