//! The dashboard against real ClickHouse: through the router, what each
//! role sees on each page (a manager only its campaign, escaped names,
//! French labels); then the real `cmp-api` and `cmp-ingest` on generated
//! traffic, driven by headless Chromium (`tests/browser/dashboard.mjs`:
//! sign-in, the three pages and the offices pages in both languages, live totals moving while
//! this test produces events, keyboard navigation, the CSV, axe-core;
//! a registered geographic experiment on the campaign page and in the
//! portfolio).
//! Screenshots go to `target/test-logs/dashboard_browser/`; the pages'
//! weights are printed.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::{Duration as Span, SubsecRound, TimeZone, Utc};
use cmp_aggregator::history::{HistoryRow, write as write_history};
use cmp_api::tokens::Tokens;
use cmp_api::{AppState, Rules, app};
use cmp_kpi::local_date;
use cmp_loadgen::demo_campaigns;
use cmp_tests::api_env::ApiEnv;
use cmp_tests::generate::generate;
use cmp_tests::http::request;
use cmp_tests::services::repo_root;
use cmp_tests::{Process, bin_path, ledger, migrated};
use http_body_util::BodyExt;
use tokio::io::{AsyncBufReadExt, BufReader};
use tower::ServiceExt;

const TZ: chrono_tz::Tz = chrono_tz::America::Toronto;

const TOKENS: [(&str, &str, &str, Option<&str>); 2] = [
    ("t-admin", "ops", "admin", None),
    (
        "t-oas",
        "oas-team",
        "manager",
        Some("[\"oas-online-2026\"]"),
    ),
];

fn tokens_toml() -> String {
    cmp_tests::tokens::tokens_toml(&TOKENS)
}

/// A campaign's body: the flight around today.
fn campaign(en: &str, fr: &str, program: &str) -> String {
    let today = local_date(Utc::now(), TZ);
    serde_json::json!({
        "name": {"en": en, "fr": fr},
        "program": program,
        "start_date": (today - Span::days(20)).to_string(),
        "end_date": (today + Span::days(40)).to_string(),
        "budget_cents": 250_000_000_u64,
    })
    .to_string()
}

/// Targets that end up in several statuses.
const TARGETS: &str = r#"[{"kpi":"uptake_completed","target":5000},
 {"kpi":"reach","target":2000},
 {"kpi":"program_online_share","target":0.4},
 {"kpi":"cost_per_uptake_cents","target":2500},
 {"kpi":"clicks","target":300,"channel":"social"}]"#;

async fn page(state: &AppState, uri: &str, token: &str) -> (StatusCode, String) {
    let req = Request::builder()
        .method(Method::GET)
        .uri(uri)
        .header(header::COOKIE, format!("cmp_session={token}"))
        .body(Body::empty())
        .expect("request");
    let response = app(state.clone()).oneshot(req).await.expect("response");
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn dashboard_pages_show_each_role_its_campaigns() {
    let test = "dashboard_router";
    let env = migrated(test, 1).await;
    let (_stop, shutdown) = cmp_process::Shutdown::new();
    let state = AppState::new(
        env.store.clone(),
        Rules::from_settings(&env.settings),
        Tokens::parse(&tokens_toml()).expect("tokens"),
        shutdown,
    );
    let nasty = r#"<script>alert("x")</script> & Île"#;
    for (id, en, fr, program) in [
        ("oas-online-2026", nasty, "Demandez la SV en ligne", "oas"),
        (
            "ei-digital-2026",
            "EI, digital first",
            "L'AE, le numérique d'abord",
            "ei",
        ),
    ] {
        for (uri, body) in [
            (format!("/api/v1/campaigns/{id}"), campaign(en, fr, program)),
            (
                format!("/api/v1/campaigns/{id}/targets"),
                TARGETS.to_owned(),
            ),
        ] {
            let req = Request::put(&uri)
                .header(header::AUTHORIZATION, "Bearer t-admin")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body))
                .expect("request");
            let status = app(state.clone())
                .oneshot(req)
                .await
                .expect("response")
                .status();
            assert!(status.is_success(), "{uri}: {status}");
        }
    }

    let (status, admin) = page(&state, "/dashboard", "t-admin").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        admin.contains("EI, digital first")
            && admin.contains("/dashboard/campaigns/oas-online-2026?lang=en")
    );
    assert!(
        !admin.contains("<script>alert")
            && admin.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Île"),
        "{admin}"
    );
    let (_, manager) = page(&state, "/dashboard?lang=fr", "t-oas").await;
    assert!(
        manager.contains("Demandez la SV en ligne") && !manager.contains("numérique"),
        "{manager}"
    );
    assert!(
        manager.contains("<html lang=\"fr\">") && manager.contains("Sécurité de la vieillesse")
    );
    // Non-admins are told that counts are rounded; admins see exact ones.
    assert!(
        manager.contains("arrondis au hasard à un multiple de 5"),
        "{manager}"
    );
    assert!(!admin.contains("randomly rounded"), "{admin}");
    let (_, english) = page(&state, "/dashboard?lang=en", "t-oas").await;
    assert!(
        english.contains("randomly rounded to a multiple of 5"),
        "{english}"
    );
    assert_eq!(
        page(&state, "/dashboard/campaigns/ei-digital-2026", "t-oas")
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        page(&state, "/dashboard/campaigns/no-such-campaign", "t-admin")
            .await
            .0,
        StatusCode::NOT_FOUND
    );

    let (status, c) = page(
        &state,
        "/dashboard/campaigns/oas-online-2026?lang=fr&series=reach",
        "t-oas",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{c}");
    assert!(c.contains("<table id=\"targets\">"), "{c}");
    assert_eq!(
        c.matches("<tr><th scope=\"row\"><a href=\"/dashboard/campaigns/oas-online-2026?series=")
            .count(),
        5,
        "{c}"
    );
    assert!(
        c.contains("Médias sociaux")
            && c.contains("Toute la campagne")
            && c.contains("Portée (personnes) par jour"),
        "{c}"
    );
    assert!(c.contains("<option value=\"reach\" selected>"), "{c}");
    assert!(
        c.contains("data-live-src=\"/api/v1/campaigns/oas-online-2026/live?lang=fr\""),
        "{c}"
    );
    assert!(
        c.contains("Aucune donnée pour l'instant"),
        "no event yet: {c}"
    );
    assert!(
        c.contains("<h2 id=\"experiments-h\">Expériences</h2>")
            && c.contains("Aucune expérience n'est inscrite pour cette campagne."),
        "no experiment registered: {c}"
    );

    let (status, p) = page(&state, "/dashboard/portfolio?lang=en", "t-oas").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        p.matches("<tr data-status=").count(),
        5,
        "the manager's 5 targets: {p}"
    );
    let (_, p) = page(&state, "/dashboard/portfolio?lang=en", "t-admin").await;
    assert_eq!(p.matches("<tr data-status=").count(), 10, "{p}");
    assert!(p.contains("href=\"/api/v1/attainment?fiscal_year="), "{p}");
    assert!(
        !p.contains("id=\"incremental\""),
        "no incremental result without an experiment: {p}"
    );

    // Offices: none yet, then one (its name escaped), ranked and on its
    // own page, in both languages, linked from the navigation.
    let (status, o) = page(&state, "/dashboard/offices?lang=en", "t-oas").await;
    assert_eq!(status, StatusCode::OK);
    assert!(o.contains("No office is registered."), "{o}");
    assert!(
        o.contains("href=\"/dashboard/offices?lang=en\" aria-current=\"page\""),
        "{o}"
    );
    let office = serde_json::json!({"name": {"en": nasty, "fr": "Bureau d'Ottawa"},
        "region": "ON", "fsas": ["K2P", "K1A"]});
    let req = Request::put("/api/v1/offices/on-0001")
        .header(header::AUTHORIZATION, "Bearer t-admin")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(office.to_string()))
        .expect("request");
    let status = app(state.clone())
        .oneshot(req)
        .await
        .expect("response")
        .status();
    assert!(status.is_success(), "{status}");
    let (_, o) = page(&state, "/dashboard/offices?lang=en", "t-oas").await;
    assert!(
        !o.contains(nasty) && o.contains("&lt;script&gt;"),
        "escaped: {o}"
    );
    assert!(
        o.contains("href=\"/dashboard/offices/ON-0001?lang=en\""),
        "{o}"
    );
    let (status, o) = page(&state, "/dashboard/offices/on-0001?lang=fr", "t-oas").await;
    assert_eq!(status, StatusCode::OK, "{o}");
    assert!(
        o.contains("<h1>Bureau d&#39;Ottawa</h1>") || o.contains("<h1>Bureau d'Ottawa</h1>"),
        "{o}"
    );
    assert!(
        o.contains("K2P, K1A") && o.contains("Rien pour cette période."),
        "{o}"
    );
    let (status, _) = page(&state, "/dashboard/offices/ON-9999", "t-oas").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = page(&state, "/dashboard/offices/ON_1", "t-oas").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

/// Where the test's logs (and so its screenshots) go.
fn log_dir(test: &str) -> PathBuf {
    bin_path("cmp-api")
        .parent()
        .map(|d| d.join("test-logs").join(test))
        .expect("log dir")
}

#[tokio::test]
async fn dashboard_in_headless_chromium() {
    let test = "dashboard_browser";
    let browser = repo_root().join("tests/browser");
    assert!(
        browser.join("node_modules/playwright-core").exists(),
        "run `npm ci --prefix tests/browser` first (deploy/local/test.sh does)"
    );
    let env = migrated(test, 2).await;
    let _ingest = Process::spawn(test, "ingest", "cmp-ingest", &[], &env.vars);
    let api_env = ApiEnv::new(test, &env.vars, &tokens_toml());
    let addr = api_env.addr;
    let api = Process::spawn(test, "api", "cmp-api", &[], &api_env.vars);
    api_env.wait_until_answering().await;

    // The demo campaigns with targets, and two days of their traffic.
    let names = [
        ("Apply for OAS online", "Demandez la SV en ligne"),
        ("EI, digital first", "L'AE, le numérique d'abord"),
        (
            "Renew your passport online",
            "Renouvelez votre passeport en ligne",
        ),
    ];
    let demo = demo_campaigns();
    for (c, (en, fr)) in demo.iter().zip(names) {
        for (path, body) in [
            (
                format!("/api/v1/campaigns/{}", c.id),
                campaign(en, fr, &c.program),
            ),
            (
                format!("/api/v1/campaigns/{}/targets", c.id),
                TARGETS.to_owned(),
            ),
        ] {
            let r = request(addr, "PUT", &path, Some("t-admin"), Some(&body)).await;
            assert!(r.status < 300, "{path}: {}", r.body);
        }
    }
    // An office the generator serves (loadgen's places.rs), for the
    // offices pages.
    let office = r#"{"name": {"en": "Ottawa Centre", "fr": "Ottawa-Centre"}, "region": "ON", "fsas": ["K1A", "K2P"]}"#;
    let r = request(
        addr,
        "PUT",
        "/api/v1/offices/ON-0001",
        Some("t-admin"),
        Some(office),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let now = (Utc::now().trunc_subsecs(0) - Span::minutes(1)).to_rfc3339();
    let traffic = ["--now", now.as_str(), "--spread", "2d", "--clients", "2000"];
    let manifest = generate(test, &env, "gen1", 51, 3000, &traffic);
    // Eight days before those, for the experiment's pre-period (no
    // invalid messages: the generator builds them around `--now`, which
    // is in the past here).
    let before = (Utc::now().trunc_subsecs(0) - Span::days(2)).to_rfc3339();
    let older = [
        "--now",
        before.as_str(),
        "--spread",
        "8d",
        "--clients",
        "2000",
        "--late",
        "0",
        "--invalid",
        "0",
    ];
    let history_manifest = generate(test, &env, "gen0", 50, 4000, &older);
    let accepted = manifest
        .accepted
        .union(&history_manifest.accepted)
        .cloned()
        .collect();
    ledger::assert_exactly(&env.store, &accepted, Duration::from_secs(120)).await;

    // A geographic experiment on the first campaign: Ontario and Quebec
    // from two days ago, against every other province with data. Its
    // result (whatever it says: the traffic has no lift) is what the
    // page shows, chart and tables included.
    let today = local_date(Utc::now(), TZ);
    let experiment = serde_json::json!({"unit": "region", "treated": ["ON", "QC"],
        "kpi": "program_uptake_completed",
        "pre_from": (today - Span::days(9)).to_string(), "pre_to": (today - Span::days(3)).to_string(),
        "from": (today - Span::days(2)).to_string(), "to": (today + Span::days(10)).to_string()});
    let path = format!("/api/v1/campaigns/{}/experiments/central", demo[0].id);
    let r = request(
        addr,
        "PUT",
        &path,
        Some("t-admin"),
        Some(&experiment.to_string()),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let registered = r.json();
    assert!(
        registered["result"]["relative_lift"].is_f64(),
        "the page will show a result: {registered}"
    );

    // Two weeks of day-end attainment for the first campaign's targets.
    let mut history = Vec::new();
    for days_ago in 1..=14_i64 {
        let ended = today - Span::days(days_ago - 1);
        let at = TZ
            .from_local_datetime(&ended.and_hms_opt(0, 5, 0).expect("time"))
            .earliest()
            .expect("local time");
        for (i, (kpi, target)) in [("uptake_completed", 5000.0), ("reach", 2000.0)]
            .into_iter()
            .enumerate()
        {
            let attainment = 0.02 + 0.01 * (14 - days_ago) as f64;
            history.push(HistoryRow {
                campaign_id: demo[0].id.clone(),
                target_index: u16::try_from(i).expect("small"),
                kpi: kpi.into(),
                target,
                recorded_at: u32::try_from(at.timestamp()).expect("fits"),
                end_of_day: 1,
                actual: Some(attainment * target),
                attainment: Some(attainment),
                pace: Some(attainment * 3.0),
                status: "off_track".into(),
            });
        }
    }
    write_history(&env.store, &history).await.expect("history");

    let out = log_dir(test);
    let mut node = tokio::process::Command::new("node")
        .arg(browser.join("dashboard.mjs"))
        .env("DASH_URL", format!("http://{addr}"))
        .env("DASH_TOKEN", "t-admin")
        .env("DASH_CAMPAIGN", &demo[0].id)
        .env("DASH_EXPERIMENT", "central")
        .env("DASH_CAMPAIGNS", demo.len().to_string())
        .env("DASH_OUT", &out)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("run node (Node.js 18 or later)");
    let mut lines = BufReader::new(node.stdout.take().expect("stdout")).lines();
    let mut produced = 0;
    let mut weights = None;
    let read = async {
        while let Some(line) = lines.next_line().await.expect("node output") {
            eprintln!("browser: {line}");
            if line == "PRODUCE" {
                // More events while the page watches its live totals.
                let (t, env) = (test.to_owned(), env.clone());
                let extra: Vec<String> =
                    ["--now", now.as_str(), "--spread", "1h", "--clients", "2000"]
                        .map(str::to_owned)
                        .to_vec();
                tokio::task::spawn_blocking(move || {
                    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
                    generate(&t, &env, "gen2", 52, 300, &extra)
                })
                .await
                .expect("generator");
                produced += 1;
            } else if let Some(json) = line.strip_prefix("WEIGHT ") {
                weights = Some(serde_json::from_str::<serde_json::Value>(json).expect("weights"));
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(240), read)
        .await
        .expect("the browser test finished within 4 minutes");
    let status = node.wait().await.expect("node exit");
    assert!(
        status.success(),
        "the browser checks failed (screenshots in {})",
        out.display()
    );
    assert_eq!(produced, 1, "the browser asked for new events once");
    let w = weights.expect("the page weights");
    let size = |path: &str, kind: &str| w[path][kind].as_u64().unwrap_or(0);
    let (css, js) = ("/assets/app.css", "/assets/app.js");
    for page in [
        "/dashboard",
        &format!("/dashboard/campaigns/{}", demo[0].id),
        "/dashboard/portfolio",
        "/dashboard/offices",
        "/dashboard/offices/ON-0001",
    ] {
        eprintln!(
            "page weight {page}: HTML {} B ({} B gzip) + CSS {} B ({}) + JS {} B ({}) = {} B ({} B gzip)",
            size(page, "raw"),
            size(page, "gzip"),
            size(css, "raw"),
            size(css, "gzip"),
            size(js, "raw"),
            size(js, "gzip"),
            size(page, "raw") + size(css, "raw") + size(js, "raw"),
            size(page, "gzip") + size(css, "gzip") + size(js, "gzip"),
        );
    }
    // Pages are counted by route template, like the API's routes.
    let metrics = api.get("/metrics").await.expect("metrics").1;
    for route in [
        "/dashboard",
        "/dashboard/campaigns/{campaign_id}",
        "/dashboard/portfolio",
        "/dashboard/offices",
        "/dashboard/offices/{office_id}",
    ] {
        assert!(
            metrics.contains(&format!(r#"method="GET",route="{route}",status="200""#)),
            "{route}: {metrics}"
        );
    }
    eprintln!("screenshots: {}", out.display());
}
