//! The whole path: generator → broker → `cmp-ingest` → ClickHouse ledger,
//! read back through the project's own store code.

use std::time::Duration;

use cmp_tests::{Manifest, Process, TestEnv, ledger, run, wait_until};

#[tokio::test]
async fn generated_events_reach_the_ledger_exactly_once() {
    let test = "e2e";
    let env = TestEnv::new(test, 4).await;
    assert!(run(test, "cmp-aggregator", &["migrate"], &env.vars).success());
    assert!(run(test, "cmp-aggregator", &["migrate"], &env.vars).success());
    let ingest = Process::spawn(test, "ingest", "cmp-ingest", &[], &env.vars);

    let manifest_path =
        std::env::temp_dir().join(format!("cmp-{test}-{}.manifest", std::process::id()));
    let t = &env.settings.topics;
    let produced = run(
        test,
        "cmp-loadgen",
        &[
            "--brokers",
            &env.brokers,
            "--topic-engagement",
            &t.engagement,
            "--topic-uptake",
            &t.uptake,
            "--seed",
            "7",
            "--count",
            "5000",
            "--manifest",
            manifest_path.to_str().expect("utf-8 path"),
        ],
        &env.vars,
    );
    assert!(produced.success(), "cmp-loadgen failed");
    let manifest = Manifest::read(&manifest_path);
    assert_eq!(manifest.messages, 5000);
    assert!(manifest.redeliveries > 0 && manifest.refused_total() > 0);

    let expected = manifest.accepted.len() as u64;
    wait_until(
        "every accepted event stored",
        Duration::from_secs(120),
        || async {
            let n = ledger::row_count(&env.store).await?;
            if n >= expected {
                Ok(())
            } else {
                Err(format!("{n} of {expected} rows"))
            }
        },
    )
    .await;
    // Let any straggler (a double store would be one) arrive before comparing.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (keys, rows) = ledger::stored_keys(&env.store).await.expect("read ledger");
    assert_eq!(rows, keys.len(), "some event was stored twice");
    assert_eq!(
        keys, manifest.accepted,
        "stored set differs from the accepted set"
    );

    let read = wait_until(
        "every message accounted for",
        Duration::from_secs(30),
        || async {
            let read = ingest
                .metric_sum("cmp_ingest_messages_read_total")
                .await
                .ok_or("no metrics")?;
            if read as u64 == manifest.messages {
                Ok(read)
            } else {
                Err(format!("read {read}"))
            }
        },
    )
    .await;
    let stored = ingest
        .metric_sum("cmp_ingest_events_stored_total")
        .await
        .expect("metrics");
    let dups = ingest
        .metric_sum("cmp_ingest_duplicates_total")
        .await
        .expect("metrics");
    let refused = ingest
        .metric_sum("cmp_ingest_refused_total")
        .await
        .expect("metrics");
    assert_eq!(
        read,
        stored + dups + refused,
        "read = stored + duplicates + refused"
    );
    assert_eq!(stored as u64, expected);
    assert_eq!(refused as u64, manifest.refused_total());
    assert_eq!(dups as u64, manifest.redeliveries);
}
