//! Running the traffic generator against a test's topics, keeping its manifest.

use std::path::PathBuf;

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
