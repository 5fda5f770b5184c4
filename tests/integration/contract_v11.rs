//! Contract v1.1's optional fields (`variant`, `office_id`, `fsa`) through
//! the real broker, `cmp-ingest` and ClickHouse: stored normalised, v1
//! messages unchanged, bad values refused to the DLQ as `invalid_value`
//! naming the field; and the generator's v1.1 traffic, with its injected
//! effects recorded in the manifest, stored exactly.

use std::collections::BTreeMap;
use std::time::Duration as StdDuration;

use chrono::{Duration, SecondsFormat, Utc};
use cmp_tests::generate::generate;
use cmp_tests::kafka::{header, produce, read_all};
use cmp_tests::{Process, TestEnv, assert_accounted, ledger, migrated};
use rdkafka::Message;

/// (event_id, topic, JSON fields after event_id and event_time).
type Sent = (&'static str, Topic, &'static str);

#[derive(Clone, Copy)]
enum Topic {
    Engagement,
    Uptake,
}

const ACCEPTED: &[Sent] = &[
    // The contract's v1.1 examples, in mixed case.
    (
        "v11-signage",
        Topic::Engagement,
        r#""campaign_id":"oas-online-2026","channel":"signage","action":"impression","count":180,"office_id":"on-0412","region":"ON","language":"en""#,
    ),
    (
        "v11-click",
        Topic::Engagement,
        r#""campaign_id":"oas-online-2026","channel":"social","action":"click","variant":"plain-language-b","fsa":"k2p","region":"ON","client_id":"ga:77.1""#,
    ),
    // `variant` on uptake is not an uptake field: ignored, the uptake counts.
    (
        "v11-served",
        Topic::Uptake,
        r#""program":"oas","service_channel":"in_person","stage":"completed","office_id":"On-0412","fsa":"K2p","variant":"plain-language-b","client_id":"ga:77.1""#,
    ),
    // v1 messages, as before.
    (
        "v1-click",
        Topic::Engagement,
        r#""campaign_id":"oas-online-2026","channel":"web","action":"click","segment":"Seniors""#,
    ),
    (
        "v1-served",
        Topic::Uptake,
        r#""program":"oas","service_channel":"online","stage":"started","campaign_id":null"#,
    ),
    // `null` is absent, as for the v1 optional fields.
    (
        "v11-nulls",
        Topic::Engagement,
        r#""campaign_id":"c","channel":"web","action":"visit","variant":null,"office_id":null,"fsa":null"#,
    ),
];

/// Refused, and the field the refusal must name.
const REFUSED: &[(Sent, &str)] = &[
    (
        (
            "bad-postal-code",
            Topic::Uptake,
            r#""program":"oas","service_channel":"in_person","stage":"completed","fsa":"K1A 0B1""#,
        ),
        "fsa",
    ),
    (
        (
            "bad-postal-code-tight",
            Topic::Engagement,
            r#""campaign_id":"c","channel":"web","action":"click","fsa":"k1a0b1""#,
        ),
        "fsa",
    ),
    (
        (
            "bad-office",
            Topic::Uptake,
            r#""program":"oas","service_channel":"in_person","stage":"completed","office_id":"ON-0412-SOUTH-WING""#,
        ),
        "office_id",
    ),
    (
        (
            "bad-variant",
            Topic::Engagement,
            r#""campaign_id":"c","channel":"social","action":"click","variant":"Plain B""#,
        ),
        "variant",
    ),
];

fn topic_name(env: &TestEnv, topic: Topic) -> &str {
    match topic {
        Topic::Engagement => &env.settings.topics.engagement,
        Topic::Uptake => &env.settings.topics.uptake,
    }
}

async fn send(env: &TestEnv, (id, topic, rest): Sent) {
    let at = (Utc::now() - Duration::minutes(10)).to_rfc3339_opts(SecondsFormat::Millis, true);
    let payload = format!(r#"{{"event_id":"{id}","event_time":"{at}",{rest}}}"#);
    produce(&env.brokers, topic_name(env, topic), id, payload.as_bytes()).await;
}

#[tokio::test]
async fn v11_fields_are_stored_normalised_v1_still_passes_and_bad_values_go_to_the_dlq() {
    let test = "contract_v11";
    let env = migrated(test, 1).await;
    let ingest = Process::spawn(test, "ingest", "cmp-ingest", &[], &env.vars);
    for &sent in ACCEPTED {
        send(&env, sent).await;
    }
    for &(sent, _) in REFUSED {
        send(&env, sent).await;
    }
    let (stored, _, refused) =
        assert_accounted(&ingest, (ACCEPTED.len() + REFUSED.len()) as u64).await;
    assert_eq!(
        (stored as usize, refused as usize),
        (ACCEPTED.len(), REFUSED.len())
    );

    let rows: Vec<(String, String, String, String)> = env
        .store
        .client
        .query("SELECT event_id, variant, office_id, fsa FROM events ORDER BY event_id")
        .fetch_all()
        .await
        .expect("ledger");
    let row = |id: &str, variant: &str, office: &str, fsa: &str| {
        (
            id.to_owned(),
            variant.to_owned(),
            office.to_owned(),
            fsa.to_owned(),
        )
    };
    assert_eq!(
        rows,
        vec![
            row("v1-click", "", "", ""),
            row("v1-served", "", "", ""),
            row("v11-click", "plain-language-b", "", "K2P"),
            row("v11-nulls", "", "", ""),
            row("v11-served", "", "ON-0412", "K2P"),
            row("v11-signage", "", "ON-0412", ""),
        ]
    );

    let dlq: BTreeMap<String, (String, String)> = read_all(&env.brokers, &env.settings.topics.dlq)
        .iter()
        .map(|m| {
            let key = String::from_utf8_lossy(m.key().expect("key")).into_owned();
            let code = header(m, "cmp-error").expect("cmp-error");
            let detail = header(m, "cmp-error-detail").expect("cmp-error-detail");
            (key, (code, detail))
        })
        .collect();
    assert_eq!(dlq.len(), REFUSED.len(), "{dlq:?}");
    for ((id, _, _), field) in REFUSED {
        let (code, detail) = dlq
            .get(*id)
            .unwrap_or_else(|| panic!("{id} not in the DLQ"));
        assert_eq!(code, "invalid_value", "{id}");
        assert!(detail.starts_with(&format!("{field} ")), "{id}: {detail}");
        assert!(
            !detail.contains("0B1") && !detail.contains("0b1"),
            "{detail}"
        );
    }
}

#[tokio::test]
async fn generated_v11_traffic_with_injected_effects_reaches_the_ledger_exactly() {
    let test = "contract_v11_gen";
    let env = migrated(test, 2).await;
    let ingest = Process::spawn(test, "ingest", "cmp-ingest", &[], &env.vars);
    let today = Utc::now().date_naive();
    let period = format!("{}..{}", today - Duration::days(1), today);
    let manifest = generate(
        test,
        &env,
        "gen",
        71,
        3000,
        &[
            "--lift",
            "50",
            "--lift-treated",
            "ON,QC",
            "--lift-period",
            &period,
            "--conversion",
            "0.2",
            "--variant-lift",
            "plain-language-b=30",
        ],
    );
    let effects = manifest
        .effects
        .as_ref()
        .expect("the manifest records the effects");
    assert_eq!(effects["lift"]["percent"], 50.0);
    assert_eq!(effects["lift"]["treated"], serde_json::json!(["ON", "QC"]));
    assert_eq!(
        effects["conversion"]["variant_lift"]["variant"],
        "plain-language-b"
    );
    ledger::assert_exactly(&env.store, &manifest.accepted, StdDuration::from_secs(60)).await;
    assert_accounted(&ingest, manifest.messages).await;

    // The v1.1 columns as the contract stores them.
    let (variants, offices, fsas): (Vec<String>, u64, u64) = env
        .store
        .client
        .query(
            "SELECT groupUniqArray(variant), countIf(office_id != ''), countIf(fsa != '') FROM events",
        )
        .fetch_one()
        .await
        .expect("v1.1 columns");
    let mut variants = variants;
    variants.sort();
    assert_eq!(variants, ["", "control", "plain-language-b"]);
    assert!(offices > 0 && fsas > 0, "{offices} offices, {fsas} FSAs");
    let lower: u64 = env
        .store
        .client
        .query(
            "SELECT count() FROM events WHERE office_id != upper(office_id) OR fsa != upper(fsa)",
        )
        .fetch_one()
        .await
        .expect("case");
    assert_eq!(lower, 0, "office_id and fsa are stored upper-case");
}
