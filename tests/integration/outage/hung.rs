//! ClickHouse hung: its server process stopped (SIGSTOP) with every
//! connection open. A hung server is an outage like one that refuses
//! connections: each process logs it, counts it and answers 503 on
//! /readyz within a bounded time, and resumes when the server does; and a
//! query the API gave up on does not run on inside ClickHouse.

use std::time::{Duration, Instant};

use chrono::{Duration as Span, Utc};
use cmp_tests::api_env::ApiEnv;
use cmp_tests::generate::spawn_generate;
use cmp_tests::http::{request, try_request};
use cmp_tests::kafka::held_keys;
use cmp_tests::{Hung, Manifest, Process, TestEnv, ledger, migrated, wait_until};
use serde::Deserialize;

/// The ClickHouse timeout the processes are given here (seconds).
const TIMEOUT: &str = "3";

const TOKENS: [(&str, &str, &str, Option<&str>); 1] = [("t-admin", "ops", "admin", None)];

/// Waits (bounded) until `p` answers `status` on /readyz.
async fn readyz(p: &Process, status: u16, limit: Duration) {
    wait_until(&format!("{} /readyz {status}", p.name), limit, || async {
        match p.get("/readyz").await {
            Some((s, _)) if s == status => Ok(()),
            other => Err(format!("{other:?}")),
        }
    })
    .await;
}

fn log_of(test: &str, name: &str) -> String {
    std::fs::read_to_string(
        cmp_tests::bin_path("cmp-ingest").with_file_name(format!("test-logs/{test}/{name}.log")),
    )
    .unwrap_or_default()
}

#[tokio::test]
async fn clickhouse_hung_under_load_is_an_outage_for_ingest_api_and_aggregator() {
    let test = "ch_hung";
    let env = migrated(test, 4).await;
    let vars = env.with("CMP_CLICKHOUSE_TIMEOUT_SECS", TIMEOUT);
    let mut ingest = Process::spawn(test, "ingest", "cmp-ingest", &[], &vars);
    let api_env = ApiEnv::new(test, &vars, &cmp_tests::tokens::tokens_toml(&TOKENS));
    let api = Process::spawn(test, "api", "cmp-api", &[], &api_env.vars);
    let aggregator = Process::spawn(test, "aggregator", "cmp-aggregator", &[], &vars);
    api_env.wait_until_answering().await;
    for p in [&ingest, &api, &aggregator] {
        readyz(p, 200, Duration::from_secs(30)).await;
    }
    let (mut producer, manifest_path) =
        spawn_generate(test, &env, "gen", 35, 30_000, &["--rate", "1000"]);
    tokio::time::sleep(Duration::from_secs(5)).await;

    let hung = Hung::start();
    let since = Instant::now();
    // Bounded: a few timeouts, retries and readiness turns, on a loaded machine.
    for p in [&ingest, &api, &aggregator] {
        readyz(p, 503, Duration::from_secs(60)).await;
    }
    let noticed = since.elapsed();
    let outages = ingest
        .metric_sum("cmp_ingest_outages_total")
        .await
        .expect("metrics");
    assert!(outages >= 1.0, "ingest counted no outage");
    assert!(
        log_of(test, "ingest").contains("dependency unavailable"),
        "ingest logged no outage"
    );
    // The API answers instead of waiting on the server.
    let r = try_request(
        api_env.addr,
        "GET",
        "/api/v1/campaigns",
        Some("t-admin"),
        None,
        Duration::from_secs(20),
    )
    .await
    .expect("an answer while ClickHouse hangs");
    assert_eq!(r.status, 503, "{}", r.body);
    assert!(
        log_of(test, "api").contains("store unreachable"),
        "the API logged no outage"
    );
    println!("all three processes not ready {noticed:?} after ClickHouse hung");
    tokio::time::sleep(Duration::from_secs(20).saturating_sub(since.elapsed())).await;
    assert!(ingest.running(), "cmp-ingest exited during the outage");
    drop(hung);

    assert!(producer.wait_exit(Duration::from_secs(120)).await.success());
    let t = &env.settings.topics;
    let held = held_keys(&env.brokers, &[&t.engagement, &t.uptake]);
    let manifest = Manifest::read(&manifest_path).held_by_broker(&held);
    ledger::assert_exactly(&env.store, &manifest.accepted, Duration::from_secs(180)).await;
    for p in [&ingest, &api, &aggregator] {
        readyz(p, 200, Duration::from_secs(60)).await;
    }
    let (status, _) = ingest.terminate(Duration::from_secs(15));
    assert!(status.success());
}

/// A campaign whose report by hour, region and segment takes seconds
/// (about 8 s here on 18.16 for its 4 million engagement rollup rows).
const SLOW_CAMPAIGN: &str = "slow-2026";
/// A million engagement rollup rows of a campaign (bound), one per hour of
/// the last ten days × 100 segments × 42 regions.
const SLOW_REPORT_ROWS: &str = "INSERT INTO engagement_hourly \
    SELECT toStartOfHour(now()) - 3600 * (1 + number % 240) AS hour, ? AS campaign_id, \
        concat('s', toString(intDiv(number, 240) % 100)) AS segment, 'web' AS channel, \
        'click' AS action, concat('r', toString(intDiv(number, 24000))) AS region, 'en' AS language, \
        countState() AS events, sumState(toUInt32(1)) AS count, sumState(toUInt64(1)) AS cost_cents, \
        uniqCombinedState(toString(number)) AS reach \
    FROM (SELECT number FROM system.numbers LIMIT 1000000) \
    GROUP BY hour, campaign_id, segment, channel, action, region, language";
/// Doubles a campaign's (bound) engagement rollup rows under new segments.
const DOUBLE_ROWS: &str = "INSERT INTO engagement_hourly \
    SELECT hour, campaign_id, concat(segment, 'x'), channel, action, region, language, \
        events, count, cost_cents, reach \
    FROM engagement_hourly WHERE campaign_id = ?";

#[derive(Debug, clickhouse::Row, Deserialize)]
struct Running {
    elapsed: f64,
}

/// The report queries of the slow campaign ClickHouse is running.
async fn running(env: &TestEnv) -> Vec<Running> {
    env.store
        .client
        .query(
            "SELECT elapsed FROM system.processes \
             WHERE query LIKE '%engagement_hourly%' AND query LIKE ? AND query NOT LIKE '%system.processes%'",
        )
        .bind(format!("%{SLOW_CAMPAIGN}%"))
        .fetch_all::<Running>()
        .await
        .expect("system.processes")
}

#[tokio::test]
async fn a_report_query_the_api_gave_up_on_stops_in_clickhouse() {
    let test = "ch_cut_query";
    let env = migrated(test, 1).await;
    let started = Instant::now();
    for sql in [SLOW_REPORT_ROWS, DOUBLE_ROWS, DOUBLE_ROWS] {
        let q = env.store.client.query(sql).bind(SLOW_CAMPAIGN);
        q.execute().await.expect("load rollup rows");
    }
    println!("4 million rollup rows loaded in {:?}", started.elapsed());
    let vars = env.with("CMP_CLICKHOUSE_TIMEOUT_SECS", "2");
    let api_env = ApiEnv::new(test, &vars, &cmp_tests::tokens::tokens_toml(&TOKENS));
    let _api = Process::spawn(test, "api", "cmp-api", &[], &api_env.vars);
    api_env.wait_until_answering().await;
    let today = Utc::now().date_naive();
    let body = serde_json::json!({
        "name": {"en": "Slow", "fr": "Lente"}, "program": "oas",
        "start_date": (today - Span::days(30)).to_string(),
        "end_date": (today + Span::days(30)).to_string(), "budget_cents": 1,
    })
    .to_string();
    let path = format!("/api/v1/campaigns/{SLOW_CAMPAIGN}");
    let put = request(api_env.addr, "PUT", &path, Some("t-admin"), Some(&body)).await;
    assert_eq!(put.status, 201, "{}", put.body);

    let report = format!(
        "{path}/performance?from={}&to={today}&by=region,segment&granularity=hour",
        today - Span::days(12)
    );
    let addr = api_env.addr;
    let asked = Instant::now();
    let answer = tokio::spawn(async move {
        try_request(
            addr,
            "GET",
            &report,
            Some("t-admin"),
            None,
            Duration::from_secs(90),
        )
        .await
    });
    wait_until("the report query runs", Duration::from_secs(20), || async {
        if running(&env).await.is_empty() {
            Err("not yet".to_owned())
        } else {
            Ok(())
        }
    })
    .await;
    // The server hangs mid-query; the API gives up and answers.
    let hung = Hung::start();
    let r = answer.await.expect("task").expect("an answer");
    let answered = asked.elapsed();
    tokio::time::sleep(Duration::from_secs(1)).await;
    drop(hung);
    let resumed = Instant::now();
    // Left alone, the query would run on for seconds after the server resumes.
    let mut still = running(&env).await;
    while !still.is_empty() && resumed.elapsed() < Duration::from_secs(2) {
        tokio::time::sleep(Duration::from_millis(100)).await;
        still = running(&env).await;
    }
    println!(
        "the API answered {} after {answered:?}; ClickHouse resumed, then the query ran on {:?}",
        r.status,
        resumed.elapsed()
    );
    assert_eq!(r.status, 503, "{}", r.body);
    let elapsed: Vec<f64> = still.iter().map(|q| q.elapsed).collect();
    assert!(
        still.is_empty(),
        "ClickHouse still runs the report query (elapsed {elapsed:?} s) the API answered {} for {answered:?} after it was asked",
        r.status
    );
}
