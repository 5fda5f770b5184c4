//! The producer loop: generate, pace, send with `send_result` so many
//! messages are in flight at once, and settle acknowledgements oldest first
//! (which keeps the manifest in production order). When librdkafka's queue
//! is full the loop settles the oldest delivery (or waits briefly) and
//! retries. On a signal, the end of `--count`, or a fatal error, nothing new
//! is sent and every outstanding delivery is awaited before returning, so
//! at exit each message is either acknowledged or reported as failed.
//!
//! The producer is idempotent unless `--no-idempotence`: librdkafka's own
//! retries never write a message twice, so the pipeline reads exactly the
//! acknowledged messages. Without it a retry may write one twice, which the
//! pipeline must count once (a re-delivery).

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll, Waker};
use std::time::Duration;

use anyhow::Context;
use cmp_loadgen::{Expect, Generator};
use cmp_model::Topic;
use rdkafka::ClientConfig;
use rdkafka::error::KafkaError;
use rdkafka::producer::{DeliveryFuture, FutureProducer, FutureRecord};
use rdkafka::types::RDKafkaErrorCode;
use tokio::sync::watch;
use tokio::time::Instant;

use super::cli::Options;
use super::manifest::Manifest;
use super::pace::Pacer;
use super::summary::Summary;

/// Most messages sent but not yet settled; below librdkafka's default
/// queue of 100,000 so a full queue is the exception, not the rhythm.
const MAX_IN_FLIGHT: usize = 50_000;

/// How long to wait before retrying when the queue is full and nothing of
/// ours is outstanding (someone else's messages fill it).
const QUEUE_FULL_BACKOFF: Duration = Duration::from_millis(10);

/// Failures printed one by one before the rest are only counted.
const FAILURES_SHOWN: u64 = 10;

/// What a delivery future resolves to: Kafka's verdict, or cancellation if
/// the producer went away first.
type Outcome = <DeliveryFuture as Future>::Output;

/// Produces the messages `options` asks for; returns when all were settled.
pub async fn run(options: Options, mut shutdown: watch::Receiver<bool>) -> anyhow::Result<Summary> {
    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", &options.brokers)
        .set("client.id", "cmp-loadgen")
        .set("enable.idempotence", options.idempotence.to_string())
        .set("linger.ms", "5")
        .set("batch.num.messages", options.batch_records.to_string())
        .create()
        .context("cannot create the Kafka producer")?;
    let generator =
        Generator::new(options.generator.clone()).context("invalid generator configuration")?;
    let mut ledger = Ledger {
        manifest: options
            .manifest
            .as_deref()
            .map(|path| Manifest::create(path, &options.generator))
            .transpose()?,
        summary: Summary::default(),
        options: &options,
        in_flight: VecDeque::new(),
    };

    let start = Instant::now();
    let pacer = Pacer::new(options.rate, start);
    let limit = options.count.unwrap_or(u64::MAX);
    let mut fatal = None;
    for (sent, message) in (0..limit).zip(generator) {
        if *shutdown.borrow() {
            ledger.summary.interrupted = true;
            break;
        }
        if let Some(due) = pacer.due(sent) {
            tokio::select! {
                () = tokio::time::sleep_until(due) => {}
                () = stopped(&mut shutdown) => {
                    ledger.summary.interrupted = true;
                    break;
                }
            }
        }
        let topic = options.topic_name(message.topic);
        let mut record = FutureRecord::to(topic)
            .key(message.key.as_slice())
            .payload(message.payload.as_slice());
        let delivery = loop {
            match producer.send_result(record) {
                Ok(delivery) => break Some(delivery),
                Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), back)) => {
                    record = back;
                    if !ledger.settle_oldest().await? {
                        tokio::time::sleep(QUEUE_FULL_BACKOFF).await;
                    }
                }
                Err((e, _)) => {
                    fatal =
                        Some(anyhow::Error::new(e).context(format!("cannot produce to {topic}")));
                    break None;
                }
            }
        };
        let Some(delivery) = delivery else { break };
        ledger.in_flight.push_back(InFlight {
            delivery,
            topic: message.topic,
            key: message.key,
            expect: message.expect,
        });
        ledger.settle_ready()?;
        while ledger.in_flight.len() >= MAX_IN_FLIGHT {
            ledger.settle_oldest().await?;
        }
    }

    while ledger.settle_oldest().await? {}
    ledger.summary.elapsed = start.elapsed();
    if let Some(manifest) = ledger.manifest.take() {
        manifest.finish()?;
    }
    match fatal {
        Some(e) => Err(e),
        None => Ok(ledger.summary),
    }
}

/// Resolves once shutdown is requested; never if the signal task is gone.
async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    if shutdown.wait_for(|stop| *stop).await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// A message sent and not yet settled.
struct InFlight {
    delivery: DeliveryFuture,
    /// What the manifest and the summary need once it is acknowledged.
    topic: Topic,
    key: Vec<u8>,
    expect: Expect,
}

/// Outstanding deliveries, settled oldest first into the summary and the
/// manifest.
struct Ledger<'a> {
    in_flight: VecDeque<InFlight>,
    summary: Summary,
    manifest: Option<Manifest>,
    options: &'a Options,
}

impl Ledger<'_> {
    /// Waits for the oldest outstanding delivery; `false` if there is none.
    async fn settle_oldest(&mut self) -> anyhow::Result<bool> {
        let Some(mut oldest) = self.in_flight.pop_front() else {
            return Ok(false);
        };
        let outcome = (&mut oldest.delivery).await;
        self.settle(&oldest, outcome)?;
        Ok(true)
    }

    /// Settles the deliveries at the front that are already done, without
    /// waiting.
    fn settle_ready(&mut self) -> anyhow::Result<()> {
        let mut cx = TaskContext::from_waker(Waker::noop());
        while let Some(front) = self.in_flight.front_mut() {
            let Poll::Ready(outcome) = Pin::new(&mut front.delivery).poll(&mut cx) else {
                return Ok(());
            };
            if let Some(done) = self.in_flight.pop_front() {
                self.settle(&done, outcome)?;
            }
        }
        Ok(())
    }

    fn settle(&mut self, message: &InFlight, outcome: Outcome) -> anyhow::Result<()> {
        let failure = match outcome {
            Ok(Ok(_delivery)) => {
                self.summary.acknowledged(&message.expect);
                if let Some(manifest) = &mut self.manifest {
                    let topic = self.options.topic_name(message.topic);
                    manifest.record(topic, &message.key, &message.expect)?;
                }
                return Ok(());
            }
            Ok(Err((e, _message))) => e.to_string(),
            Err(_canceled) => "the producer went away".to_owned(),
        };
        self.summary.failed += 1;
        if self.summary.failed <= FAILURES_SHOWN {
            eprintln!(
                "cmp-loadgen: not acknowledged ({} key {}): {failure}",
                self.options.topic_name(message.topic),
                String::from_utf8_lossy(&message.key),
            );
        } else if self.summary.failed == FAILURES_SHOWN + 1 {
            eprintln!("cmp-loadgen: further unacknowledged messages are only counted");
        }
        Ok(())
    }
}
