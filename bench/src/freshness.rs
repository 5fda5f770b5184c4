//! The freshness probe: produces generated contract traffic (the realistic
//! mix: re-deliveries and refusals included) at a fixed rate on its own
//! thread, polls a [`crate::visibility::Point`] every [`POLL`] meanwhile, and prints the
//! quantiles of the time from each accepted event's send to its visibility
//! (see [`crate::latency`] for how counts become latencies). The database
//! must be fresh: everything visible is taken for the probe's events.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use cmp_config::Settings;
use cmp_loadgen::{Expect, GenConfig, Generator};
use cmp_model::Topic;
use cmp_store::Store;
use rdkafka::ClientConfig;
use rdkafka::client::ClientContext;
use rdkafka::error::KafkaError;
use rdkafka::producer::{BaseRecord, DeliveryResult, Producer, ProducerContext, ThreadedProducer};
use rdkafka::types::RDKafkaErrorCode;

use crate::cli::FreshnessOptions;
use crate::latency::{Sample, latencies, quantile};
use crate::visibility::Visibility;

/// How often the visibility point is asked (at most: an answer may take
/// longer).
const POLL: Duration = Duration::from_millis(50);

/// How long to wait, after the last send, for the last events to show.
const SETTLE: Duration = Duration::from_secs(30);

/// Counts failed deliveries (librdkafka calls back on its own thread).
#[derive(Default)]
struct Failures(AtomicU64);

impl ClientContext for Failures {}

impl ProducerContext for Failures {
    type DeliveryOpaque = ();

    fn delivery(&self, result: &DeliveryResult<'_>, _: ()) {
        if result.is_err() {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// What the producing thread did.
struct Produced {
    /// Send instants (since the start) of the accepted events the point
    /// counts, in order, with what each adds to its count.
    accepted: Vec<(Duration, u64)>,
    /// Accepted events, counted by the point or not.
    accepted_all: u64,
    /// Messages sent, all verdicts.
    sent: u64,
    /// Deliveries that failed.
    failed: u64,
    /// When the last message was handed to librdkafka.
    last_send: Duration,
}

/// Runs the probe and prints its figures.
pub async fn run(settings: &Settings, options: FreshnessOptions) -> anyhow::Result<()> {
    let store = Store::new(settings);
    let point = Arc::new(Visibility::open(options.point, &store).await?);
    let baseline = point.visible().await.context("visibility point")?;
    let start = Instant::now();
    let producer = {
        let (settings, point) = (settings.clone(), point.clone());
        let (rate, duration, seed) = (options.rate, options.duration, options.seed);
        tokio::task::spawn_blocking(move || produce(&settings, &point, rate, duration, seed, start))
    };
    let mut samples = Vec::new();
    while !producer.is_finished() {
        let visible = point.visible().await?.saturating_sub(baseline);
        samples.push(Sample {
            at: start.elapsed(),
            visible,
        });
        tokio::time::sleep(POLL).await;
    }
    let produced = producer.await??;
    let expected = produced.accepted.iter().map(|(_, weight)| weight).sum();
    let deadline = Instant::now() + SETTLE;
    while samples.last().is_none_or(|s| s.visible < expected) && Instant::now() < deadline {
        tokio::time::sleep(POLL).await;
        let visible = point.visible().await?.saturating_sub(baseline);
        samples.push(Sample {
            at: start.elapsed(),
            visible,
        });
    }
    report(&options, &produced, &samples);
    Ok(())
}

/// Sends `rate` messages a second for `duration`, each at its due instant
/// (never ahead of it), and waits for every delivery.
fn produce(
    settings: &Settings,
    point: &Visibility,
    rate: f64,
    duration: Duration,
    seed: u64,
    start: Instant,
) -> anyhow::Result<Produced> {
    let producer: ThreadedProducer<Failures> = ClientConfig::new()
        .set("bootstrap.servers", &settings.kafka_brokers)
        .set("enable.idempotence", "true")
        .set("linger.ms", "5")
        .create_with_context(Failures::default())
        .context("cannot create the producer")?;
    let generator = Generator::new(GenConfig {
        seed,
        now: chrono::Utc::now(),
        ..GenConfig::default()
    })?;
    let total = (rate * duration.as_secs_f64()).round() as u64;
    let mut accepted = Vec::new();
    let mut accepted_all = 0;
    let mut last_send = Duration::ZERO;
    for (i, message) in (0..total).zip(generator) {
        let due = Duration::from_secs_f64(i as f64 / rate);
        if let Some(wait) = due.checked_sub(start.elapsed()) {
            std::thread::sleep(wait);
        }
        let topic = match message.topic {
            Topic::Engagement => &settings.topics.engagement,
            Topic::Uptake => &settings.topics.uptake,
        };
        let mut record = BaseRecord::to(topic)
            .key(message.key.as_slice())
            .payload(message.payload.as_slice());
        loop {
            match producer.send(record) {
                Ok(()) => break,
                Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), back)) => {
                    record = back;
                    std::thread::sleep(Duration::from_millis(1));
                }
                Err((e, _)) => return Err(e).context("cannot produce"),
            }
        }
        last_send = start.elapsed();
        if matches!(message.expect, Expect::Accept { .. }) {
            accepted_all += 1;
            let weight = point.weight(message.topic, &message.payload);
            if weight > 0 {
                accepted.push((last_send, weight));
            }
        }
    }
    producer
        .flush(Duration::from_secs(30))
        .context("deliveries still pending after 30 s")?;
    Ok(Produced {
        accepted,
        accepted_all,
        sent: total,
        failed: producer.context().0.load(Ordering::Relaxed),
        last_send,
    })
}

fn report(options: &FreshnessOptions, produced: &Produced, samples: &[Sample]) {
    let mut seen: Vec<Duration> = latencies(&produced.accepted, samples)
        .into_iter()
        .flatten()
        .collect();
    seen.sort_unstable();
    let secs = |q: f64| quantile(&seen, q).map_or(f64::NAN, |d| d.as_secs_f64());
    println!(
        "freshness: {} messages at {:.0} msg/s (sent in {:.1} s, {} failed), {} accepted events, \
         {} counted by and {} seen at the {:?} point (polled every {} ms): p50 {:.3} s, p99 {:.3} s, max {:.3} s",
        produced.sent,
        options.rate,
        produced.last_send.as_secs_f64(),
        produced.failed,
        produced.accepted_all,
        produced.accepted.len(),
        seen.len(),
        options.point,
        POLL.as_millis(),
        secs(0.5),
        secs(0.99),
        secs(1.0),
    );
}
