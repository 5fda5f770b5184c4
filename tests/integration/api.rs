//! The HTTP API against real ClickHouse: the router (`app(state)
//! .oneshot`) for campaigns, targets and their history, rights by role,
//! 404s, small cells, labels in French, the portfolio as JSON and CSV and
//! the attainment history; then the real `cmp-api` binary over HTTP on
//! the real pipeline (broker, `cmp-ingest`): the performance figures equal
//! a brute-force count of the generated events, and the live feed
//! delivers new events (the delay is measured and printed, not asserted).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::{DateTime, Duration as Span, NaiveDate, SubsecRound, Utc};
use chrono_tz::Tz;
use cmp_aggregator::history::{HistoryRow, write as write_history};
use cmp_api::tokens::Tokens;
use cmp_api::{AppState, Rules, app};
use cmp_kpi::{Dimension, FiscalYear, Granularity, Kpi, Measures, bucket_start, local_date};
use cmp_loadgen::{GenConfig, demo_campaigns};
use cmp_model::Event;
use cmp_report::REACH_RSE;
use cmp_store::{EventRow, KIND_ENGAGEMENT, KIND_UPTAKE};
use cmp_tests::api_env::ApiEnv;
use cmp_tests::brute::{brute, dim_value, regenerate};
use cmp_tests::generate::generate;
use cmp_tests::http::{EventStream, request};
use cmp_tests::{Process, free_addr, ledger, migrated, wait_until};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

const TZ: Tz = chrono_tz::America::Toronto;

/// The test tokens: token, name, role, campaigns.
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

fn tokens_toml() -> String {
    cmp_tests::tokens::tokens_toml(&TOKENS)
}

/// The response of one request through the router: status, content type, body.
async fn call(
    state: &AppState,
    method: Method,
    uri: &str,
    token: &str,
    json: Option<&str>,
) -> (StatusCode, String, String) {
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    if json.is_some() {
        req = req.header(header::CONTENT_TYPE, "application/json");
    }
    let body = Body::from(json.unwrap_or_default().to_owned());
    let response = app(state.clone())
        .oneshot(req.body(body).expect("request"))
        .await
        .expect("response");
    let status = response.status();
    let kind = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    if kind.starts_with("text/event-stream") {
        return (status, kind, String::new()); // an endless stream: the head is the answer
    }
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (status, kind, String::from_utf8_lossy(&bytes).into_owned())
}

async fn json(
    state: &AppState,
    method: Method,
    uri: &str,
    token: &str,
    body: Option<&str>,
) -> (StatusCode, Value) {
    let (status, _, text) = call(state, method, uri, token, body).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn campaign_body(en: &str, fr: &str, from: NaiveDate, to: NaiveDate, program: &str) -> String {
    serde_json::json!({
        "name": {"en": en, "fr": fr},
        "program": program,
        "start_date": from.to_string(),
        "end_date": to.to_string(),
        "budget_cents": 250_000_000_u64,
    })
    .to_string()
}

/// A ledger row of one uptake or engagement event of `campaign`, an hour ago.
fn row(i: u64, kind: i8, campaign: &str, segment: &str) -> EventRow {
    let at = u32::try_from((Utc::now() - Span::hours(1)).timestamp()).expect("fits");
    let engagement = kind == KIND_ENGAGEMENT;
    EventRow {
        src_topic: "t".into(),
        src_partition: 0,
        src_offset: i,
        kind,
        event_id: format!("r-{i}"),
        event_time: at,
        event_ms: i64::from(at) * 1000,
        campaign_id: campaign.into(),
        channel: if engagement { "web".into() } else { "".into() },
        action: if engagement {
            "click".into()
        } else {
            "".into()
        },
        count: if engagement { 3 } else { 0 },
        cost_cents: if engagement { 100 } else { 0 },
        program: if engagement {
            String::new()
        } else {
            "oas".into()
        },
        service_channel: if engagement {
            "".into()
        } else {
            "online".into()
        },
        stage: if engagement {
            "".into()
        } else {
            "completed".into()
        },
        segment: segment.into(),
        region: "QC".into(),
        language: "fr".into(),
        client_hash: if engagement {
            format!("{i:064x}")
        } else {
            String::new()
        },
        ingested_at: at,
        variant: String::new(),
        office_id: String::new(),
        fsa: String::new(),
    }
}

#[tokio::test]
async fn the_router_serves_campaigns_targets_reports_by_role() {
    let test = "api_router";
    let env = migrated(test, 1).await;
    let (_stop, shutdown) = cmp_process::Shutdown::new();
    let state = AppState::new(
        env.store.clone(),
        Rules::from_settings(&env.settings),
        Tokens::parse(&tokens_toml()).expect("tokens"),
        shutdown,
    );
    let s = &state;
    let today = local_date(Utc::now(), TZ);
    let (start, end) = (today - Span::days(30), today + Span::days(60));
    // A name that needs every CSV escape: comma, quotes, line break, accents.
    let fr_name = "Demandez la SV, \"vite\"\nen ligne — Île";
    let oas = "/api/v1/campaigns/oas-online-2026";

    // Campaigns: create (201), replace (200), rights by role.
    let body = campaign_body("Apply for OAS online", fr_name, start, end, "oas");
    assert_eq!(
        json(s, Method::PUT, oas, "t-oas", Some(&body)).await.0,
        StatusCode::CREATED
    );
    let (status, c) = json(
        s,
        Method::PUT,
        &format!("{oas}?lang=fr"),
        "t-oas",
        Some(&body),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (c["display_name"].as_str(), c["program_label"].as_str()),
        (Some(fr_name), Some("Sécurité de la vieillesse"))
    );
    let ei = campaign_body("EI online", "AE en ligne", start, end, "ei");
    assert_eq!(
        json(
            s,
            Method::PUT,
            "/api/v1/campaigns/ei-2026",
            "t-oas",
            Some(&ei)
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        json(
            s,
            Method::PUT,
            "/api/v1/campaigns/ei-2026",
            "t-exec",
            Some(&ei)
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        json(
            s,
            Method::PUT,
            "/api/v1/campaigns/ei-2026",
            "t-all",
            Some(&ei)
        )
        .await
        .0,
        StatusCode::CREATED
    );
    let old_from = NaiveDate::from_ymd_opt(2020, 4, 1).expect("date");
    let old = campaign_body("Old", "Vieille", old_from, old_from + Span::days(30), "cpp");
    assert_eq!(
        json(
            s,
            Method::PUT,
            "/api/v1/campaigns/old-2020",
            "t-admin",
            Some(&old)
        )
        .await
        .0,
        StatusCode::CREATED
    );
    let ids = |v: &Value| -> Vec<String> {
        v.as_array()
            .expect("list")
            .iter()
            .map(|c| c["id"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    assert_eq!(
        ids(&json(s, Method::GET, "/api/v1/campaigns", "t-oas", None)
            .await
            .1),
        ["oas-online-2026"]
    );
    assert_eq!(
        ids(&json(s, Method::GET, "/api/v1/campaigns", "t-exec", None)
            .await
            .1),
        ["ei-2026", "oas-online-2026", "old-2020"]
    );
    assert_eq!(
        json(s, Method::GET, "/api/v1/campaigns/ei-2026", "t-oas", None)
            .await
            .0,
        StatusCode::FORBIDDEN
    );

    // Unknown campaigns: 404 on every campaign route (for a caller who may read it).
    for (method, path, body) in [
        (Method::GET, "", None),
        (Method::GET, "/targets", None),
        (Method::PUT, "/targets", Some("[]")),
        (Method::GET, "/performance", None),
        (Method::GET, "/attainment-history", None),
        (Method::GET, "/live", None),
    ] {
        let uri = format!("/api/v1/campaigns/nope-2026{path}");
        let (status, v) = json(s, method.clone(), &uri, "t-admin", body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {uri}: {v}");
        assert_eq!(v["error"]["code"], "not_found");
    }

    // Targets: validation names the target and field; versions keep who and when.
    let targets = format!("{oas}/targets");
    let bad = [
        (
            r#"[{"kpi":"clicks","target":1},{"kpi":"clicks","target":1,"region":"ZZ"}]"#.to_owned(),
            "[1].region",
        ),
        (
            format!(
                r#"[{{"kpi":"clicks","target":1,"from":"{}"}}]"#,
                start - Span::days(1)
            ),
            "[0].from",
        ),
        (
            r#"[{"kpi":"conversions","target":1}]"#.to_owned(),
            "targets",
        ),
    ];
    for (body, field) in bad {
        let (status, v) = json(s, Method::PUT, &targets, "t-oas", Some(&body)).await;
        assert_eq!(
            (status, v["error"]["parameter"].as_str()),
            (StatusCode::BAD_REQUEST, Some(field)),
            "{body}"
        );
    }
    let v1 = r#"[{"kpi":"clicks","target":10}]"#;
    assert_eq!(
        json(s, Method::PUT, &targets, "t-oas", Some(v1)).await.0,
        StatusCode::OK
    );
    assert_eq!(
        json(s, Method::PUT, &targets, "t-exec", Some(v1)).await.0,
        StatusCode::FORBIDDEN
    );
    let v2 = r#"[{"kpi":"uptake_completed","target":100,"segment":"seniors"},
                 {"kpi":"clicks","target":100000,"region":"QC"},
                 {"kpi":"uptake_completed","target":1000}]"#;
    let (status, set) = json(s, Method::PUT, &targets, "t-admin", Some(v2)).await;
    assert_eq!(
        (status, set["changed_by"].as_str()),
        (StatusCode::OK, Some("ops"))
    );
    let (_, history) = json(
        s,
        Method::GET,
        &format!("{targets}?history=true&lang=fr"),
        "t-oas",
        None,
    )
    .await;
    let versions = history["versions"].as_array().expect("versions");
    let by: Vec<&str> = versions
        .iter()
        .filter_map(|v| v["changed_by"].as_str())
        .collect();
    assert_eq!(by, ["ops", "oas-team"]);
    assert!(versions.iter().all(|v| v["changed_at"].as_str().is_some()));
    assert_eq!(versions[0]["targets"][1]["kpi_label"], "Clics");
    let (_, current) = json(s, Method::GET, &targets, "t-exec", None).await;
    assert_eq!(current["targets"].as_array().map(Vec::len), Some(3));

    // Data: 4 completed uptakes from seniors, 30 from youth, 20 clicks events.
    let mut rows: Vec<EventRow> = (0..4)
        .map(|i| row(i, KIND_UPTAKE, "oas-online-2026", "seniors"))
        .collect();
    rows.extend((4..34).map(|i| row(i, KIND_UPTAKE, "oas-online-2026", "youth")));
    rows.extend((34..54).map(|i| row(i, KIND_ENGAGEMENT, "oas-online-2026", "youth")));
    ledger::insert_rows(&env.store, &rows).await;

    // Small cells: hidden for all but admins, with the complementary cell.
    let perf = format!("{oas}/performance?by=segment&lang=fr");
    let (status, p) = json(s, Method::GET, &perf, "t-exec", None).await;
    assert_eq!(status, StatusCode::OK, "{p}");
    // Non-admins see client counts randomly rounded to a multiple of 5.
    assert_eq!(p["rounded"], 5);
    let completed = p["totals"]["uptake_completed"].as_u64();
    assert!(
        matches!(completed, Some(30 | 35)),
        "34 rounded: {completed:?}"
    );
    assert_eq!(p["totals"]["clicks"], 60);
    assert_eq!(p["totals"]["reach"], 20);
    assert_eq!(p["totals"]["reach_rse"], REACH_RSE);
    assert_eq!(p["totals"]["suppressed"], false);
    let groups = p["groups"].as_array().expect("groups");
    assert_eq!(groups.len(), 2);
    for g in groups {
        assert_eq!(g["uptake_completed"], Value::Null, "{g}");
        assert_eq!(g["suppressed"], true, "{g}");
        assert_eq!(
            g["suppressed_kpis"],
            serde_json::json!([
                "uptake_completed",
                "cost_per_uptake_cents",
                "program_uptake_completed",
                "program_online_share"
            ]),
            "a ratio of a hidden count is hidden with it"
        );
    }
    assert_eq!(groups[1]["clicks"], 60, "clicks are not client counts");
    assert_eq!(p["targets"][0]["actual"], Value::Null);
    assert_eq!(p["targets"][0]["suppressed"], true);
    let actual = p["targets"][2]["actual"].as_f64();
    assert!(
        actual == completed.map(|c| c as f64),
        "the target's actual is the total as published: {actual:?}"
    );
    // French labels.
    assert_eq!(p["campaign_name"], fr_name);
    assert_eq!(p["kpi_labels"]["uptake_completed"], "Demandes complétées");
    assert_eq!(p["targets"][1]["narrowing_labels"]["region"], "Québec");
    let off = p["targets"][1]["status_label"].as_str().expect("label");
    assert_eq!(off, "Hors trajectoire", "{}", p["targets"][1]);
    let (_, admin) = json(s, Method::GET, &perf, "t-admin", None).await;
    let counts: Vec<&Value> = admin["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| &g["uptake_completed"])
        .collect();
    assert_eq!(counts, [&Value::from(4), &Value::from(30)]);
    assert_eq!(admin["totals"]["uptake_completed"], 34);
    assert_eq!(admin["rounded"], Value::Null, "admins see exact values");
    assert_eq!(admin["targets"][0]["actual"], 4.0);
    assert_eq!(admin["targets"][2]["actual"], 34.0);
    let (_, series) = json(
        s,
        Method::GET,
        &format!("{oas}/performance?granularity=day"),
        "t-admin",
        None,
    )
    .await;
    assert_eq!(series["series"].as_array().map(Vec::len), Some(31));

    // Every role may read what it should: 200 on every read route.
    let fy = FiscalYear::containing(today);
    for token in ["t-admin", "t-exec", "t-oas", "t-all"] {
        for uri in [
            "/api/v1/campaigns".to_owned(),
            "/api/v1/openapi.json".to_owned(),
            oas.to_owned(),
            targets.clone(),
            format!("{targets}?history=true"),
            format!("{oas}/performance?by=region,channel&granularity=week&lang=fr"),
            format!("{oas}/attainment-history"),
            format!("{oas}/live"),
            format!("/api/v1/attainment?fiscal_year={fy}"),
            format!(
                "/api/v1/attainment?fiscal_year={}&format=csv",
                fy.start_year()
            ),
        ] {
            let (status, kind, text) = call(s, Method::GET, &uri, token, None).await;
            assert_eq!(status, StatusCode::OK, "{token} {uri}: {text}");
            if uri.ends_with("/live") {
                assert!(kind.starts_with("text/event-stream"), "{kind}");
            }
        }
    }

    // The portfolio: campaigns of the year the caller may read, riskiest first.
    let (_, all) = json(
        s,
        Method::GET,
        &format!("/api/v1/attainment?fiscal_year={fy}"),
        "t-exec",
        None,
    )
    .await;
    let rows = all["rows"].as_array().expect("rows");
    assert_eq!(
        rows.len(),
        3,
        "old-2020 is outside the year; ei-2026 has no targets"
    );
    let ranks: Vec<&str> = rows.iter().filter_map(|r| r["status"].as_str()).collect();
    assert!(ranks.iter().all(|s| *s == "off_track"), "{ranks:?}");
    let (_, mine) = json(
        s,
        Method::GET,
        &format!("/api/v1/attainment?fiscal_year={fy}"),
        "t-oas",
        None,
    )
    .await;
    assert!(
        mine["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .all(|r| r["campaign"] == "oas-online-2026")
    );
    let (_, kind, csv) = call(
        s,
        Method::GET,
        &format!("/api/v1/attainment?fiscal_year={fy}&format=csv&lang=fr"),
        "t-exec",
        None,
    )
    .await;
    assert!(kind.starts_with("text/csv"), "{kind}");
    assert!(
        csv.starts_with("\u{feff}Exercice financier,Identifiant de la campagne,Campagne,"),
        "{csv}"
    );
    let quoted = "\"Demandez la SV, \"\"vite\"\"\nen ligne — Île\"";
    assert_eq!(csv.matches(quoted).count(), 3, "{csv}");
    assert!(csv.contains("Donnée supprimée (petit nombre)"), "{csv}");
    assert_eq!(
        csv.matches("\r\n").count(),
        4,
        "header and three records: {csv}"
    );

    // Attainment history: recorded snapshots, small ones hidden. A snapshot
    // judged the target set in force when it was recorded, and PUTs within
    // one second stamp their sets up to a few seconds ahead: the newest
    // snapshot is recorded no earlier than the current set.
    let (_, current) = json(s, Method::GET, &format!("{oas}/targets"), "t-admin", None).await;
    let current: DateTime<Utc> = current["changed_at"]
        .as_str()
        .and_then(|t| t.parse().ok())
        .expect("the current target set's changed_at");
    let now = Utc::now().max(current).trunc_subsecs(0) + Span::seconds(1);
    let history_rows: Vec<HistoryRow> = [(2, false, 3.0), (1, false, 4.0), (0, true, 40.0)]
        .iter()
        .map(|&(hours, eod, actual)| HistoryRow {
            campaign_id: "oas-online-2026".into(),
            target_index: 0,
            kpi: "uptake_completed".into(),
            target: 100.0,
            recorded_at: u32::try_from((now - Span::hours(hours)).timestamp()).expect("fits"),
            end_of_day: u8::from(eod),
            actual: Some(actual),
            attainment: Some(actual / 100.0),
            pace: Some(actual / 50.0),
            status: "off_track".into(),
        })
        .collect();
    write_history(&env.store, &history_rows)
        .await
        .expect("history");
    let trend = format!("{oas}/attainment-history?lang=fr");
    let (_, h) = json(s, Method::GET, &trend, "t-oas", None).await;
    let points = h["targets"][0]["points"].as_array().expect("points");
    let actuals: Vec<&Value> = points.iter().map(|p| &p["actual"]).collect();
    assert_eq!(actuals, [&Value::Null, &Value::Null, &Value::from(40.0)]);
    assert_eq!(points[0]["status_label"], "Hors trajectoire");
    let (_, h) = json(
        s,
        Method::GET,
        &format!("{trend}&end_of_day=true&target=0"),
        "t-admin",
        None,
    )
    .await;
    assert_eq!(h["targets"][0]["points"].as_array().map(Vec::len), Some(1));
    let (_, h) = json(
        s,
        Method::GET,
        &format!("{oas}/attainment-history?target=1"),
        "t-admin",
        None,
    )
    .await;
    assert_eq!(h["targets"], serde_json::json!([]));
}

// ---------------------------------------------------------------------------

/// Checks a row of KPIs against the brute force: sums exact, ratios to
/// rounding, reach within three standard errors.
fn assert_kpis(got: &Value, want: &Measures, what: &str) {
    for kpi in Kpi::ALL {
        let g = got[kpi.as_str()].as_f64();
        let w = want.value(kpi);
        match (kpi, g, w) {
            (Kpi::Reach, Some(g), Some(w)) => {
                assert!(
                    (g - w).abs() <= 3.0 * REACH_RSE * w + 0.5,
                    "{what} reach {g} vs {w}"
                );
            }
            (k, Some(g), Some(w)) if k.is_ratio() => {
                assert!(
                    (g - w).abs() <= 1e-9 * w.abs().max(1.0),
                    "{what} {k}: {g} vs {w}"
                );
            }
            (k, g, w) => assert_eq!(g, w, "{what} {k}"),
        }
    }
}

fn kpis_of(events: &[Event], c: &cmp_store::Campaign, from: NaiveDate, to: NaiveDate) -> Measures {
    let range = cmp_kpi::DateRange { from, to }.utc_bounds(TZ);
    brute(events, c, range, &BTreeMap::new(), |_| ())
        .remove(&())
        .unwrap_or_default()
        .measures()
}

#[tokio::test]
async fn the_api_binary_reports_the_pipeline_s_numbers_live() {
    let test = "api_e2e";
    let env = migrated(test, 2).await;
    let ingest = Process::spawn(test, "ingest", "cmp-ingest", &[], &env.vars);
    let api_env = ApiEnv::new(test, &env.vars, &tokens_toml());
    let addr = api_env.addr;
    let mut api = Process::spawn(test, "api", "cmp-api", &[], &api_env.vars);
    api_env.wait_until_answering().await;

    // Traffic over the last two days for the demo campaigns.
    let now = Utc::now().trunc_subsecs(0) - Span::minutes(1);
    let now_text = now.to_rfc3339();
    let extra = [
        "--now",
        now_text.as_str(),
        "--spread",
        "2d",
        "--clients",
        "2000",
    ];
    let manifest = generate(test, &env, "gen1", 41, 2000, &extra);
    let config = |seed| GenConfig {
        seed,
        now,
        spread: Span::days(2),
        clients_per_campaign: 2000,
        ..GenConfig::default()
    };
    let mut events: Vec<Event> = regenerate(config(41), 2000, Utc::now())
        .into_iter()
        .map(|(_, e)| e)
        .collect();
    let mut accepted = manifest.accepted.clone();
    ledger::assert_exactly(&env.store, &accepted, Duration::from_secs(120)).await;

    // The campaigns, created over HTTP.
    let today = local_date(Utc::now(), TZ);
    let campaigns: Vec<cmp_store::Campaign> = demo_campaigns()
        .into_iter()
        .map(|c| cmp_store::Campaign {
            id: c.id.clone(),
            name_en: format!("{} (en)", c.id),
            name_fr: format!("{} (fr)", c.id),
            program: c.program.clone(),
            start_date: today - Span::days(10),
            end_date: today + Span::days(20),
            budget_cents: 250_000_000,
            flight_plan: String::new(),
        })
        .collect();
    for c in &campaigns {
        let body = campaign_body(&c.name_en, &c.name_fr, c.start_date, c.end_date, &c.program);
        let r = request(
            addr,
            "PUT",
            &format!("/api/v1/campaigns/{}", c.id),
            Some("t-admin"),
            Some(&body),
        )
        .await;
        assert_eq!(r.status, 201, "{}", r.body);
    }

    // Performance over HTTP = brute force: totals, groups, daily series, as_of.
    let (from, to) = (today - Span::days(3), today);
    let by = [Dimension::Channel, Dimension::Region];
    for c in &campaigns {
        let path = format!(
            "/api/v1/campaigns/{}/performance?from={from}&to={to}&by=channel,region&granularity=day",
            c.id
        );
        let r = request(addr, "GET", &path, Some("t-admin"), None).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let got = r.json();
        let range = cmp_kpi::DateRange { from, to }.utc_bounds(TZ);
        let none = BTreeMap::new();
        let total = brute(&events, c, range, &none, |_| ())
            .remove(&())
            .unwrap_or_default();
        assert_kpis(
            &got["totals"],
            &total.measures(),
            &format!("{} totals", c.id),
        );
        assert!(
            got["totals"]["impressions"].as_u64() > Some(0),
            "{} has traffic",
            c.id
        );
        let as_of = got["as_of"]
            .as_str()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.timestamp());
        assert_eq!(as_of, total.newest_hour, "{} as_of", c.id);
        let want = brute(&events, c, range, &none, |e| {
            by.iter().map(|d| dim_value(e, *d)).collect::<Vec<_>>()
        });
        let groups = got["groups"].as_array().expect("groups");
        assert_eq!(groups.len(), want.len(), "{} groups", c.id);
        for (g, (key, tally)) in groups.iter().zip(&want) {
            let got_key = [
                g["key"]["channel"].as_str().unwrap_or_default(),
                g["key"]["region"].as_str().unwrap_or_default(),
            ];
            assert_eq!(
                got_key.to_vec(),
                key.iter().map(String::as_str).collect::<Vec<_>>(),
                "{} group",
                c.id
            );
            assert_kpis(g, &tally.measures(), &format!("{} group {key:?}", c.id));
        }
        let days = brute(&events, c, range, &none, |e| {
            bucket_start(e.event_time, Granularity::Day, TZ)
        });
        let series = got["series"].as_array().expect("series");
        assert_eq!(series.len(), 4);
        for p in series {
            let start = p["start"]
                .as_str()
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                .expect("start")
                .with_timezone(&Utc);
            let tally = days.get(&start).cloned().unwrap_or_default();
            assert_kpis(p, &tally.measures(), &format!("{} day {start}", c.id));
        }
    }

    // Live: the first update is the current state; new events arrive.
    let c = &campaigns[0];
    let live = format!("/api/v1/campaigns/{}/live", c.id);
    let mut stream = EventStream::open(addr, &live, "t-admin", None).await;
    assert_eq!(stream.status, 200);
    let first = stream
        .next(Duration::from_secs(30))
        .await
        .expect("a first update");
    assert_eq!(first.event.as_deref(), Some("update"));
    let first_json: Value = serde_json::from_str(&first.data).expect("json");
    let flight_so_far = |events: &[Event]| kpis_of(events, c, c.start_date, today);
    assert_kpis(
        &first_json["totals"],
        &flight_so_far(&events),
        "live, first",
    );
    let gauge = api.metric_sum("cmp_api_live_clients").await;
    assert_eq!(gauge, Some(1.0), "one open stream");
    // Updates are stamped as they arrive, while the test waits on the ledger.
    let (tx, mut updates) = tokio::sync::mpsc::unbounded_channel();
    let reader = tokio::spawn(async move {
        while let Some(update) = stream.next(Duration::from_secs(120)).await {
            if tx.send((Instant::now(), update)).is_err() {
                break;
            }
        }
    });

    let extra = [
        "--now",
        now_text.as_str(),
        "--spread",
        "1h",
        "--clients",
        "2000",
    ];
    let manifest = generate(test, &env, "gen2", 42, 300, &extra);
    let produced = Instant::now();
    let more = regenerate(
        GenConfig {
            spread: Span::hours(1),
            ..config(42)
        },
        300,
        Utc::now(),
    );
    events.extend(more.into_iter().map(|(_, e)| e));
    accepted.extend(manifest.accepted);
    let rows = accepted.len() as u64;
    let stored = loop {
        if ledger::row_count(&env.store).await.is_ok_and(|n| n >= rows) {
            break Instant::now();
        }
        assert!(
            produced.elapsed() < Duration::from_secs(120),
            "new events not stored"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    ledger::assert_exactly(&env.store, &accepted, Duration::from_secs(120)).await;
    let want = flight_so_far(&events);
    let (arrived, last) = loop {
        let (at, update) = tokio::time::timeout(Duration::from_secs(60), updates.recv())
            .await
            .ok()
            .flatten()
            .expect("an update with the new events");
        let v: Value = serde_json::from_str(&update.data).expect("json");
        if v["totals"]["impressions"].as_f64() == want.value(Kpi::Impressions) {
            assert_kpis(&v["totals"], &want, "live, after new events");
            break (at, update);
        }
    };
    reader.abort();
    let ms = |from: Instant, to: Instant| match to.checked_duration_since(from) {
        Some(d) => d.as_millis() as i128,
        None => -(from.duration_since(to).as_millis() as i128),
    };
    eprintln!(
        "live: new events stored {} ms after they were produced (±50 ms); the update carrying them arrived {} ms after they were stored ({} ms after produced)",
        ms(produced, stored),
        ms(stored, arrived),
        ms(produced, arrived)
    );

    // The performance route computed before the new events (kept while the
    // data did not change) now shows them: the data version moved.
    let path = format!(
        "/api/v1/campaigns/{}/performance?from={from}&to={to}&by=channel,region&granularity=day",
        c.id
    );
    let range = cmp_kpi::DateRange { from, to }.utc_bounds(TZ);
    let want = brute(&events, c, range, &BTreeMap::new(), |_| ())
        .remove(&())
        .unwrap_or_default()
        .measures();
    let refreshed = wait_until(
        "the report to show the new events",
        Duration::from_secs(10),
        || async {
            let got = request(addr, "GET", &path, Some("t-admin"), None)
                .await
                .json();
            if got["totals"]["impressions"].as_f64() == want.value(Kpi::Impressions) {
                Ok(got)
            } else {
                Err(format!("{} impressions", got["totals"]["impressions"]))
            }
        },
    )
    .await;
    assert_kpis(&refreshed["totals"], &want, "performance after new events");
    eprintln!(
        "performance: new events shown within {} ms of being stored",
        stored.elapsed().as_millis()
    );
    // This process's own target change shows at once (read-your-writes).
    let targets = format!("/api/v1/campaigns/{}/targets", c.id);
    let set = r#"[{"kpi": "clicks", "target": 123456}]"#;
    let r = request(addr, "PUT", &targets, Some("t-admin"), Some(set)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let got = request(addr, "GET", &path, Some("t-admin"), None)
        .await
        .json();
    assert_eq!(
        got["targets"][0]["target"].as_f64(),
        Some(123456.0),
        "{got}"
    );

    // A reconnect with the last id gets nothing old: its first update is new data.
    let mut resumed = EventStream::open(addr, &live, "t-admin", last.id.as_deref()).await;
    let manifest = generate(test, &env, "gen3", 43, 50, &extra);
    accepted.extend(manifest.accepted);
    let next = resumed
        .next(Duration::from_secs(60))
        .await
        .expect("an update after the reconnect");
    assert_ne!(next.id, last.id);
    assert_ne!(next.data, last.data);

    let metrics = api.get("/metrics").await.expect("metrics").1;
    assert!(metrics.contains(r#"cmp_api_http_requests_total{method="GET",route="/api/v1/campaigns/{campaign_id}/performance",status="200"}"#), "{metrics}");
    assert!(
        metrics.contains("cmp_api_http_request_duration_seconds_bucket"),
        "{metrics}"
    );
    // SIGTERM ends the open stream and the process.
    let (status, took) = api.terminate(Duration::from_secs(10));
    assert!(status.success(), "api exit {status:?}");
    eprintln!(
        "api stopped in {} ms with a live stream open",
        took.as_millis()
    );
    assert!(
        resumed.next(Duration::from_secs(5)).await.is_none(),
        "the stream ended"
    );
    drop(ingest);
}

#[tokio::test]
async fn the_api_refuses_to_start_without_valid_tokens_or_a_disclosure_key() {
    let test = "api_tokens";
    let env = migrated(test, 1).await;
    let log = || {
        std::fs::read_to_string(
            cmp_tests::bin_path("cmp-api").with_file_name(format!("test-logs/{test}/cmp-api.log")),
        )
        .unwrap_or_default()
    };
    assert!(!cmp_tests::run(test, "cmp-api", &[], &env.vars).success());
    assert!(
        log().contains("CMP_API_TOKENS_FILE is required"),
        "{}",
        log()
    );
    let bad = std::env::temp_dir().join(format!("cmp-{test}-{}.toml", std::process::id()));
    std::fs::write(&bad, tokens_toml().replace("\"executive\"", "\"boss\"")).expect("write");
    let vars = env.with("CMP_API_TOKENS_FILE", &bad.display().to_string());
    assert!(!cmp_tests::run(test, "cmp-api", &[], &vars).success());
    assert!(
        log().contains("token 2 (\"adm-office\"): `role` must be manager, executive or admin"),
        "{}",
        log()
    );
    // Valid tokens, but no disclosure key (or a rounding base of 0).
    std::fs::write(&bad, tokens_toml()).expect("write");
    let without_key = |vars: Vec<(String, String)>| -> Vec<(String, String)> {
        vars.into_iter()
            .filter(|(k, _)| k != "CMP_DISCLOSURE_KEY")
            .collect()
    };
    let vars = without_key(env.with("CMP_API_TOKENS_FILE", &bad.display().to_string()));
    assert!(!cmp_tests::run(test, "cmp-api", &[], &vars).success());
    assert!(
        log().contains("CMP_DISCLOSURE_KEY is required"),
        "{}",
        log()
    );
    let mut vars = env.with("CMP_ROUNDING_BASE", "0");
    vars.push(("CMP_API_TOKENS_FILE".into(), bad.display().to_string()));
    assert!(!cmp_tests::run(test, "cmp-api", &[], &vars).success());
    assert!(log().contains("CMP_ROUNDING_BASE"), "{}", log());
    let _ = std::fs::remove_file(&bad);
    // The local demo: no file and no disclosure key, the public demo token.
    let addr = free_addr();
    let mut vars = without_key(env.with("CMP_DEMO", "true"));
    vars.push(("CMP_API_ADDR".into(), addr.to_string()));
    let _api = Process::spawn(test, "demo-api", "cmp-api", &[], &vars);
    let r = wait_until("the demo API answers", Duration::from_secs(30), || async {
        match tokio::time::timeout(Duration::from_secs(5), tokio::net::TcpStream::connect(addr))
            .await
        {
            Ok(Ok(_)) => Ok(request(
                addr,
                "GET",
                "/api/v1/campaigns",
                Some(cmp_api::tokens::DEMO_TOKEN),
                None,
            )
            .await),
            other => Err(format!("{other:?}")),
        }
    })
    .await;
    assert_eq!((r.status, r.body.as_str()), (200, "[]"));
}
