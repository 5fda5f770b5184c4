//! Partitions changing owner (or not) while a `cmp-ingest` member waits on
//! ClickHouse: whatever the group does, no offset is stored by two owners.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use cmp_tests::generate::generate;
use cmp_tests::relay::Freezer;
use cmp_tests::{Process, ledger, log_text, migrated, wait_until};

use crate::ingest::ONE_PER_BATCH;

/// The tests' `max.poll.interval.ms`: the least librdkafka accepts with the
/// 10 s session timeout.
const MAX_POLL: Duration = Duration::from_secs(10);

/// `vars` with each of `set` set or replaced.
fn with_all(vars: &[(String, String)], set: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = vars
        .iter()
        .filter(|(k, _)| !set.iter().any(|(s, _)| s == k))
        .cloned()
        .collect();
    out.extend(set.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    out
}

/// Waits until the member `name` of `test` was given partitions (its log
/// says so with a non-empty assignment).
async fn wait_assigned(test: &str, name: &str) {
    wait_until(
        &format!("{name} to be assigned partitions"),
        Duration::from_secs(60),
        || async {
            let log = log_text(test, name);
            let assigned = log
                .lines()
                .any(|l| l.contains("partitions assigned") && !l.contains("partitions=0"));
            if assigned {
                Ok(())
            } else {
                Err("no assignment logged".to_owned())
            }
        },
    )
    .await;
}

#[tokio::test]
async fn a_clickhouse_outage_longer_than_max_poll_interval_stores_nothing_twice() {
    // Member A reaches ClickHouse through a relay that freezes (a server
    // that hangs with its connections open), member B directly. A's INSERT
    // hangs for three max.poll.intervals while its small partition queues
    // fill; whoever owns A's partitions meanwhile stores them, then A's
    // held INSERT lands.
    let test = "long_outage";
    let env = migrated(test, 2).await;
    let relay = Freezer::start(env.clickhouse_addr());
    let poll_ms = MAX_POLL.as_millis().to_string();
    let common = [
        ("CMP_KAFKA_MAX_POLL_INTERVAL_MS", poll_ms.as_str()),
        ("CMP_PARTITION_QUEUE", "4"),
    ];
    let direct = with_all(&env.vars, &common);
    let url = format!("http://{}", relay.addr);
    let through = with_all(&direct, &[("CMP_CLICKHOUSE_URL", url.as_str())]);
    let a = Process::spawn(test, "ingest-a", "cmp-ingest", &[], &through);
    wait_assigned(test, "ingest-a").await;
    let b = Process::spawn(test, "ingest-b", "cmp-ingest", &[], &direct);
    wait_assigned(test, "ingest-b").await;

    // Both members own partitions (and have resumed them from the ledger).
    let first = generate(test, &env, "first", 41, 200, &ONE_PER_BATCH);
    ledger::assert_exactly(&env.store, &first.accepted, Duration::from_secs(60)).await;
    for member in [&a, &b] {
        let read = member
            .metric_sum("cmp_ingest_messages_read_total")
            .await
            .expect("metrics");
        assert!(read > 0.0, "{} owns no partition", member.name);
    }

    relay.set_frozen(true);
    let second = generate(test, &env, "second", 42, 400, &ONE_PER_BATCH);
    let all: BTreeSet<(String, String)> = first.accepted.union(&second.accepted).cloned().collect();
    // The outage lasts three max.poll.intervals, or until every event is
    // stored although A's INSERT still hangs (its partitions moved to B).
    let down = Instant::now();
    let mut stored = 0;
    while down.elapsed() < 3 * MAX_POLL && stored < all.len() as u64 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        stored = ledger::row_count(&env.store).await.unwrap_or(stored);
    }
    eprintln!(
        "outage of {:?}: {stored} of {} events stored meanwhile",
        down.elapsed(),
        all.len()
    );
    relay.set_frozen(false);

    let want = all.len() as u64;
    wait_until("every event stored", Duration::from_secs(120), || async {
        let n = ledger::row_count(&env.store).await?;
        if n >= want {
            Ok(())
        } else {
            Err(format!("{n} of {want} rows"))
        }
    })
    .await;
    // A's held INSERT, if it was to land twice, has landed now.
    tokio::time::sleep(Duration::from_secs(2)).await;
    ledger::assert_counted_once(&env.store).await;
    ledger::assert_exactly(&env.store, &all, Duration::from_secs(10)).await;
    drop((a, b));
}
