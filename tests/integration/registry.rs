//! Concurrent writes to the registry from two real `cmp-api` processes:
//! many PUTs of distinct bodies for one campaign (and its target set) at
//! once, from both, with reads in between. Every read must be one of the
//! bodies sent, whole; once the writes settle, both processes read the
//! same current version, and a merge of the table's parts does not change
//! which one it is.

use std::time::Duration;

use chrono::NaiveDate;
use cmp_tests::api_env::ApiEnv;
use cmp_tests::http::request;
use cmp_tests::{Process, migrated};
use serde_json::Value;

/// Bodies written per round, half through each process.
const WRITERS: usize = 24;
/// Reads per round, half through each process, started with the writes.
const READERS: usize = 12;
const ROUNDS: usize = 8;
const CAMPAIGN: &str = "/api/v1/campaigns/race-2026";

/// The two writers: token, name (`changed_by`), role.
const TOKENS: [(&str, &str, &str, Option<&str>); 2] = [
    ("t-a", "writer-a", "admin", None),
    ("t-b", "writer-b", "admin", None),
];

/// Campaign body `i`: every field says `i`.
fn campaign(i: usize) -> String {
    let start = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date") + chrono::Days::new(i as u64);
    serde_json::json!({
        "name": {"en": format!("en-{i}"), "fr": format!("fr-{i}")},
        "program": format!("p{i}"),
        "start_date": start.to_string(),
        "end_date": (start + chrono::Days::new(400 + i as u64)).to_string(),
        "budget_cents": 1_000_000 + i as u64,
    })
    .to_string()
}

/// Target set body `i`: its one target says `i`.
fn targets(i: usize) -> String {
    format!(r#"[{{"kpi":"clicks","target":{}}}]"#, 1_000 + i)
}

/// Which body a campaign read is, if it is one of them whole.
fn campaign_body_of(v: &Value) -> Option<usize> {
    let i: usize = v["name"]["en"]
        .as_str()?
        .strip_prefix("en-")?
        .parse()
        .ok()?;
    let sent: Value = serde_json::from_str(&campaign(i)).ok()?;
    let same = ["name", "program", "start_date", "end_date", "budget_cents"]
        .iter()
        .all(|f| v[f] == sent[f]);
    same.then_some(i)
}

/// Which body a target set read is (its target and who wrote it), if whole.
fn targets_body_of(v: &Value) -> Option<usize> {
    let target = v["targets"][0]["target"].as_f64()?;
    let i = (target as usize).checked_sub(1_000)?;
    let writer = if i % 2 == 0 { "writer-a" } else { "writer-b" };
    (v["changed_by"] == writer && v["targets"].as_array()?.len() == 1).then_some(i)
}

#[derive(Debug, Default)]
struct Tally {
    reads: usize,
    mixed: Vec<String>,
}

#[tokio::test]
async fn concurrent_puts_from_two_api_processes_read_back_whole() {
    let test = "registry_race";
    let env = migrated(test, 1).await;
    let tokens = cmp_tests::tokens::tokens_toml(&TOKENS);
    let a_env = ApiEnv::new(&format!("{test}_a"), &env.vars, &tokens);
    let b_env = ApiEnv::new(&format!("{test}_b"), &env.vars, &tokens);
    let _a = Process::spawn(test, "api-a", "cmp-api", &[], &a_env.vars);
    let _b = Process::spawn(test, "api-b", "cmp-api", &[], &b_env.vars);
    a_env.wait_until_answering().await;
    b_env.wait_until_answering().await;
    let apis = [(a_env.addr, "t-a"), (b_env.addr, "t-b")];
    let put = request(apis[0].0, "PUT", CAMPAIGN, Some("t-a"), Some(&campaign(0))).await;
    assert_eq!(put.status, 201, "{}", put.body);

    let mut tally = [Tally::default(), Tally::default()];
    for round in 0..ROUNDS {
        let mut tasks = Vec::new();
        for w in 0..WRITERS {
            let i = 1 + round * WRITERS + w;
            let (addr, token) = apis[i % 2];
            tasks.push(tokio::spawn(async move {
                let c = request(addr, "PUT", CAMPAIGN, Some(token), Some(&campaign(i))).await;
                assert_eq!(c.status, 200, "{}", c.body);
                let path = format!("{CAMPAIGN}/targets");
                let t = request(addr, "PUT", &path, Some(token), Some(&targets(i))).await;
                assert_eq!(t.status, 200, "{}", t.body);
                None
            }));
        }
        for r in 0..READERS {
            let (addr, token) = apis[r % 2];
            tasks.push(tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(5 * r as u64)).await;
                let c = request(addr, "GET", CAMPAIGN, Some(token), None).await;
                let path = format!("{CAMPAIGN}/targets");
                let t = request(addr, "GET", &path, Some(token), None).await;
                Some((c, t))
            }));
        }
        for task in tasks {
            if let Some((c, t)) = task.await.expect("task") {
                assert_eq!(c.status, 200, "{}", c.body);
                // An empty set, never changed, until the first one is stored.
                let t = Some(t.json()).filter(|t| !t["changed_at"].is_null());
                judge(&mut tally, &c.json(), t.as_ref());
            }
        }
    }
    // Settled: both processes read one current version, and a merge keeps it.
    let current = |addr| async move {
        let c = request(addr, "GET", CAMPAIGN, Some("t-a"), None)
            .await
            .json();
        let path = format!("{CAMPAIGN}/targets");
        let t = request(addr, "GET", &path, Some("t-a"), None).await.json();
        (campaign_body_of(&c), targets_body_of(&t))
    };
    let before = current(apis[0].0).await;
    for table in ["campaigns", "target_sets"] {
        env.store
            .client
            .query(&format!("OPTIMIZE TABLE {table} FINAL"))
            .execute()
            .await
            .expect("optimize");
    }
    // Past the API's data-version poll, so nothing is served from before the merge.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = [current(apis[0].0).await, current(apis[1].0).await];
    let [campaigns, target_sets] = &tally;
    let mut tied = Vec::new();
    for table in ["campaigns", "target_sets"] {
        let sql = format!(
            "SELECT toUInt64(count()) FROM (SELECT changed_at FROM {table} GROUP BY changed_at HAVING count() > 1)"
        );
        let q = env.store.client.query(&sql);
        tied.push(q.fetch_one::<u64>().await.expect("tied stamps"));
    }
    println!(
        "campaign reads {} (mixed {}), target set reads {} (mixed {}); seconds shared by several versions: {tied:?}; current before the merge {before:?}, after {after:?}",
        campaigns.reads,
        campaigns.mixed.len(),
        target_sets.reads,
        target_sets.mixed.len()
    );
    assert!(tied.iter().all(|&n| n > 0), "no two writes raced: {tied:?}");
    assert!(
        campaigns.mixed.is_empty(),
        "{} of {} campaign reads mixed the fields of several bodies, e.g. {:?}",
        campaigns.mixed.len(),
        campaigns.reads,
        campaigns.mixed.first()
    );
    assert!(
        target_sets.mixed.is_empty(),
        "{} of {} target set reads mixed several bodies, e.g. {:?}",
        target_sets.mixed.len(),
        target_sets.reads,
        target_sets.mixed.first()
    );
    assert!(before.0.is_some() && before.1.is_some(), "{before:?}");
    assert_eq!(
        after,
        [before, before],
        "the current version changed without a write (a merge of parts), or the two processes disagree"
    );
}

fn judge(tally: &mut [Tally; 2], campaign: &Value, targets: Option<&Value>) {
    tally[0].reads += 1;
    if campaign_body_of(campaign).is_none() {
        tally[0].mixed.push(campaign.to_string());
    }
    if let Some(targets) = targets {
        tally[1].reads += 1;
        if targets_body_of(targets).is_none() {
            tally[1].mixed.push(targets.to_string());
        }
    }
}
