//! Running the traffic generator against a test's topics, keeping its manifest.

use std::path::PathBuf;

use std::collections::BTreeSet;

use chrono::{DateTime, Duration as Span, Utc};
use cmp_loadgen::GenConfig;
use cmp_model::Event;

use crate::brute::regenerate;
use crate::{Manifest, Process, TestEnv, run};

/// Where a test's manifest goes.
pub fn manifest_path(test: &str, tag: &str) -> PathBuf {
    std::env::temp_dir().join(format!("cmp-{test}-{tag}-{}.manifest", std::process::id()))
}

/// The generator's arguments for `env`'s topics.
pub fn args(
    env: &TestEnv,
    seed: u64,
    count: u64,
    manifest: &std::path::Path,
    extra: &[&str],
) -> Vec<String> {
    let t = &env.settings.topics;
    let mut a: Vec<String> = [
        "--brokers",
        &env.brokers,
        "--topic-engagement",
        &t.engagement,
        "--topic-uptake",
        &t.uptake,
        "--seed",
        &seed.to_string(),
        "--count",
        &count.to_string(),
        "--manifest",
        manifest.to_str().unwrap_or_default(),
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    a.extend(extra.iter().map(|s| (*s).to_owned()));
    a
}

/// Produces `count` messages and returns what the generator says it produced.
pub fn generate(
    test: &str,
    env: &TestEnv,
    tag: &str,
    seed: u64,
    count: u64,
    extra: &[&str],
) -> Manifest {
    let path = manifest_path(test, tag);
    let _ = std::fs::remove_file(&path);
    let args = args(env, seed, count, &path, extra);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert!(
        run(test, "cmp-loadgen", &args, &env.vars).success(),
        "cmp-loadgen failed"
    );
    Manifest::read(&path)
}

/// Starts the generator in the background; read the manifest once it exits.
pub fn spawn_generate(
    test: &str,
    env: &TestEnv,
    tag: &str,
    seed: u64,
    count: u64,
    extra: &[&str],
) -> (Process, PathBuf) {
    let path = manifest_path(test, tag);
    let _ = std::fs::remove_file(&path);
    let args = args(env, seed, count, &path, extra);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    (
        Process::spawn(test, tag, "cmp-loadgen", &args, &env.vars),
        path,
    )
}

/// Generates `count` messages around `anchor` (spread back `spread_days`,
/// a tenth of them 1 to 30 days later than that), returns the accepted
/// events as regenerated in-process and the manifest's accepted keys.
pub fn traffic(
    test: &str,
    env: &TestEnv,
    seed: u64,
    anchor: DateTime<Utc>,
    spread_days: i64,
    count: u64,
) -> (Vec<Event>, BTreeSet<(String, String)>, u64) {
    let at = anchor.to_rfc3339();
    let spread = format!("{spread_days}d");
    let extra = [
        "--now",
        &at,
        "--spread",
        &spread,
        "--late",
        "0.1",
        "--clients",
        "500",
        "--invalid",
        "0",
    ];
    let manifest = generate(test, env, &format!("gen{seed}"), seed, count, &extra);
    let config = GenConfig {
        seed,
        now: anchor,
        spread: Span::days(spread_days),
        late_share: 0.1,
        clients_per_campaign: 500,
        // Ingest here keeps events a refusal test would call too old.
        invalid_share: 0.0,
        ..GenConfig::default()
    };
    // Decoded as of the anchor: the in-process decoder's 90-day limit.
    let regenerated = regenerate(config, count as usize, anchor);
    let ids: BTreeSet<&str> = regenerated.iter().map(|(id, _)| id.as_str()).collect();
    let produced: BTreeSet<&str> = manifest
        .accepted
        .iter()
        .map(|(_, id)| id.as_str())
        .collect();
    assert_eq!(ids, produced, "seed {seed}: regenerated = produced");
    (
        regenerated.into_iter().map(|(_, e)| e).collect(),
        manifest.accepted,
        manifest.messages,
    )
}
