//! Router tests that need no ClickHouse: authentication (401), rights
//! that are decided before any read (403), parameter and body validation
//! (400 naming the parameter), unknown routes and methods, body limits,
//! the request timeout, the OpenAPI document's coverage of the router and
//! the metrics' route labels. The store points at a port that refuses or
//! never answers; whatever reaches it would fail the test. Tests with
//! data are in tests/integration/api.rs.

use std::collections::BTreeSet;
use std::net::TcpListener;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

use super::ROUTES;
use crate::tokens::{Tokens, sha256_hex};
use crate::{AppState, Rules, app};

const TOKENS: [(&str, &str, &str, Option<&str>); 4] = [
    ("t-admin", "ops", "admin", None),
    ("t-exec", "adm-office", "executive", None),
    (
        "t-oas",
        "oas-team",
        "manager",
        Some("[\"oas-online-2026\"]"),
    ),
    ("t-all", "every-manager", "manager", Some("[\"*\"]")),
];

fn tokens() -> Tokens {
    let text: String = TOKENS
        .iter()
        .map(|(token, name, role, campaigns)| {
            let campaigns = campaigns.map_or(String::new(), |c| format!("campaigns = {c}\n"));
            format!(
                "[[token]]\nname = \"{name}\"\nsha256 = \"{}\"\nrole = \"{role}\"\n{campaigns}\n",
                sha256_hex(token)
            )
        })
        .collect();
    Tokens::parse(&text).expect("valid tokens")
}

/// State whose store is at `url` (nothing a test reaches should read it).
fn state_at(url: &str) -> (AppState, tokio::sync::watch::Sender<bool>) {
    let settings =
        cmp_config::Settings::from_vars([("CMP_CLICKHOUSE_URL", url)]).expect("settings");
    let (stop, shutdown) = cmp_process::Shutdown::new();
    let state = AppState::new(
        cmp_store::Store::new(&settings),
        Rules::from_settings(&settings),
        tokens(),
        shutdown,
    );
    (state, stop)
}

fn state() -> (AppState, tokio::sync::watch::Sender<bool>) {
    state_at("http://127.0.0.1:1")
}

async fn call(
    state: &AppState,
    method: Method,
    uri: &str,
    token: Option<&str>,
    body: Option<(&str, Vec<u8>)>,
) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let body = match body {
        Some((content_type, bytes)) => {
            req = req.header(header::CONTENT_TYPE, content_type);
            Body::from(bytes)
        }
        None => Body::empty(),
    };
    let response = app(state.clone())
        .oneshot(req.body(body).expect("request"))
        .await
        .expect("response");
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, json)
}

fn code(json: &Value) -> &str {
    json["error"]["code"].as_str().unwrap_or("")
}

const CAMPAIGN: &[u8] = br#"{"name": {"en": "Apply for OAS online", "fr": "Demandez la SV en ligne"},
 "program": "oas", "start_date": "2026-10-01", "end_date": "2027-03-31", "budget_cents": 250000000}"#;

/// Every `/api/` route with a method, on a campaign `id`.
fn api_calls(id: &str) -> Vec<(Method, String)> {
    vec![
        (Method::GET, "/api/v1/openapi.json".into()),
        (Method::GET, "/api/v1/campaigns".into()),
        (Method::GET, format!("/api/v1/campaigns/{id}")),
        (Method::PUT, format!("/api/v1/campaigns/{id}")),
        (Method::GET, format!("/api/v1/campaigns/{id}/targets")),
        (Method::PUT, format!("/api/v1/campaigns/{id}/targets")),
        (Method::GET, format!("/api/v1/campaigns/{id}/performance")),
        (
            Method::GET,
            format!("/api/v1/campaigns/{id}/attainment-history"),
        ),
        (Method::GET, format!("/api/v1/campaigns/{id}/live")),
        (Method::GET, "/api/v1/attainment?fiscal_year=2026-27".into()),
        (Method::GET, "/api/v1/programs/oas/service-costs".into()),
        (Method::PUT, "/api/v1/programs/oas/service-costs".into()),
        (Method::GET, "/api/v1/programs/oas/channel-shift".into()),
        (
            Method::GET,
            "/api/v1/service-inventory?fiscal_year=2026-27".into(),
        ),
        (Method::GET, format!("/api/v1/campaigns/{id}/experiments")),
        (
            Method::GET,
            format!("/api/v1/campaigns/{id}/experiments/atlantic"),
        ),
        (
            Method::PUT,
            format!("/api/v1/campaigns/{id}/experiments/atlantic"),
        ),
        (Method::GET, format!("/api/v1/campaigns/{id}/pacing")),
        (Method::GET, format!("/api/v1/campaigns/{id}/anomalies")),
        (Method::GET, format!("/api/v1/campaigns/{id}/attribution")),
        (Method::GET, format!("/api/v1/campaigns/{id}/variants")),
        (Method::GET, "/api/v1/offices".into()),
        (Method::GET, "/api/v1/offices/ON-0001".into()),
        (Method::PUT, "/api/v1/offices/ON-0001".into()),
        (Method::GET, "/api/v1/offices/ON-0001/performance".into()),
    ]
}

const OFFICE: &[u8] = br#"{"name": {"en": "Ottawa Centre", "fr": "Ottawa-Centre"}, "region": "ON", "fsas": ["K2P", "K1A"]}"#;

/// The office example with `from` replaced by `to`.
fn office_with(from: &str, to: &str) -> Sent {
    let body = String::from_utf8_lossy(OFFICE).replacen(from, to, 1);
    Some(("application/json", body.into_bytes()))
}

const EXPERIMENT: &[u8] =
    br#"{"unit": "region", "treated": ["NS", "NB"], "control": ["PE", "NL", "MB", "SK"],
 "kpi": "program_uptake_completed", "pre_from": "2026-08-01", "pre_to": "2026-09-30",
 "from": "2026-10-01", "to": "2026-11-30"}"#;

/// The experiment example with `from` replaced by `to`.
fn experiment_with(from: &str, to: &str) -> Sent {
    let body = String::from_utf8_lossy(EXPERIMENT).replacen(from, to, 1);
    Some(("application/json", body.into_bytes()))
}

/// A request body: content type and bytes.
type Sent = Option<(&'static str, Vec<u8>)>;

fn body_for(method: &Method, uri: &str) -> Option<(&'static str, Vec<u8>)> {
    (method == Method::PUT).then(|| {
        let bytes = if uri.ends_with("/targets") || uri.ends_with("/service-costs") {
            b"[]".to_vec()
        } else if uri.contains("/experiments/") {
            EXPERIMENT.to_vec()
        } else if uri.contains("/offices/") {
            OFFICE.to_vec()
        } else {
            CAMPAIGN.to_vec()
        };
        ("application/json", bytes)
    })
}

#[tokio::test]
async fn every_api_route_needs_a_known_token() {
    let (state, _stop) = state();
    for (method, uri) in api_calls("oas-online-2026") {
        for token in [None, Some("nope"), Some(""), Some("T-ADMIN")] {
            let (status, json) =
                call(&state, method.clone(), &uri, token, body_for(&method, &uri)).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {uri} {token:?}");
            assert_eq!(code(&json), "unauthorized");
        }
    }
    // Another scheme is not a bearer token.
    let req = Request::get("/api/v1/campaigns")
        .header(header::AUTHORIZATION, "Basic dC1hZG1pbg==")
        .body(Body::empty())
        .expect("request");
    let response = app(state.clone()).oneshot(req).await.expect("response");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        response
            .headers()
            .get(header::WWW_AUTHENTICATE)
            .map(|v| v.as_bytes()),
        Some(&b"Bearer"[..])
    );
    let (status, _) = call(&state, Method::GET, "/healthz", None, None).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn rights_are_checked_before_anything_is_read() {
    let (state, _stop) = state();
    // A manager on a campaign that is not its own: every campaign route.
    for (method, uri) in api_calls("ei-2026") {
        if !uri.contains("ei-2026") {
            continue;
        }
        let (status, json) = call(
            &state,
            method.clone(),
            &uri,
            Some("t-oas"),
            body_for(&method, &uri),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {uri}");
        assert_eq!(code(&json), "forbidden");
        assert!(
            json["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("oas-team"))
        );
    }
    // Unit costs are changed by admins only: every other role, before
    // anything is read (the store is unreachable here).
    let costs = "/api/v1/programs/oas/service-costs";
    for token in ["t-exec", "t-oas", "t-all"] {
        let (status, json) = call(
            &state,
            Method::PUT,
            costs,
            Some(token),
            body_for(&Method::PUT, costs),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{token}: {json}");
        assert!(
            json["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("admins only")),
            "{json}"
        );
    }
    // Offices are changed by admins only, before anything is read.
    let office = "/api/v1/offices/ON-0001";
    for token in ["t-exec", "t-oas", "t-all"] {
        let (status, json) = call(
            &state,
            Method::PUT,
            office,
            Some(token),
            body_for(&Method::PUT, office),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{token}: {json}");
        assert!(
            json["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("admins only")),
            "{json}"
        );
    }
    // An executive changes nothing, even on a campaign that exists nowhere.
    for uri in [
        "/api/v1/campaigns/oas-online-2026",
        "/api/v1/campaigns/oas-online-2026/targets",
        "/api/v1/campaigns/oas-online-2026/experiments/atlantic",
    ] {
        let (status, _) = call(
            &state,
            Method::PUT,
            uri,
            Some("t-exec"),
            body_for(&Method::PUT, uri),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{uri}");
    }
}

#[tokio::test]
async fn bad_input_is_a_400_naming_the_parameter() {
    let (state, _stop) = state();
    let perf = "/api/v1/campaigns/oas-online-2026/performance";
    let shift = "/api/v1/programs/oas/channel-shift";
    let exp = "/api/v1/campaigns/oas-online-2026/experiments";
    #[rustfmt::skip]
    let table: Vec<(Method, String, Sent, &str)> = vec![
        (Method::GET, format!("{perf}?from=2026-02-30"), None, "from"),
        (Method::GET, format!("{perf}?to=tomorrow"), None, "to"),
        (Method::GET, format!("{perf}?from=2026-12-02&to=2026-12-01"), None, "from"),
        (Method::GET, format!("{perf}?by=segment,colour"), None, "by"),
        (Method::GET, format!("{perf}?granularity=month"), None, "granularity"),
        (Method::GET, format!("{perf}?granularity=hour&from=2020-01-01&to=2026-01-01"), None, "granularity"),
        (Method::GET, format!("{perf}?lang=de"), None, "lang"),
        (Method::GET, format!("{perf}?format=csv"), None, "format"),
        (Method::GET, "/api/v1/campaigns?lang=FR".into(), None, "lang"),
        (Method::GET, "/api/v1/campaigns/Not_A_Slug".into(), None, "campaign_id"),
        (Method::GET, "/api/v1/campaigns/-x/performance".into(), None, "campaign_id"),
        (Method::GET, "/api/v1/campaigns/oas-online-2026/targets?history=yes".into(), None, "history"),
        (Method::GET, "/api/v1/campaigns/oas-online-2026/attainment-history?target=first".into(), None, "target"),
        (Method::GET, "/api/v1/campaigns/oas-online-2026/attainment-history?end_of_day=1".into(), None, "end_of_day"),
        (Method::GET, "/api/v1/campaigns/oas-online-2026/live?lang=es".into(), None, "lang"),
        (Method::GET, "/api/v1/attainment".into(), None, "fiscal_year"),
        (Method::GET, "/api/v1/attainment?fiscal_year=2026-28".into(), None, "fiscal_year"),
        (Method::GET, "/api/v1/attainment?fiscal_year=FY26".into(), None, "fiscal_year"),
        (Method::GET, "/api/v1/attainment?fiscal_year=2026&format=xlsx".into(), None, "format"),
        (Method::GET, "/api/v1/attainment?fiscal_year=2026&fiscal_year=2027".into(), None, "fiscal_year"),
        (Method::PUT, "/api/v1/campaigns/oas-online-2026".into(), Some(("application/json", b"{not json".to_vec())), "body"),
        (Method::PUT, "/api/v1/campaigns/oas-online-2026".into(), Some(("application/json", String::from_utf8_lossy(CAMPAIGN).replace("2027-03-31", "2026-03-31").into_bytes())), "end_date"),
        (Method::PUT, "/api/v1/campaigns/oas-online-2026".into(), Some(("application/json", String::from_utf8_lossy(CAMPAIGN).replace("\"oas\"", "\"OAS!\"").into_bytes())), "program"),
        (Method::PUT, "/api/v1/campaigns/oas-online-2026?lang=xx".into(), Some(("application/json", CAMPAIGN.to_vec())), "lang"),
        (Method::GET, format!("{shift}?from=2026-02-30"), None, "from"),
        (Method::GET, format!("{shift}?to=2026-13-01"), None, "to"),
        (Method::GET, format!("{shift}?baseline_from=last-year"), None, "baseline_from"),
        (Method::GET, format!("{shift}?baseline_to=2026-1-1"), None, "baseline_to"),
        (Method::GET, format!("{shift}?from=2026-12-02&to=2026-12-01"), None, "from"),
        (Method::GET, format!("{shift}?baseline_from=2025-12-02&baseline_to=2025-12-01"), None, "baseline_from"),
        (Method::GET, format!("{shift}?by=region"), None, "by"),
        (Method::GET, format!("{shift}?lang=de"), None, "lang"),
        (Method::GET, "/api/v1/programs/OAS!/channel-shift".into(), None, "program"),
        (Method::GET, "/api/v1/programs/-x/service-costs".into(), None, "program"),
        (Method::GET, "/api/v1/programs/oas/service-costs?history=1".into(), None, "history"),
        (Method::GET, "/api/v1/service-inventory".into(), None, "fiscal_year"),
        (Method::GET, "/api/v1/service-inventory?fiscal_year=2026-28".into(), None, "fiscal_year"),
        (Method::GET, "/api/v1/service-inventory?fiscal_year=2026&format=xml".into(), None, "format"),
        (Method::GET, "/api/v1/service-inventory?fiscal_year=2026&lang=es".into(), None, "lang"),
        (Method::GET, "/api/v1/campaigns/oas-online-2026/experiments?lang=de".into(), None, "lang"),
        (Method::GET, "/api/v1/campaigns/oas-online-2026/experiments/Atlantic".into(), None, "experiment_id"),
        (Method::GET, format!("{exp}/atlantic?history=yes"), None, "history"),
        (Method::GET, "/api/v1/campaigns/Oas/experiments/atlantic".into(), None, "campaign_id"),
        (Method::PUT, format!("{exp}/-x"), experiment_with("", ""), "experiment_id"),
        (Method::PUT, format!("{exp}/atlantic"), experiment_with("\"region\"", "\"county\""), "unit"),
        (Method::PUT, format!("{exp}/atlantic"), experiment_with("\"NB\"", "\"N.B.\""), "treated[1]"),
        (Method::PUT, format!("{exp}/atlantic"), experiment_with("\"PE\"", "\"NS\""), "control[0]"),
        (Method::PUT, format!("{exp}/atlantic"), experiment_with("program_uptake_completed", "reach"), "kpi"),
        (Method::PUT, format!("{exp}/atlantic"), experiment_with("2026-09-30", "2026-07-30"), "pre_to"),
        (Method::PUT, format!("{exp}/atlantic"), experiment_with("2026-10-01", "2026-09-01"), "from"),
        (Method::PUT, format!("{exp}/atlantic"), experiment_with("\"to\": \"2026-11-30\"", "\"to\": \"2026-11-30\", \"treated_from\": {\"NB\": \"2026-10-08\"}"), "treated_from"),
        (Method::GET, "/api/v1/offices/ON_1".into(), None, "office_id"),
        (Method::GET, "/api/v1/offices/ON-0001/performance?from=2026-02-30".into(), None, "from"),
        (Method::GET, "/api/v1/offices/ON-0001/performance?from=2026-12-02&to=2026-12-01".into(), None, "from"),
        (Method::GET, "/api/v1/offices/ON-0001/performance?by=region".into(), None, "by"),
        (Method::GET, "/api/v1/offices/ON-0001?history=1".into(), None, "history"),
        (Method::GET, "/api/v1/offices?lang=de".into(), None, "lang"),
        (Method::PUT, "/api/v1/offices/ON-00001-ABCDEFGHIJ".into(), office_with("", ""), "office_id"),
    ];
    for (method, uri, body, parameter) in table {
        for token in ["t-admin", "t-oas"] {
            let (status, json) =
                call(&state, method.clone(), &uri, Some(token), body.clone()).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{method} {uri}: {json}");
            assert_eq!(code(&json), "bad_request", "{uri}");
            assert_eq!(
                json["error"]["parameter"], parameter,
                "{method} {uri}: {json}"
            );
            let message = json["error"]["message"].as_str().unwrap_or("");
            assert!(
                !message.is_empty() && !message.contains("clickhouse"),
                "{message}"
            );
        }
    }
}

#[tokio::test]
async fn a_bad_office_is_a_400_naming_the_field() {
    let (state, _stop) = state();
    let uri = "/api/v1/offices/ON-0001";
    for (body, parameter) in [
        (office_with("\"ON\"", "\"ONT\""), "region"),
        (office_with("\"K1A\"", "\"K1A 0B1\""), "fsas[1]"),
        (
            office_with("\"fr\": \"Ottawa-Centre\"", "\"fr\": \"\""),
            "name.fr",
        ),
        (office_with("\"region\"", "\"province\""), "province"),
    ] {
        let (status, json) = call(&state, Method::PUT, uri, Some("t-admin"), body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{json}");
        assert_eq!(json["error"]["parameter"], parameter, "{json}");
    }
}

#[tokio::test]
async fn axum_rejections_have_the_error_shape() {
    let (state, _stop) = state();
    let uri = "/api/v1/campaigns/oas-online-2026";
    let admin = Some("t-admin");
    let (status, json) = call(&state, Method::GET, "/api/v1/nothing-here", admin, None).await;
    assert_eq!((status, code(&json)), (StatusCode::NOT_FOUND, "not_found"));
    let (status, json) = call(&state, Method::DELETE, uri, admin, None).await;
    assert_eq!(
        (status, code(&json)),
        (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed")
    );
    let (status, json) = call(
        &state,
        Method::PUT,
        uri,
        admin,
        Some(("text/plain", CAMPAIGN.to_vec())),
    )
    .await;
    assert_eq!(
        (status, code(&json)),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
    );
    let (status, json) = call(&state, Method::PUT, uri, admin, None).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{json}");
    let big = vec![b' '; crate::BODY_LIMIT + 1];
    let (status, json) = call(
        &state,
        Method::PUT,
        uri,
        admin,
        Some(("application/json", big)),
    )
    .await;
    assert_eq!(
        (status, code(&json)),
        (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
    );
    // ClickHouse down: a 503 that says nothing of it.
    let (status, json) = call(&state, Method::GET, uri, admin, None).await;
    assert_eq!(
        (status, code(&json)),
        (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
        "{json}"
    );
    assert!(
        !json.to_string().to_lowercase().contains("clickhouse"),
        "{json}"
    );
}

#[tokio::test]
async fn a_request_that_hangs_times_out() {
    // A listener that accepts connections (kernel backlog) and never answers.
    let silent = TcpListener::bind("127.0.0.1:0").expect("bind");
    let (mut state, _stop) = state_at(&format!("http://{}", silent.local_addr().expect("addr")));
    state.request_timeout = Duration::from_millis(300);
    let (status, json) = call(
        &state,
        Method::GET,
        "/api/v1/campaigns",
        Some("t-exec"),
        None,
    )
    .await;
    assert_eq!(
        (status, code(&json)),
        (StatusCode::SERVICE_UNAVAILABLE, "timeout"),
        "{json}"
    );
}

#[tokio::test]
async fn the_openapi_document_covers_every_route_and_method() {
    let (state, _stop) = state();
    let (status, doc) = call(
        &state,
        Method::GET,
        "/api/v1/openapi.json",
        Some("t-oas"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    let paths = doc["paths"].as_object().expect("paths");
    let documented: BTreeSet<&str> = paths.keys().map(String::as_str).collect();
    let routed: BTreeSet<&str> = ROUTES
        .into_iter()
        .chain(super::programs::ROUTES)
        .chain(super::attribution::ROUTES)
        .chain(super::offices::ROUTES)
        .chain(crate::pages::ROUTES)
        .chain(crate::pages::offices::ROUTES)
        .collect();
    assert_eq!(documented, routed);
    // Each documented method is routed (not a 404 or 405).
    for (path, item) in paths {
        let concrete = path
            .replace("{campaign_id}", "oas-online-2026")
            .replace("{program}", "oas")
            .replace("{experiment_id}", "atlantic")
            .replace("{office_id}", "ON-0001");
        for method in item.as_object().expect("item").keys() {
            let m: Method = method.to_uppercase().parse().expect("method");
            let body = body_for(&m, &concrete);
            let (status, _) = call(&state, m.clone(), &concrete, Some("t-admin"), body).await;
            assert_ne!(status, StatusCode::NOT_FOUND, "{m} {path}");
            assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{m} {path}");
        }
    }
    for schema in [
        "PerformanceView",
        "PortfolioView",
        "KpiValues",
        "TargetResult",
        "ErrorBody",
        "LiveView",
        "HistoryView",
        "CampaignBody",
        "TargetBody",
        "ChannelShiftView",
        "MixView",
        "InventoryView",
        "CostsView",
        "CostBody",
        "ExperimentBody",
        "ExperimentView",
        "ResultView",
    ] {
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

#[tokio::test]
async fn metrics_are_labelled_by_route_template() {
    let (state, _stop) = state();
    call(
        &state,
        Method::GET,
        "/api/v1/campaigns/ei-2026/performance",
        Some("t-oas"),
        None,
    )
    .await;
    call(
        &state,
        Method::GET,
        "/api/v1/campaigns/cpp-2026/performance",
        None,
        None,
    )
    .await;
    let families = state.metrics.registry.gather();
    let requests = families
        .iter()
        .find(|f| f.name() == "cmp_api_http_requests_total")
        .expect("requests metric");
    let mut seen = Vec::new();
    for m in requests.get_metric() {
        let labels: Vec<(String, String)> = m
            .get_label()
            .iter()
            .map(|l| (l.name().to_owned(), l.value().to_owned()))
            .collect();
        seen.push(labels);
    }
    let route = |labels: &Vec<(String, String)>, name: &str| {
        labels
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    assert!(
        seen.iter()
            .all(|l| route(l, "route") == "/api/v1/campaigns/{campaign_id}/performance"),
        "{seen:?}"
    );
    let statuses: BTreeSet<String> = seen.iter().map(|l| route(l, "status")).collect();
    assert_eq!(
        statuses,
        BTreeSet::from(["401".to_owned(), "403".to_owned()])
    );
    assert!(
        families
            .iter()
            .any(|f| f.name() == "cmp_api_http_request_duration_seconds")
    );
    assert!(families.iter().any(|f| f.name() == "cmp_api_live_clients"));
}
