//! The schema: migrations applied by `cmp-aggregator migrate`, idempotently,
//! and processes refusing an older schema.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use cmp_store::{EventRow, MIGRATIONS};
use cmp_tests::ledger::insert_rows;
use cmp_tests::{Process, TestEnv, migrated_to, run};

#[tokio::test]
async fn migrate_twice_changes_nothing_the_second_time() {
    let env = TestEnv::new("migrate", 1).await;
    assert!(run("migrate", "cmp-aggregator", &["migrate"], &env.vars).success());
    let first = cmp_store::migrate(&env.store)
        .await
        .expect("second migration run");
    assert!(first.is_empty(), "second run applied {first:?}");
    assert!(run("migrate", "cmp-aggregator", &["migrate"], &env.vars).success());
    let recorded: u64 = env
        .store
        .client
        .query("SELECT count() FROM schema_migrations")
        .fetch_one()
        .await
        .expect("count");
    assert_eq!(recorded, MIGRATIONS.len() as u64);
    cmp_store::check_schema(&env.store)
        .await
        .expect("schema current");
}

#[tokio::test]
async fn the_event_row_type_matches_the_table() {
    let env = TestEnv::new("rowtype", 1).await;
    cmp_store::migrate(&env.store).await.expect("migrate");
    let row = EventRow {
        src_topic: "cmp.uptake.v1".into(),
        src_partition: 3,
        src_offset: 42,
        kind: cmp_store::KIND_UPTAKE,
        event_id: "crm-55103".into(),
        event_time: 1_762_184_520,
        event_ms: 1_762_184_520_123,
        campaign_id: String::new(),
        channel: "".into(),
        action: "".into(),
        count: 1,
        cost_cents: 0,
        program: "oas".into(),
        service_channel: "in_person".into(),
        stage: "completed".into(),
        segment: "unspecified".into(),
        region: "MB".into(),
        language: "und".into(),
        client_hash: "ab".repeat(32),
        ingested_at: 1_762_184_600,
        variant: String::new(),
        office_id: "MB-0007".into(),
        fsa: "R3C".into(),
    };
    insert_rows(&env.store, std::slice::from_ref(&row)).await;
    let back: Vec<EventRow> = env
        .store
        .client
        .query("SELECT ?fields FROM events")
        .fetch_all()
        .await
        .expect("select");
    assert_eq!(back, vec![row]);
}

#[tokio::test]
async fn processes_refuse_an_older_schema() {
    let env = TestEnv::new("oldschema", 1).await;
    env.store.create_database().await.expect("create database");
    // A valid tokens file, so only the schema can stop the API.
    let tokens = std::env::temp_dir().join(format!("cmp-oldschema-{}.toml", std::process::id()));
    let admin = cmp_api::tokens::sha256_hex("t");
    std::fs::write(
        &tokens,
        format!("[[token]]\nname = \"a\"\nsha256 = \"{admin}\"\nrole = \"admin\"\n"),
    )
    .expect("tokens file");
    let status = run(
        "oldschema",
        "cmp-api",
        &[],
        &env.with("CMP_API_TOKENS_FILE", &tokens.display().to_string()),
    );
    let _ = std::fs::remove_file(&tokens);
    assert!(!status.success(), "cmp-api started on an empty schema");
    let log = std::fs::read_to_string(
        cmp_tests::bin_path("cmp-api").with_file_name("test-logs/oldschema/cmp-api.log"),
    )
    .expect("api log");
    assert!(log.contains("cmp-aggregator migrate"), "{log}");
    let mut ingest = Process::spawn("oldschema", "ingest", "cmp-ingest", &[], &env.vars);
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while ingest.running() {
        assert!(
            std::time::Instant::now() < deadline,
            "cmp-ingest kept running on an empty schema"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let log = std::fs::read_to_string(
        cmp_tests::bin_path("cmp-ingest").with_file_name("test-logs/oldschema/ingest.log"),
    )
    .expect("ingest log");
    assert!(
        log.contains("cmp-aggregator migrate"),
        "log does not say to migrate: {log}"
    );
}

#[tokio::test]
async fn rekeying_the_ledger_keeps_every_row_and_the_rollups_and_then_two_events_at_one_offset() {
    // A ledger at version 4 (keyed by coordinates alone) with rows the views
    // rolled up, and a partial copy left by an interrupted run of 0005.
    let env = migrated_to("rekey", 1, 4).await;
    let rows: Vec<Row0002> = (0..3).map(|i| row("t", i, &format!("e-{i}"))).collect();
    insert_old(&env, "events", &rows).await;
    env.store
        .client
        .query("CREATE TABLE events_0005 AS events")
        .execute()
        .await
        .expect("a partial copy");
    insert_old(&env, "events_0005", &[row("t", 9, "junk")]).await;

    let applied = cmp_store::migrate(&env.store).await.expect("migrate");
    let later: Vec<u32> = MIGRATIONS[4..].iter().map(|m| m.version).collect();
    assert_eq!(applied, later);
    assert_eq!(ledger(&env, "events").await, rows, "the ledger after 0005");
    assert_eq!(
        ledger(&env, "events_before_0005").await,
        rows,
        "the old ledger"
    );
    assert_eq!(rolled_up(&env).await, 3, "the rollups after 0005");

    // Another event at the first one's coordinates: both stay, both counted.
    let reused = row("t", 0, "other");
    insert_old(&env, "events", std::slice::from_ref(&reused)).await;
    env.store
        .client
        .query("OPTIMIZE TABLE events FINAL")
        .execute()
        .await
        .expect("merge");
    let mut want = rows.clone();
    want.insert(1, reused);
    assert_eq!(ledger(&env, "events").await, want, "after a merge");
    assert_eq!(
        rolled_up(&env).await,
        4,
        "the views feed from the new ledger"
    );

    // 0007's columns, empty on the rows stored before it.
    let without: u64 = env
        .store
        .client
        .query("SELECT count() FROM events WHERE variant = '' AND office_id = '' AND fsa = ''")
        .fetch_one()
        .await
        .expect("v1.1 columns");
    assert_eq!(without, want.len() as u64);

    let again = cmp_store::migrate(&env.store).await.expect("migrate again");
    assert!(again.is_empty(), "second run applied {again:?}");
    cmp_store::check_schema(&env.store)
        .await
        .expect("schema current");
}

/// A ledger row as migration 0002 made the table (before 0007's columns).
#[derive(Debug, Clone, PartialEq, Eq, clickhouse::Row, Serialize, Deserialize)]
struct Row0002 {
    src_topic: String,
    src_partition: u32,
    src_offset: u64,
    kind: i8,
    event_id: String,
    event_time: u32,
    event_ms: i64,
    campaign_id: String,
    channel: String,
    action: String,
    count: u32,
    cost_cents: u64,
    program: String,
    service_channel: String,
    stage: String,
    segment: String,
    region: String,
    language: String,
    client_hash: String,
    ingested_at: u32,
}

async fn insert_old(env: &TestEnv, table: &str, rows: &[Row0002]) {
    let mut insert = env
        .store
        .client
        .insert::<Row0002>(table)
        .await
        .expect("insert");
    for row in rows {
        insert.write(row).await.expect("write");
    }
    insert.end().await.expect("end");
}

/// An engagement event of now at `topic`/0/`offset`.
fn row(topic: &str, offset: u64, id: &str) -> Row0002 {
    Row0002 {
        src_topic: topic.into(),
        src_partition: 0,
        src_offset: offset,
        kind: cmp_store::KIND_ENGAGEMENT,
        event_id: id.into(),
        event_time: 1_762_184_520,
        event_ms: 1_762_184_520_000,
        campaign_id: "c".into(),
        channel: "web".into(),
        action: "click".into(),
        count: 1,
        cost_cents: 0,
        program: String::new(),
        service_channel: "".into(),
        stage: "".into(),
        segment: "unspecified".into(),
        region: "MB".into(),
        language: "en".into(),
        client_hash: String::new(),
        ingested_at: 1_762_184_600,
    }
}

/// Every row of a ledger table, by coordinates and id (0002's columns).
async fn ledger(env: &TestEnv, table: &str) -> Vec<Row0002> {
    env.store
        .client
        .query(&format!(
            "SELECT ?fields FROM {table} ORDER BY src_topic, src_partition, src_offset, event_id"
        ))
        .fetch_all()
        .await
        .expect("select")
}

/// Events in the engagement rollup.
async fn rolled_up(env: &TestEnv) -> u64 {
    env.store
        .client
        .query("SELECT countMerge(events) FROM engagement_hourly")
        .fetch_one()
        .await
        .expect("rollup")
}
