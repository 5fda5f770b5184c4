//! Organisations (contract/API.md v1.1, partner departments) on the real
//! pipeline: campaigns owned by ESDC and by IRCC, traffic through the
//! broker and `cmp-ingest`, and tokens of each organisation. A token of
//! one organisation gets a `403` on every route of the other's campaign
//! and of its programs, and sees none of its rows in any list, export or
//! page; it creates campaigns of its own organisation only. A token
//! without an organisation sees both, and `organisation=` narrows its
//! portfolio.

use std::time::Duration;

use chrono::{Duration as Span, SubsecRound, Utc};
use cmp_kpi::{FiscalYear, local_date};
use cmp_tests::api_env::ApiEnv;
use cmp_tests::generate::traffic;
use cmp_tests::http::request;
use cmp_tests::tokens::tokens_toml;
use cmp_tests::{Process, assert_accounted, ledger, migrated};

const TZ: chrono_tz::Tz = chrono_tz::America::Toronto;

/// The campaigns: id, program, owner (the generator's demo campaigns).
const CAMPAIGNS: [(&str, &str, &str); 3] = [
    ("oas-online-2026", "oas", "esdc"),
    ("ei-digital-2026", "ei", "esdc"),
    ("passport-renew-2026", "passport", "ircc"),
];

/// token, name, role, campaigns, organisation.
type TokenRow = (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
);
const TOKENS: [TokenRow; 5] = [
    ("t-admin", "ops", "admin", None, None),
    ("t-adm", "adm-office", "executive", None, None),
    ("t-ircc-exec", "ircc-dg", "executive", None, Some("ircc")),
    (
        "t-ircc",
        "ircc-team",
        "manager",
        Some("[\"*\"]"),
        Some("ircc"),
    ),
    ("t-esdc-exec", "esdc-dg", "executive", None, Some("esdc")),
];

fn tokens_file() -> String {
    TOKENS
        .iter()
        .map(|(token, name, role, campaigns, org)| {
            let entry = tokens_toml(&[(token, name, role, *campaigns)]);
            match org {
                Some(o) => format!("{entry}organisation = \"{o}\"\n\n"),
                None => entry,
            }
        })
        .collect()
}

/// Every read route of a campaign, and its program's.
fn campaign_reads(id: &str, program: &str, fy: &str) -> Vec<String> {
    vec![
        format!("/api/v1/campaigns/{id}"),
        format!("/api/v1/campaigns/{id}/targets"),
        format!("/api/v1/campaigns/{id}/targets?history=true"),
        format!("/api/v1/campaigns/{id}/performance"),
        format!("/api/v1/campaigns/{id}/attainment-history"),
        format!("/api/v1/campaigns/{id}/live"),
        format!("/api/v1/campaigns/{id}/experiments"),
        format!("/api/v1/campaigns/{id}/experiments/atlantic"),
        format!("/api/v1/campaigns/{id}/pacing"),
        format!("/api/v1/campaigns/{id}/anomalies"),
        format!("/api/v1/campaigns/{id}/attribution"),
        format!("/api/v1/campaigns/{id}/variants"),
        format!("/api/v1/programs/{program}/service-costs"),
        format!("/api/v1/programs/{program}/channel-shift"),
        format!("/dashboard/campaigns/{id}"),
        format!("/api/v1/attainment?fiscal_year={fy}&organisation=esdc"),
    ]
}

#[tokio::test]
async fn an_organisation_reads_and_changes_only_its_own_campaigns() {
    let test = "organisations";
    let env = migrated(test, 2).await;
    let ingest = Process::spawn(test, "ingest", "cmp-ingest", &[], &env.vars);
    let api_env = ApiEnv::new(test, &env.vars, &tokens_file());
    let addr = api_env.addr;
    let _api = Process::spawn(test, "api", "cmp-api", &[], &api_env.vars);
    api_env.wait_until_answering().await;

    let now = Utc::now().trunc_subsecs(0) - Span::minutes(1);
    let (_, accepted, messages) = traffic(test, &env, 41, now, 10, 1500);
    ledger::assert_exactly(&env.store, &accepted, Duration::from_secs(120)).await;
    assert_accounted(&ingest, messages).await;

    let today = local_date(now, TZ);
    let fy = FiscalYear::containing(today).to_string();
    for (id, program, owner) in CAMPAIGNS {
        let body = serde_json::json!({"name": {"en": id, "fr": id}, "program": program,
            "start_date": (today - Span::days(20)).to_string(),
            "end_date": (today + Span::days(20)).to_string(), "budget_cents": 100_000,
            "owner": owner});
        let path = format!("/api/v1/campaigns/{id}");
        let r = request(addr, "PUT", &path, Some("t-admin"), Some(&body.to_string())).await;
        assert_eq!(r.status, 201, "{}", r.body);
        let targets = r#"[{"kpi": "clicks", "target": 100}]"#;
        let r = request(
            addr,
            "PUT",
            &format!("{path}/targets"),
            Some("t-admin"),
            Some(targets),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
    }

    // Each organisation's tokens on the other's campaign: 403 everywhere.
    for (token, theirs) in [
        ("t-ircc-exec", "esdc"),
        ("t-ircc", "esdc"),
        ("t-esdc-exec", "ircc"),
    ] {
        for (id, program, _) in CAMPAIGNS.iter().filter(|(_, _, o)| *o == theirs) {
            for path in campaign_reads(id, program, &fy) {
                let r = request(addr, "GET", &path, Some(token), None).await;
                if path.contains("/attainment?") {
                    // The portfolio of another organisation is empty, not refused.
                    assert_eq!(r.status, 200, "{token} {path}: {}", r.body);
                    assert!(!r.body.contains(id), "{token} {path}: {}", r.body);
                } else {
                    assert_eq!(r.status, 403, "{token} GET {path}: {}", r.body);
                }
            }
        }
    }
    // A manager of IRCC changes nothing of ESDC's, and creates only IRCC's.
    let oas = r#"{"name": {"en": "x", "fr": "x"}, "program": "oas", "start_date": "2026-10-01", "end_date": "2027-03-31", "budget_cents": 1}"#;
    for (method, path, body) in [
        ("PUT", "/api/v1/campaigns/oas-online-2026", oas.to_owned()),
        (
            "PUT",
            "/api/v1/campaigns/oas-online-2026/targets",
            "[]".to_owned(),
        ),
        ("PUT", "/api/v1/campaigns/ircc-new-2026", oas.to_owned()),
        (
            "PUT",
            "/api/v1/campaigns/ircc-new-2026",
            oas.replace(
                "\"budget_cents\": 1",
                "\"budget_cents\": 1, \"owner\": \"esdc\"",
            ),
        ),
    ] {
        let r = request(addr, method, path, Some("t-ircc"), Some(&body)).await;
        assert_eq!(r.status, 403, "{method} {path} {body}: {}", r.body);
    }
    // (of IRCC's program: a program is read by the organisations owning
    // one of its campaigns)
    let own = oas
        .replace(
            "\"budget_cents\": 1",
            "\"budget_cents\": 1, \"owner\": \"ircc\"",
        )
        .replace("\"oas\"", "\"passport\"");
    let r = request(
        addr,
        "PUT",
        "/api/v1/campaigns/ircc-new-2026",
        Some("t-ircc"),
        Some(&own),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["owner"], "ircc", "{}", r.body);

    // Lists, exports and pages hold none of the other organisation's rows.
    let lists = [
        "/api/v1/campaigns".to_owned(),
        format!("/api/v1/attainment?fiscal_year={fy}"),
        format!("/api/v1/attainment?fiscal_year={fy}&format=csv"),
        format!("/api/v1/service-inventory?fiscal_year={fy}"),
        format!("/api/v1/service-inventory?fiscal_year={fy}&format=csv"),
        "/dashboard".to_owned(),
        format!("/dashboard/portfolio?fiscal_year={fy}"),
    ];
    for (token, own, other) in [
        ("t-ircc-exec", "ircc", "esdc"),
        ("t-ircc", "ircc", "esdc"),
        ("t-esdc-exec", "esdc", "ircc"),
    ] {
        for path in &lists {
            let r = request(addr, "GET", path, Some(token), None).await;
            assert_eq!(r.status, 200, "{token} {path}: {}", r.body);
            for (id, program, owner) in CAMPAIGNS {
                let shown = if path.contains("service-inventory") {
                    // Rows name programs (the CSV by their labels).
                    r.body.contains(&format!("\"program\":\"{program}\""))
                } else {
                    r.body.contains(id)
                };
                if owner == other {
                    assert!(!shown, "{token} {path} shows {owner}'s {id}: {}", r.body);
                } else if owner == own && !path.contains("inventory") {
                    assert!(shown, "{token} {path} lacks {id}: {}", r.body);
                }
            }
        }
    }
    // Without an organisation: everything; `organisation=` narrows.
    let r = request(addr, "GET", "/api/v1/campaigns", Some("t-adm"), None).await;
    assert!(
        CAMPAIGNS.iter().all(|(id, _, _)| r.body.contains(id)),
        "{}",
        r.body
    );
    let path = format!("/api/v1/attainment?fiscal_year={fy}&organisation=ircc");
    let r = request(addr, "GET", &path, Some("t-adm"), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains("passport-renew-2026") && !r.body.contains("oas-online-2026"),
        "{}",
        r.body
    );
    let r = request(
        addr,
        "GET",
        &format!("/api/v1/attainment?fiscal_year={fy}&organisation=IRCC"),
        Some("t-adm"),
        None,
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("organisation"), "{}", r.body);
}
