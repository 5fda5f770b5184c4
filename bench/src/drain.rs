//! The ceiling: a bare rdkafka consumer with cmp-ingest's fetch settings
//! that reads N messages of the two event topics and drops them. What it
//! costs is the broker's and librdkafka's share of any pipeline on this
//! machine; nothing that reads the same messages can be faster.

use std::time::{Duration, Instant};

use anyhow::Context as _;
use cmp_config::Settings;
use rdkafka::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};

/// Gives up when no message arrived for this long (fewer than N on the broker).
const IDLE_LIMIT: Duration = Duration::from_secs(30);

/// Reads `messages` messages, then prints the time since the consumer was
/// created (group join included, as for cmp-ingest).
pub fn run(settings: &Settings, messages: u64) -> anyhow::Result<()> {
    let start = Instant::now();
    let consumer: BaseConsumer = ClientConfig::new()
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
    let (mut read, mut bytes, mut last) = (0u64, 0u64, Instant::now());
    while read < messages {
        match consumer.poll(Duration::from_millis(100)) {
            Some(Ok(message)) => {
                read += 1;
                bytes += message.payload_len() as u64;
                last = Instant::now();
            }
            // the broker's transient complaints: report and go on
            Some(Err(e)) => eprintln!("drain: {e}"),
            None if last.elapsed() > IDLE_LIMIT => {
                anyhow::bail!("only {read} of {messages} messages after {IDLE_LIMIT:?} idle")
            }
            None => {}
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "drain: {read} messages ({:.0} MiB) in {secs:.2} s = {:.0} msg/s (group join included)",
        bytes as f64 / 1_048_576.0,
        read as f64 / secs
    );
    Ok(())
}
