//! The dedup index of one partition (`cmp_ingest::dedup`): hashing an
//! event id, inserting an accepted event, and checking a new or a repeated
//! one, with the index holding 1 M events spread over its 72-hour horizon
//! (about a day's traffic of a busy partition). Memory per event is
//! measured by `cargo run --release -p cmp-ingest --example dedup_memory`.

use std::hint::black_box;

use cmp_ingest::dedup::{DedupIndex, key};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

const NOW_MS: i64 = 1_795_000_000_000;
const SPAN_MS: i64 = 72 * 3_600_000;
const HELD: i64 = 1_000_000;
const BATCH: i64 = 10_000;

/// The event time of the i-th of n events spread over the horizon.
fn time(i: i64, n: i64) -> i64 {
    NOW_MS - SPAN_MS + i * SPAN_MS / n
}

fn filled() -> DedupIndex {
    let mut index = DedupIndex::new(NOW_MS, 72);
    for i in 0..HELD {
        index.insert(key(&format!("e-1-{i}")), time(i, HELD));
    }
    index
}

fn bench(c: &mut Criterion) {
    let index = filled();
    let ids: Vec<String> = (0..BATCH).map(|i| format!("web-7-{i:08}")).collect();
    let keys: Vec<u64> = ids.iter().map(|id| key(id)).collect();
    let held: Vec<(u64, i64)> = (0..BATCH)
        .map(|i| {
            let j = i * (HELD / BATCH);
            (key(&format!("e-1-{j}")), time(j, HELD))
        })
        .collect();
    let mut group = c.benchmark_group("dedup");
    group.throughput(Throughput::Elements(BATCH as u64));
    group.bench_function("key", |b| {
        b.iter(|| {
            ids.iter()
                .map(|id| key(black_box(id)))
                .fold(0, u64::wrapping_add)
        })
    });
    group.bench_function("check_new", |b| {
        b.iter(|| {
            keys.iter()
                .enumerate()
                .filter(|(i, k)| {
                    index.check(**k, time(*i as i64, BATCH))
                        == black_box(cmp_ingest::dedup::Verdict::New)
                })
                .count()
        })
    });
    group.bench_function("check_repeat", |b| {
        b.iter(|| {
            held.iter()
                .filter(|(k, t)| {
                    index.check(*k, *t) == black_box(cmp_ingest::dedup::Verdict::Duplicate)
                })
                .count()
        })
    });
    group.bench_function("insert", |b| {
        b.iter_batched_ref(
            || DedupIndex::new(NOW_MS, 72),
            |index| {
                for (i, k) in keys.iter().enumerate() {
                    index.insert(*k, time(i as i64, BATCH));
                }
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
