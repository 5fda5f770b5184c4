//! A partition worker that dies (a bug: a panic) must not stall its
//! partition unseen: the process stops with a failure status, once the
//! other workers have flushed and committed, so that its supervisor starts
//! it again, and the partition is read again from its committed offset.

use std::time::{Duration, Instant};

use cmp_tests::generate::generate;
use cmp_tests::kafka::read_all;
use cmp_tests::{Process, TestEnv, ledger, log_text, migrated};
use rdkafka::Message;

use crate::ingest::ONE_PER_BATCH;

/// The offset of engagement partition 0 whose arrival makes its worker
/// panic (`CMP_TEST_PANIC_AT`, honoured by debug builds only).
const PANIC_AT: i64 = 20;

/// Rows the ledger holds from `topic` partition 0 at offsets `PANIC_AT` on.
async fn stored_from_panic(env: &TestEnv, topic: &str) -> u64 {
    env.store
        .client
        .query("SELECT count() FROM events WHERE src_topic = ? AND src_partition = 0 AND src_offset >= ?")
        .bind(topic)
        .bind(PANIC_AT)
        .fetch_one::<u64>()
        .await
        .expect("count the partition's rows")
}

#[tokio::test]
async fn a_worker_panic_stops_the_process_and_its_next_start_stores_everything_once() {
    let test = "worker_panic";
    let env = migrated(test, 2).await;
    let topic = env.settings.topics.engagement.clone();
    let hook = format!("{topic}:0:{PANIC_AT}");
    let mut first = Process::spawn(
        test,
        "ingest-1",
        "cmp-ingest",
        &[],
        &env.with("CMP_TEST_PANIC_AT", &hook),
    );
    let manifest = generate(test, &env, "gen", 51, 600, &ONE_PER_BATCH);
    let behind = read_all(&env.brokers, &topic)
        .iter()
        .filter(|m| m.partition() == 0 && m.offset() >= PANIC_AT)
        .count();
    assert!(behind > 0, "no offset {PANIC_AT} in partition 0 of {topic}");

    let produced = Instant::now();
    let status = loop {
        if let Some(status) = first.exit_status() {
            break status;
        }
        if produced.elapsed() > Duration::from_secs(60) {
            let ready = first.get("/readyz").await.map(|(code, _)| code);
            let rows = ledger::row_count(&env.store).await.unwrap_or_default();
            let stored = stored_from_panic(&env, &topic).await;
            panic!(
                "cmp-ingest still runs 60 s after the messages were produced, /readyz answers {ready:?}, \
                 the ledger holds {rows} of {} events; of the {behind} messages of partition 0 from \
                 offset {PANIC_AT} (where its worker panicked), {stored} are stored",
                manifest.accepted.len()
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(
        !status.success(),
        "exit status {status:?}: a dead worker must fail the process"
    );
    let log = log_text(test, "ingest-1");
    assert!(
        log.lines()
            .any(|l| l.contains("ERROR") && l.contains("partition worker panicked")),
        "no error line about the panic:\n{log}"
    );

    let _second = Process::spawn(test, "ingest-2", "cmp-ingest", &[], &env.vars);
    ledger::assert_exactly(&env.store, &manifest.accepted, Duration::from_secs(120)).await;
    ledger::assert_counted_once(&env.store).await;
}
