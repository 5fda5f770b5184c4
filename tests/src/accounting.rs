//! A test pipeline's setup and its ingest accounting.

use std::time::Duration;

use crate::{Process, TestEnv, run, wait_until};

/// A fresh test environment with the schema migrated by `cmp-aggregator migrate`.
pub async fn migrated(test: &str, partitions: i32) -> TestEnv {
    let env = TestEnv::new(test, partitions).await;
    assert!(run(test, "cmp-aggregator", &["migrate"], &env.vars).success());
    env
}

/// A fresh test environment at an older schema: the first `n` migrations
/// applied and recorded, as an older release left it.
pub async fn migrated_to(test: &str, partitions: i32, n: usize) -> TestEnv {
    let env = TestEnv::new(test, partitions).await;
    let client = &env.store.client;
    env.store.create_database().await.expect("create database");
    for m in &cmp_store::MIGRATIONS[..n] {
        for statement in m.statements() {
            client
                .query(&statement)
                .execute()
                .await
                .expect("old migration");
        }
        client
            .query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, now())")
            .bind(m.version)
            .bind(m.name)
            .execute()
            .await
            .expect("record");
    }
    env
}

/// Waits until an ingest process's metrics account for `messages`, checks
/// read = stored + duplicates + refused, and returns (stored, duplicates, refused).
pub async fn assert_accounted(p: &Process, messages: u64) -> (f64, f64, f64) {
    wait_until(
        "every message accounted for",
        Duration::from_secs(60),
        || async {
            let read = p
                .metric_sum("cmp_ingest_messages_read_total")
                .await
                .ok_or("no metrics")?;
            if read as u64 >= messages {
                Ok(())
            } else {
                Err(format!("read {read} of {messages}"))
            }
        },
    )
    .await;
    let read = p
        .metric_sum("cmp_ingest_messages_read_total")
        .await
        .expect("metrics");
    let stored = p
        .metric_sum("cmp_ingest_events_stored_total")
        .await
        .expect("metrics");
    let dups = p
        .metric_sum("cmp_ingest_duplicates_total")
        .await
        .expect("metrics");
    let refused = p
        .metric_sum("cmp_ingest_refused_total")
        .await
        .expect("metrics");
    assert_eq!(
        read,
        stored + dups + refused,
        "read = stored + duplicates + refused"
    );
    assert_eq!(read as u64, messages, "messages read");
    (stored, dups, refused)
}
