//! Measures the resident memory the dedup index costs per event: fills an
//! index with N distinct event ids spread over the 72-hour horizon and
//! prints the growth of the process's RSS divided by N.
//!
//! `cargo run --release -p cmp-ingest --example dedup_memory -- 1000000`

use cmp_ingest::dedup::{DedupIndex, key};

fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

fn main() {
    let n: i64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let now_ms = 1_795_000_000_000;
    let before = rss_bytes();
    let mut index = DedupIndex::new(now_ms, 72);
    let span = 72 * 3_600_000;
    for i in 0..n {
        let id = format!("e-1-{i}");
        index.insert(key(&id), now_ms - span + (i * span / n.max(1)));
    }
    let after = rss_bytes();
    println!(
        "{} events in the index: RSS grew {:.1} MiB = {:.1} bytes per event",
        index.len(),
        (after - before) as f64 / 1_048_576.0,
        (after - before) as f64 / index.len().max(1) as f64
    );
}
