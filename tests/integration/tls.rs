//! ClickHouse over https: the test server's https port has a certificate
//! of a private CA (`deploy/local/services.sh` makes both). Trusted through
//! `SSL_CERT_FILE`, the processes migrate, write and read over TLS; without
//! it they refuse the server, as they must.

use cmp_tests::api_env::ApiEnv;
use cmp_tests::http::request;
use cmp_tests::{Process, TestEnv, run};

fn service_var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: start the services with deploy/local/services.sh")
    })
}

#[tokio::test]
async fn the_processes_talk_to_clickhouse_over_https() {
    let test = "ch_tls";
    let env = TestEnv::new(test, 1).await;
    let https = env.with(
        "CMP_CLICKHOUSE_URL",
        &service_var("CMP_CLICKHOUSE_HTTPS_URL"),
    );
    let mut trusted = https.clone();
    trusted.push((
        "SSL_CERT_FILE".into(),
        service_var("CMP_CLICKHOUSE_CA_FILE"),
    ));
    assert!(
        !run(test, "cmp-aggregator", &["migrate"], &https).success(),
        "a certificate nobody trusts was accepted"
    );
    assert!(
        run(test, "cmp-aggregator", &["migrate"], &trusted).success(),
        "migrate over https failed (see test-logs/{test}/cmp-aggregator.log)"
    );

    let tokens = cmp_tests::tokens::tokens_toml(&[("t-admin", "ops", "admin", None)]);
    let api_env = ApiEnv::new(test, &trusted, &tokens);
    let _api = Process::spawn(test, "api", "cmp-api", &[], &api_env.vars);
    api_env.wait_until_answering().await;
    let body = r#"{"name": {"en": "Over TLS", "fr": "Par TLS"}, "program": "oas",
        "start_date": "2026-10-01", "end_date": "2027-03-31", "budget_cents": 5}"#;
    let path = "/api/v1/campaigns/tls-2026";
    let put = request(api_env.addr, "PUT", path, Some("t-admin"), Some(body)).await;
    assert_eq!(put.status, 201, "{}", put.body);
    let got = request(api_env.addr, "GET", path, Some("t-admin"), None).await;
    assert_eq!(got.status, 200, "{}", got.body);
    assert_eq!(got.json()["name"]["fr"], "Par TLS");
    // What went over TLS is in the database the plain-http client reads.
    let stored = cmp_store::campaign(&env.store, "tls-2026")
        .await
        .expect("read over http");
    assert_eq!(stored.map(|c| c.budget_cents), Some(5));
}
