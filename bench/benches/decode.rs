//! Decode+validate per message (`cmp_model::decode`) against the bare
//! parse of the same bytes by `serde_json::from_slice`, into a
//! `serde_json::Value` (what a consumer that only parses would do) and into
//! `IgnoredAny` (syntax only: the least any JSON reader can do). The
//! messages are the generator's realistic mix, refusals included except
//! `too_large` ones: decode refuses those on their length alone, while a
//! parser reads all 64 KiB, which would flatter decode.
//! `deploy/bench/micro.sh` prints the ratios.

use std::hint::black_box;

use cmp_loadgen::{GenConfig, Generator};
use cmp_model::{Limits, decode};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const MESSAGES: usize = 10_000;

fn messages() -> (Vec<cmp_loadgen::Message>, GenConfig) {
    let config = GenConfig::default();
    let generator = Generator::new(config.clone()).expect("the default configuration is valid");
    let max = Limits::default().max_bytes;
    let messages = generator
        .filter(|m| m.payload.len() <= max)
        .take(MESSAGES)
        .collect();
    (messages, config)
}

fn bench(c: &mut Criterion) {
    let (messages, config) = messages();
    let limits = Limits::default();
    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Elements(messages.len() as u64));
    group.bench_function("decode_validate", |b| {
        b.iter(|| {
            for m in &messages {
                let _ = black_box(decode(black_box(&m.payload), m.topic, config.now, &limits));
            }
        })
    });
    group.bench_function("serde_json_value", |b| {
        b.iter(|| {
            for m in &messages {
                let _ = black_box(serde_json::from_slice::<serde_json::Value>(black_box(
                    &m.payload,
                )));
            }
        })
    });
    group.bench_function("serde_json_ignored", |b| {
        b.iter(|| {
            for m in &messages {
                let _ = black_box(serde_json::from_slice::<serde::de::IgnoredAny>(black_box(
                    &m.payload,
                )));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
