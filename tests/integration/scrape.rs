//! A real scrape: Debian's Prometheus, started through `services.sh` with the
//! project's alert rules, scrapes the three processes while the generator
//! runs. Every Grafana panel query and every rule must evaluate and name only
//! series that the processes really export (read from their live /metrics)
//! or that Prometheus makes itself; every metric the processes export must be
//! on a dashboard or in a rule; the pipeline's series hold sane values.

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::{Days, Utc};
use cmp_tests::api_env::ApiEnv;
use cmp_tests::generate::spawn_generate;
use cmp_tests::http::request;
use cmp_tests::prometheus::{Prometheus, sample};
use cmp_tests::promql::metric_names;
use cmp_tests::services::repo_root;
use cmp_tests::tokens::tokens_toml;
use cmp_tests::{Manifest, Process, assert_accounted, migrated, wait_until};
use serde_json::Value;

/// Series Prometheus makes itself, which rules and panels may name.
const PROMETHEUS_SERIES: &[&str] = &["up", "ALERTS", "ALERTS_FOR_STATE"];
/// Panels whose query may rightly return nothing in a healthy pipeline.
const MAY_BE_EMPTY: &[&str] = &["Firing alerts", "Targets behind pace"];
/// The campaign given a target set (one of the generator's demo campaigns).
const CAMPAIGN: &str = "oas-online-2026";

/// A query of a dashboard: (dashboard file, panel title, PromQL).
type PanelQuery = (String, String, String);

#[tokio::test]
async fn prometheus_scrapes_the_pipeline_and_dashboards_name_only_real_series() {
    let test = "scrape";
    let env = migrated(test, 2).await;
    let today = Utc::now().date_naive();
    let start = today.checked_sub_days(Days::new(5)).expect("date");
    let end = today.checked_add_days(Days::new(25)).expect("date");
    for sql in [
        format!(
            "INSERT INTO campaigns (campaign_id, name_en, name_fr, program, start_date, end_date, budget_cents, changed_by, changed_at) VALUES ('{CAMPAIGN}', 'OAS', 'SV', 'oas', '{start}', '{end}', 100000, 'test', now())"
        ),
        format!(
            r#"INSERT INTO target_sets VALUES ('{CAMPAIGN}', '[{{"kpi":"clicks","target":1000}}]', 'test', now())"#
        ),
    ] {
        env.store.client.query(&sql).execute().await.expect(&sql);
    }
    let api_env = ApiEnv::new(
        test,
        &env.vars,
        &tokens_toml(&[("scrape-test-token", "scrape", "admin", None)]),
    );
    let api_addr = api_env.addr;
    let ingest = Process::spawn(test, "ingest", "cmp-ingest", &[], &env.vars);
    let aggregator = Process::spawn(
        test,
        "aggregator",
        "cmp-aggregator",
        &[],
        &env.with("CMP_HISTORY_INTERVAL_SECS", "1"),
    );
    let api = Process::spawn(test, "api", "cmp-api", &[], &api_env.vars);
    let processes = [
        ("cmp-ingest", &ingest),
        ("cmp-aggregator", &aggregator),
        ("cmp-api", &api),
    ];
    let jobs: Vec<(&str, std::net::SocketAddr)> = processes
        .iter()
        .map(|(j, p)| (*j, p.metrics_addr))
        .collect();
    let prom = Prometheus::start(test, &jobs);
    const UP: &str = r#"up{job=~"cmp-ingest|cmp-aggregator|cmp-api"}"#;
    // Prometheus applies new targets within about 5 s: traffic starts once it scrapes.
    wait_until(
        "a first scrape of each process",
        Duration::from_secs(30),
        || async {
            let up = prom.value(&format!("sum({UP})")).await?;
            if up == 3.0 {
                Ok(())
            } else {
                Err(format!("{up} of 3 up"))
            }
        },
    )
    .await;

    // Traffic for a few seconds while Prometheus scrapes every second.
    let (mut generator, manifest) = spawn_generate(test, &env, "gen", 11, 2000, &["--rate", "400"]);
    // API traffic while the generator runs, so its request series grow
    // across scrapes: a campaign's report and the list, several times a second.
    for _ in 0..25 {
        for path in [
            format!("/api/v1/campaigns/{CAMPAIGN}/performance"),
            "/api/v1/campaigns".to_owned(),
        ] {
            let r = request(api_addr, "GET", &path, Some("scrape-test-token"), None).await;
            assert_eq!(r.status, 200, "GET {path}: {r:?}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(generator.wait_exit(Duration::from_secs(60)).await.success());
    let manifest = Manifest::read(&manifest);
    let (stored, dups, refused) = assert_accounted(&ingest, manifest.messages).await;
    assert!(stored > 0.0 && dups > 0.0 && refused > 0.0);

    // Prometheus saw the final counts, every process up, attainment exported.
    let read = manifest.messages as f64;
    wait_until(
        "Prometheus to scrape the settled pipeline",
        Duration::from_secs(60),
        || async {
            let seen = prom.value("sum(cmp_ingest_messages_read_total)").await?;
            let up = prom
                .value(r#"sum(up{job=~"cmp-ingest|cmp-aggregator|cmp-api"})"#)
                .await?;
            let targets = prom
                .query(&format!(
                    r#"cmp_aggregator_attainment{{campaign="{CAMPAIGN}"}}"#
                ))
                .await?;
            if seen == read && up == 3.0 && !targets.is_empty() {
                Ok(())
            } else {
                Err(format!(
                    "read {seen} of {read}, {up} of 3 up, {} attainment series",
                    targets.len()
                ))
            }
        },
    )
    .await;

    assert_sane_values(&prom, (stored, dups, refused)).await;
    let exported = exported_names(&processes).await;
    let recorded = rules_evaluated(&prom).await;
    let allowed: BTreeSet<String> = exported
        .iter()
        .cloned()
        .chain(recorded.recording)
        .chain(PROMETHEUS_SERIES.iter().map(|s| (*s).to_owned()))
        .collect();

    let mut named = BTreeSet::new();
    for (file, title, expr) in dashboard_queries() {
        let names = metric_names(&expr);
        let unknown: Vec<&String> = names.difference(&allowed).collect();
        assert!(
            unknown.is_empty(),
            "{file} panel {title:?} names {unknown:?}, not exported: {expr}"
        );
        let result = prom
            .query(&expr)
            .await
            .unwrap_or_else(|e| panic!("{file} panel {title:?}: {e}"));
        assert!(
            !result.is_empty() || MAY_BE_EMPTY.contains(&title.as_str()),
            "{file} panel {title:?} shows nothing: {expr}"
        );
        named.extend(names);
    }
    for (alert, expr) in recorded.queries {
        let names = metric_names(&expr);
        let unknown: Vec<&String> = names.difference(&allowed).collect();
        assert!(
            unknown.is_empty(),
            "rule {alert} names {unknown:?}, not exported: {expr}"
        );
        named.extend(names);
    }

    // Every exported family is charted or alerted on.
    let named: BTreeSet<&str> = named.iter().map(|n| family(n)).collect();
    let uncharted: Vec<&String> = exported
        .iter()
        .filter(|n| !named.contains(family(n)))
        .collect();
    assert!(
        uncharted.is_empty(),
        "exported but on no dashboard or rule: {uncharted:?}"
    );
}

/// The pipeline's series, as Prometheus holds them, make sense together.
async fn assert_sane_values(prom: &Prometheus, (stored, dups, refused): (f64, f64, f64)) {
    let value =
        |q: &'static str| async move { prom.value(q).await.unwrap_or_else(|e| panic!("{e}")) };
    assert!(value("sum(increase(cmp_ingest_messages_read_total[1h]))").await > 0.0);
    assert_eq!(value("sum(cmp_ingest_events_stored_total)").await, stored);
    assert_eq!(value("sum(cmp_ingest_duplicates_total)").await, dups);
    assert_eq!(value("sum(cmp_ingest_refused_total)").await, refused);
    let p99 =
        value("histogram_quantile(0.99, sum by (le) (cmp_ingest_freshness_seconds_bucket))").await;
    assert!(p99 > 0.0 && p99 <= 60.0, "freshness p99 {p99}");
    let inserts = value("sum(cmp_ingest_insert_duration_seconds_count)").await;
    let rows = value("sum(cmp_ingest_batch_rows_sum)").await;
    assert!(
        inserts >= 1.0 && rows == stored,
        "{inserts} INSERTs of {rows} rows, {stored} stored"
    );
    let lags = prom.query("cmp_ingest_partition_lag").await.expect("lag");
    assert!(!lags.is_empty(), "no lag series");
    for lag in &lags {
        let v = sample(lag).expect("lag sample");
        assert!(v >= 0.0, "negative lag {lag}");
    }
    let rollup_lag = value("max(cmp_aggregator_rollup_lag_seconds)").await;
    assert!(
        (0.0..3.0 * 86_400.0).contains(&rollup_lag),
        "rollup lag {rollup_lag}"
    );
    let attainment = value(r#"sum(cmp_aggregator_attainment{kpi="clicks"})"#).await;
    assert!(
        attainment.is_finite() && attainment >= 0.0,
        "attainment {attainment}"
    );
    assert!(value("sum(cmp_aggregator_history_snapshots_total)").await >= 1.0);
    assert_eq!(
        value("sum(cmp_ingest_retries_total) + sum(cmp_aggregator_task_failures_total)").await,
        0.0
    );
}

/// Sample names on the processes' live /metrics.
async fn exported_names(processes: &[(&str, &Process)]) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for (job, p) in processes {
        let (code, body) = p
            .get("/metrics")
            .await
            .unwrap_or_else(|| panic!("{job} /metrics"));
        assert_eq!(code, 200, "{job} /metrics");
        names.extend(
            body.lines()
                .filter(|l| !l.starts_with('#') && !l.is_empty())
                .filter_map(|l| l.split(['{', ' ']).next())
                .map(str::to_owned),
        );
    }
    names
}

/// The rules Prometheus loaded, once each was evaluated without error.
struct Rules {
    /// Names of recording rules (series panels may name).
    recording: Vec<String>,
    /// (rule name, PromQL) of every rule.
    queries: Vec<(String, String)>,
}

async fn rules_evaluated(prom: &Prometheus) -> Rules {
    wait_until(
        "every rule evaluated without error",
        Duration::from_secs(30),
        || async {
            let data = prom.api("rules").await?;
            let rules: Vec<&Value> = data["groups"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|g| g["rules"].as_array().into_iter().flatten())
                .collect();
            if rules.is_empty() {
                return Err("no rules loaded".into());
            }
            if let Some(bad) = rules.iter().find(|r| r["health"] != "ok") {
                return Err(format!(
                    "{} is {}: {}",
                    bad["name"], bad["health"], bad["lastError"]
                ));
            }
            let text = |r: &Value, k: &str| r[k].as_str().unwrap_or_default().to_owned();
            Ok(Rules {
                recording: rules
                    .iter()
                    .filter(|r| r["type"] == "recording")
                    .map(|r| text(r, "name"))
                    .collect(),
                queries: rules
                    .iter()
                    .map(|r| (text(r, "name"), text(r, "query")))
                    .collect(),
            })
        },
    )
    .await
}

/// Every query of the provisioned dashboards, Grafana variables replaced by
/// values Prometheus accepts.
fn dashboard_queries() -> Vec<PanelQuery> {
    let dir = repo_root().join("deploy/grafana/dashboards");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("dashboards folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 2,
        "dashboards missing from {}",
        dir.display()
    );
    let mut out = Vec::new();
    for path in files {
        let file = path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        let board: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("read dashboard"))
                .unwrap_or_else(|e| panic!("{file}: {e}"));
        let mut panels: Vec<&Value> = board["panels"].as_array().into_iter().flatten().collect();
        while let Some(panel) = panels.pop() {
            panels.extend(panel["panels"].as_array().into_iter().flatten());
            for target in panel["targets"].as_array().into_iter().flatten() {
                let expr = target["expr"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{file}: a target without expr"));
                out.push((file.clone(), text(&panel["title"]), substitute(expr)));
            }
        }
        for var in board["templating"]["list"].as_array().into_iter().flatten() {
            let q = var["query"]["query"]
                .as_str()
                .or_else(|| var["query"].as_str())
                .unwrap_or_default();
            // label_values(<selector>, <label>): the selector is the query
            let selector = q
                .strip_prefix("label_values(")
                .and_then(|rest| rest.rsplit_once(','))
                .map_or(q, |(selector, _)| selector);
            out.push((
                file.clone(),
                format!("variable {}", text(&var["name"])),
                substitute(selector),
            ));
        }
    }
    out
}

/// A histogram's series name without its `_bucket`, `_sum` or `_count`.
fn family(name: &str) -> &str {
    ["_bucket", "_sum", "_count"]
        .iter()
        .find_map(|s| name.strip_suffix(s))
        .unwrap_or(name)
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

/// Grafana's variables as Prometheus-valid stand-ins.
fn substitute(expr: &str) -> String {
    expr.replace("$__rate_interval", "1m")
        .replace("$__interval", "1m")
        .replace("$__range", "1h")
        .replace("$campaign", ".*")
        .replace("$kpi", ".*")
}
