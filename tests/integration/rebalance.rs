//! Partitions changing owner (or not) while a `cmp-ingest` member waits on
//! ClickHouse: whatever the group does, no offset is stored by two owners.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use cmp_tests::generate::generate;
use cmp_tests::join::{self, Traffic};
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

#[tokio::test]
async fn a_member_joining_restarts_only_the_partitions_it_takes() {
    // Each restarted partition drops its worker's batch and reloads its
    // dedup keys from the ledger: a join should cost only the partitions
    // that move. The new owner re-reading nothing stored shows the revoked
    // workers' finished batches were committed.
    let test = "join_moves";
    let env = migrated(test, 4).await;
    let traffic = Traffic {
        preload: 2_000,
        stream: 8_000,
    };
    let join = join::join(test, &env, &env.vars, 4, traffic, &ONE_PER_BATCH).await;
    let kept: Vec<_> = join.of("ingest-1");
    assert!(
        kept.is_empty(),
        "ingest-1 restarted {} partitions it kept or gave away when ingest-2 joined: {kept:#?}",
        kept.len()
    );
    assert_eq!(join.of("ingest-2").len(), 4, "ingest-2's share");
    let re_read: u64 = join.resumed.iter().map(|r| r.already_stored).sum();
    assert_eq!(re_read, 0, "offsets read again by the new owner: {join:#?}");
}

#[tokio::test]
#[ignore = "a benchmark: run by deploy/bench/join.sh"]
async fn join_cost() {
    // BENCHMARKS.md: the cost of a member joining a running one, eager
    // (`range`) against cooperative (`cooperative-sticky`) assignment.
    let runs: usize = std::env::var("CMP_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let traffic = Traffic {
        preload: 20_000,
        stream: 16_000,
    };
    let mut lines = Vec::new();
    for strategy in ["range", "cooperative-sticky"] {
        let mut costs = Vec::new();
        for run in 0..runs {
            let test = format!("join_cost_{}_{run}", strategy.replace('-', "_"));
            let env = migrated(&test, 8).await;
            let vars = env.with("CMP_KAFKA_ASSIGNMENT", strategy);
            let j = join::join(&test, &env, &vars, 8, traffic, &ONE_PER_BATCH).await;
            eprintln!(
                "{strategy} run {run}: {} partitions restarted, {} dedup keys reloaded, last resumed {:.2} s after the join",
                j.resumed.len(),
                j.dedup_keys(),
                j.last_resumed_after.as_secs_f64()
            );
            costs.push(j);
        }
        let median = |mut v: Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        lines.push(format!(
            "{strategy}: median of {runs}: {} partitions restarted, {} dedup keys reloaded, last partition resumed {:.2} s after the join",
            median(costs.iter().map(|j| j.resumed.len() as f64).collect()),
            median(costs.iter().map(|j| j.dedup_keys() as f64).collect()),
            median(costs.iter().map(|j| j.last_resumed_after.as_secs_f64()).collect()),
        ));
    }
    println!(
        "join cost: 2 x 8 partitions, {} events stored, a second member joins during a 400/s stream",
        traffic.preload
    );
    for l in lines {
        println!("{l}");
    }
}
