//! A second `cmp-ingest` member joining a running one mid-stream, seen from
//! the members' logs: which partitions were (re)started after the join, the
//! dedup keys their workers reloaded from the ledger, and how long after
//! the join the last of them resumed. For the rebalance tests and the
//! join-cost benchmark (`deploy/bench/join.sh`).

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::generate::{generate, spawn_generate};
use crate::kafka::held_keys;
use crate::{Manifest, Process, TestEnv, ledger, log_text, wait_until};

/// One "partition resumed from the ledger" line of a member's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resume {
    pub member: String,
    pub at: DateTime<Utc>,
    pub topic: String,
    pub partition: i32,
    /// Offsets of the ledger at or past the first one read: read again.
    pub already_stored: u64,
    pub dedup_keys: u64,
}

/// Every partition resume `member` of `test` has logged so far.
pub fn resumes(test: &str, member: &str) -> Vec<Resume> {
    log_text(test, member)
        .lines()
        .filter(|l| l.contains("partition resumed from the ledger"))
        .filter_map(|l| {
            let at = l.split_whitespace().next()?.parse().ok()?;
            let field = |name: &str| {
                l.split_whitespace()
                    .find_map(|w| w.strip_prefix(name)?.strip_prefix('='))
                    .map(str::to_owned)
            };
            Some(Resume {
                member: member.to_owned(),
                at,
                topic: field("topic")?,
                partition: field("partition")?.parse().ok()?,
                already_stored: field("already_stored")?.parse().ok()?,
                dedup_keys: field("dedup_keys")?.parse().ok()?,
            })
        })
        .collect()
}

/// What a join cost.
#[derive(Debug, Clone)]
pub struct Join {
    /// The partition resumes of both members after the join.
    pub resumed: Vec<Resume>,
    /// From the join to the last of those resumes.
    pub last_resumed_after: Duration,
}

impl Join {
    /// Dedup keys the restarted workers reloaded, in total.
    pub fn dedup_keys(&self) -> u64 {
        self.resumed.iter().map(|r| r.dedup_keys).sum()
    }

    /// The resumes of one member.
    pub fn of(&self, member: &str) -> Vec<&Resume> {
        self.resumed.iter().filter(|r| r.member == member).collect()
    }
}

/// How much traffic a join scenario has.
#[derive(Debug, Clone, Copy)]
pub struct Traffic {
    /// Events `ingest-1` stores before the stream starts.
    pub preload: u64,
    /// Events of the stream (400 a second) during which `ingest-2` joins.
    pub stream: u64,
}

/// Runs the scenario on `env` (migrated; `partitions` per topic), both
/// members with `vars`: `ingest-1` stores the preload, the stream starts,
/// `ingest-2` joins; once `ingest-2` has resumed half the partitions (and
/// 5 s more for the rest to show), the resumes are read; then the stream
/// ends and the ledger and rollups must be exact. `flags` are extra
/// generator flags.
pub async fn join(
    test: &str,
    env: &TestEnv,
    vars: &[(String, String)],
    partitions: usize,
    traffic: Traffic,
    flags: &[&str],
) -> Join {
    let _first = Process::spawn(test, "ingest-1", "cmp-ingest", &[], vars);
    let loaded = generate(test, env, "preload", 61, traffic.preload, flags);
    ledger::assert_exactly(&env.store, &loaded.accepted, Duration::from_secs(300)).await;
    let mut paced = vec!["--rate", "400"];
    paced.extend_from_slice(flags);
    let (mut stream, manifest) = spawn_generate(test, env, "stream", 62, traffic.stream, &paced);
    tokio::time::sleep(Duration::from_secs(2)).await;

    let joined = Utc::now();
    let _second = Process::spawn(test, "ingest-2", "cmp-ingest", &[], vars);
    // Half of the two topics' partitions.
    let share = partitions;
    wait_until(
        "ingest-2 to resume its share of the partitions",
        Duration::from_secs(60),
        || async {
            let n = resumes(test, "ingest-2").len();
            if n >= share {
                Ok(())
            } else {
                Err(format!("{n} of {share}"))
            }
        },
    )
    .await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let resumed: Vec<Resume> = ["ingest-1", "ingest-2"]
        .iter()
        .flat_map(|m| resumes(test, m))
        .filter(|r| r.at > joined)
        .collect();
    let last = resumed.iter().map(|r| r.at).max().unwrap_or(joined);
    let last_resumed_after = (last - joined).to_std().unwrap_or_default();

    assert!(
        stream.wait_exit(Duration::from_secs(120)).await.success(),
        "the stream's generator failed"
    );
    let t = &env.settings.topics;
    let held = held_keys(&env.brokers, &[&t.engagement, &t.uptake]);
    let streamed = Manifest::read(&manifest).held_by_broker(&held);
    let all: BTreeSet<(String, String)> =
        loaded.accepted.union(&streamed.accepted).cloned().collect();
    ledger::assert_exactly(&env.store, &all, Duration::from_secs(180)).await;
    ledger::assert_counted_once(&env.store).await;
    Join {
        resumed,
        last_resumed_after,
    }
}
