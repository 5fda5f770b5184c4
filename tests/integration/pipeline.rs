//! The whole path: generator → broker → `cmp-ingest` → ClickHouse ledger,
//! read back through the project's own store code.

use std::time::Duration;

use cmp_tests::generate::generate;
use cmp_tests::{Process, assert_accounted, ledger, migrated, run};

#[tokio::test]
async fn generated_events_reach_the_ledger_exactly_once() {
    let test = "e2e";
    let env = migrated(test, 4).await;
    // Migrating again changes nothing.
    assert!(run(test, "cmp-aggregator", &["migrate"], &env.vars).success());
    let ingest = Process::spawn(test, "ingest", "cmp-ingest", &[], &env.vars);

    let manifest = generate(test, &env, "gen", 7, 5000, &[]);
    assert_eq!(manifest.messages, 5000);
    assert!(manifest.redeliveries > 0 && manifest.refused_total() > 0);

    ledger::assert_exactly(&env.store, &manifest.accepted, Duration::from_secs(120)).await;
    let (stored, dups, refused) = assert_accounted(&ingest, manifest.messages).await;
    assert_eq!(stored as usize, manifest.accepted.len());
    assert_eq!(refused as u64, manifest.refused_total());
    assert_eq!(dups as u64, manifest.redeliveries);
}
