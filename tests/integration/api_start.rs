//! `cmp-api` started before ClickHouse answers: it answers 503 (probes up,
//! not ready) and serves once ClickHouse is there, instead of exiting. Found
//! when the API joined the chaos run's kill rotation: a replacement started
//! during a ClickHouse outage exited with status 1, which a supervisor
//! restarts in a loop.

use std::time::Duration;

use cmp_tests::api_env::ApiEnv;
use cmp_tests::http::try_request;
use cmp_tests::relay::relay_later;
use cmp_tests::tokens::tokens_toml;
use cmp_tests::{Process, migrated, wait_until};

#[tokio::test]
async fn the_api_started_before_clickhouse_waits_for_it_then_serves() {
    let test = "api_start";
    let env = migrated(test, 1).await;
    let clickhouse = env.clickhouse_addr();
    // ClickHouse, as the API sees it, comes up 8 s after the API starts.
    let late = relay_later(clickhouse, Duration::from_secs(8));
    let api_env = ApiEnv::new(
        test,
        &env.with("CMP_CLICKHOUSE_URL", &format!("http://{late}")),
        &tokens_toml(&[("s-admin", "start", "admin", None)]),
    );
    let addr = api_env.addr;
    let mut api = Process::spawn(test, "api", "cmp-api", &[], &api_env.vars);

    // Waiting: alive, not ready, answering 503 (ClickHouse unavailable).
    wait_until("the probe server", Duration::from_secs(20), || async {
        api.get("/healthz").await.ok_or("no answer".to_owned())
    })
    .await;
    assert_eq!(api.get("/readyz").await.map(|r| r.0), Some(503));
    let r = wait_until("the API answers", Duration::from_secs(20), || async {
        try_request(
            addr,
            "GET",
            "/api/v1/campaigns",
            Some("s-admin"),
            None,
            Duration::from_secs(10),
        )
        .await
    })
    .await;
    assert_eq!(r.status, 503, "{}", r.body);

    // Then ClickHouse is there: the API serves, and is ready.
    let r = wait_until("the API serves", Duration::from_secs(60), || async {
        let path = "/api/v1/campaigns";
        match try_request(
            addr,
            "GET",
            path,
            Some("s-admin"),
            None,
            Duration::from_secs(10),
        )
        .await
        {
            Ok(r) if r.status == 200 => Ok(r),
            other => Err(format!("{other:?}")),
        }
    })
    .await;
    assert_eq!((r.status, r.body.as_str()), (200, "[]"));
    wait_until("ready", Duration::from_secs(30), || async {
        match api.get("/readyz").await {
            Some((200, _)) => Ok(()),
            other => Err(format!("{other:?}")),
        }
    })
    .await;
    assert!(api.running(), "cmp-api exited while waiting for ClickHouse");
    let (status, _) = api.terminate(Duration::from_secs(15));
    assert!(status.success(), "exit status {status:?}");
}
