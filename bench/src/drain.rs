//! The ceiling: bare rdkafka consumers with cmp-ingest's fetch settings
//! that read N messages of the two event topics and drop them. What they
//! cost is the broker's and librdkafka's share of any pipeline on this
//! machine; nothing that reads the same messages over as many connections
//! with the same fetch settings can be faster. `consumers` > 1 runs that
//! many in one group, one thread each. `fetch_wait_ms` sets
//! `fetch.wait.max.ms` (librdkafka's default, as in cmp-ingest, is 500):
//! tansu 0.6 holds every fetch that long even when it has data, which
//! caps what one connection reads (BENCHMARKS.md).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use cmp_config::Settings;
use rdkafka::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};

/// Gives up when no message arrived for this long (fewer than N on the broker).
const IDLE_LIMIT: Duration = Duration::from_secs(30);

/// Reads `messages` messages with `consumers` consumers, then prints the
/// time since they were created (group join included, as for cmp-ingest).
pub fn run(
    settings: &Settings,
    messages: u64,
    consumers: u32,
    fetch_wait_ms: Option<u32>,
) -> anyhow::Result<()> {
    let start = Instant::now();
    let read = AtomicU64::new(0);
    let bytes = AtomicU64::new(0);
    std::thread::scope(|scope| {
        let threads: Vec<_> = (0..consumers)
            .map(|_| scope.spawn(|| drain(settings, messages, fetch_wait_ms, &read, &bytes)))
            .collect();
        threads.into_iter().try_for_each(|t| {
            t.join()
                .map_err(|_| anyhow::anyhow!("a consumer thread panicked"))?
        })
    })?;
    let secs = start.elapsed().as_secs_f64();
    let read = read.load(Ordering::Relaxed);
    println!(
        "drain: {read} messages ({:.0} MiB) with {consumers} consumer(s), fetch.wait.max.ms {} in {secs:.2} s = {:.0} msg/s (group join included)",
        bytes.load(Ordering::Relaxed) as f64 / 1_048_576.0,
        fetch_wait_ms.map_or("default".to_owned(), |ms| ms.to_string()),
        read as f64 / secs
    );
    Ok(())
}

/// One consumer: reads until the consumers together have `messages`.
fn drain(
    settings: &Settings,
    messages: u64,
    fetch_wait_ms: Option<u32>,
    read: &AtomicU64,
    bytes: &AtomicU64,
) -> anyhow::Result<()> {
    let mut config = ClientConfig::new();
    if let Some(ms) = fetch_wait_ms {
        config.set("fetch.wait.max.ms", ms.to_string());
    }
    let consumer: BaseConsumer = config
        .set("bootstrap.servers", &settings.kafka_brokers)
        .set("group.id", &settings.kafka_group)
        .set("enable.auto.commit", "false")
        .set("auto.offset.reset", "earliest")
        .set("session.timeout.ms", "10000")
        .set("heartbeat.interval.ms", "1000")
        .set("queued.max.messages.kbytes", "16384")
        .create()
        .context("cannot create the consumer")?;
    consumer.subscribe(&[&settings.topics.engagement, &settings.topics.uptake])?;
    let mut last = Instant::now();
    while read.load(Ordering::Relaxed) < messages {
        match consumer.poll(Duration::from_millis(100)) {
            Some(Ok(message)) => {
                read.fetch_add(1, Ordering::Relaxed);
                bytes.fetch_add(message.payload_len() as u64, Ordering::Relaxed);
                last = Instant::now();
            }
            // the broker's transient complaints: report and go on
            Some(Err(e)) => eprintln!("drain: {e}"),
            None if last.elapsed() > IDLE_LIMIT => anyhow::bail!(
                "only {} of {messages} messages after {IDLE_LIMIT:?} idle",
                read.load(Ordering::Relaxed)
            ),
            None => {}
        }
    }
    Ok(())
}
