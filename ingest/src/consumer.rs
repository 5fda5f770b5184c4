//! The consumer thread: one librdkafka consumer in the group, polled on a
//! dedicated thread so that rebalance callbacks may block while workers
//! finish. Each assigned partition gets a worker task fed through a bounded
//! queue. The thread never stops polling (a member that does not poll for
//! `max.poll.interval.ms` leaves the group while its workers still work):
//! when a queue is full, messages are held ([`crate::parking`]) and past a
//! limit the partition is paused until they fit. Offsets are committed
//! here, as workers report their batches done.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc as std_mpsc};
use std::time::Duration;

use cmp_config::Settings;
use cmp_model::Topic;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer, ConsumerContext, Rebalance};
use rdkafka::error::KafkaResult;
use rdkafka::message::OwnedMessage;
use rdkafka::{ClientConfig, ClientContext, Message, Offset, Statistics, TopicPartitionList};
use tokio::sync::{mpsc, oneshot};

use crate::parking::{Handed, PARK_LIMIT, Parked};
use crate::shared::{Commit, Shared};
use crate::worker::{Control, Orders, Worker};

/// A partition: (topic, partition number).
pub type PartitionKey = (String, i32);

/// How long a poll waits for a message when no message is held...
const IDLE_POLL: Duration = Duration::from_millis(100);
/// ... and when some are, waiting for room in a queue.
const PARKED_POLL: Duration = Duration::from_millis(5);

/// A running worker as the consumer thread sees it.
struct Handle {
    tx: mpsc::Sender<OwnedMessage>,
    ctl: mpsc::UnboundedSender<Control>,
    finished: oneshot::Receiver<()>,
    /// Closed (set) when the partition is revoked or lost: the worker then
    /// starts no INSERT, since another member may own the partition.
    fence: Arc<AtomicBool>,
    /// Polled messages that did not fit the queue.
    parked: Parked,
}

/// The workers of the assigned partitions.
struct Router {
    shared: Arc<Shared>,
    runtime: tokio::runtime::Handle,
    topics: HashMap<String, Topic>,
    queue: usize,
    workers: HashMap<PartitionKey, Handle>,
    /// Where the partition of a worker that panicked is reported.
    dead: mpsc::UnboundedSender<PartitionKey>,
}

impl Router {
    /// Starts the worker of a newly assigned partition (a running one is kept:
    /// replacing it would drop a batch whose offsets this process has passed).
    fn start(&mut self, key: PartitionKey, committed: Option<i64>) {
        let Some(kind) = self.topics.get(&key.0).copied() else {
            return;
        };
        if self.workers.contains_key(&key) {
            return;
        }
        let (tx, rx) = mpsc::channel(self.queue);
        let (ctl_tx, ctl_rx) = mpsc::unbounded_channel();
        let (done_tx, done_rx) = oneshot::channel();
        let fence = Arc::new(AtomicBool::new(false));
        let orders = Orders {
            ctl: ctl_rx,
            fence: Arc::clone(&fence),
        };
        let worker = Worker::new(
            Arc::clone(&self.shared),
            key.0.clone(),
            kind,
            key.1,
            orders,
            done_tx,
            committed,
        );
        self.supervise(key.clone(), self.runtime.spawn(worker.run(rx)));
        self.workers.insert(
            key,
            Handle {
                tx,
                ctl: ctl_tx,
                finished: done_rx,
                fence,
                parked: Parked::default(),
            },
        );
    }

    /// Watches a worker's task: a panic is logged, counted and reported, so
    /// that the process stops instead of leaving the partition unread.
    fn supervise(&self, key: PartitionKey, task: tokio::task::JoinHandle<()>) {
        let dead = self.dead.clone();
        let panics = self.shared.metrics.worker_panics.clone();
        self.runtime.spawn(async move {
            if task.await.is_err_and(|e| e.is_panic()) {
                tracing::error!(
                    topic = %key.0,
                    partition = key.1,
                    "a partition worker panicked: stopping the process, so that it is started again and reads the partition from its committed offset"
                );
                panics.inc();
                let _ = dead.send(key);
            }
        });
    }

    /// Tells the workers of `keys` to stop and waits until they have (on a
    /// revocation, their fences closed first); returns those of `keys` that
    /// were paused (their held messages are dropped: uncommitted, they are
    /// read again by the partitions' next owners).
    fn stop(&mut self, keys: &[PartitionKey], order: Control) -> Vec<PartitionKey> {
        let stopping: Vec<(PartitionKey, Handle)> = keys
            .iter()
            .filter_map(|k| self.workers.remove_entry(k))
            .collect();
        for (_, h) in &stopping {
            if order == Control::Revoke {
                h.fence.store(true, Ordering::SeqCst);
            }
            let _ = h.ctl.send(order);
        }
        let mut paused = Vec::new();
        for (key, h) in stopping {
            // Err means the worker dropped its sender: it has finished.
            let _ = h.finished.blocking_recv();
            if h.parked.paused {
                paused.push(key);
            }
        }
        paused
    }

    /// Hands a polled message to its partition's worker, or holds it when
    /// the worker's queue is full (pausing the partition past the limit). A
    /// message of a partition no longer assigned here (fetched before its
    /// revocation) is dropped: its owner reads it from the committed offset.
    fn deliver(&mut self, consumer: &BaseConsumer<Context>, m: OwnedMessage) {
        let key = (m.topic().to_owned(), m.partition());
        let Some(h) = self.workers.get_mut(&key) else {
            return;
        };
        let m = if h.parked.is_empty() {
            match h.tx.try_send(m) {
                Ok(()) => return,
                Err(mpsc::error::TrySendError::Full(m)) => m,
                // The worker is gone without being stopped (it panicked):
                // the process stops (`lib.rs`); this stays uncommitted.
                Err(mpsc::error::TrySendError::Closed(_)) => return,
            }
        } else {
            m
        };
        if h.parked.hold(m) {
            h.parked.paused = true;
            pause_resume(consumer, &key, true);
        }
    }

    /// Moves held messages into queues that have room, resuming each paused
    /// partition whose messages all fit; returns whether any still wait.
    fn unpark(&mut self, consumer: &BaseConsumer<Context>) -> bool {
        let mut waiting = false;
        for (key, h) in &mut self.workers {
            if h.parked.is_empty() {
                continue;
            }
            match h.parked.hand_over(&h.tx) {
                Handed::Waiting => waiting = true,
                Handed::Done if h.parked.paused => {
                    h.parked.paused = false;
                    pause_resume(consumer, key, false);
                }
                Handed::Done => {}
            }
        }
        waiting
    }
}

/// Pauses (`true`) or resumes one partition's fetching.
fn pause_resume(consumer: &BaseConsumer<Context>, (topic, partition): &PartitionKey, pause: bool) {
    let mut tpl = TopicPartitionList::new();
    tpl.add_partition(topic, *partition);
    let done = if pause {
        consumer.pause(&tpl)
    } else {
        consumer.resume(&tpl)
    };
    if let Err(e) = done {
        tracing::warn!(error = %e, topic, partition, pause, "cannot pause or resume a partition");
    }
}

/// librdkafka callbacks: rebalances, statistics, errors.
pub struct Context {
    router: Mutex<Router>,
    commits: Mutex<std_mpsc::Receiver<Commit>>,
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Context")
    }
}

impl Context {
    fn router(&self) -> std::sync::MutexGuard<'_, Router> {
        self.router.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Commits every offset the workers reported done.
    fn commit_done(&self, consumer: &BaseConsumer<Context>, mode: CommitMode) {
        let rx = self.commits.lock().unwrap_or_else(|p| p.into_inner());
        let mut latest: HashMap<PartitionKey, i64> = HashMap::new();
        while let Ok(c) = rx.try_recv() {
            let e = latest
                .entry((c.topic, c.partition))
                .or_insert(c.next_offset);
            *e = (*e).max(c.next_offset);
        }
        if latest.is_empty() {
            return;
        }
        let mut tpl = TopicPartitionList::new();
        for ((topic, partition), offset) in &latest {
            let _ = tpl.add_partition_offset(topic, *partition, Offset::Offset(*offset));
        }
        if let Err(e) = consumer.commit(&tpl, mode) {
            // Safe to lose: the ledger, not the committed offset, is the truth on resume.
            tracing::warn!(error = %e, "offset commit failed");
        }
    }
}

impl ClientContext for Context {
    fn stats(&self, stats: Statistics) {
        let router = self.router();
        let kafka = &router.shared.kafka;
        if stats.brokers.values().any(|b| b.state == "UP") {
            kafka.ok();
        } else {
            kafka.failed(&"no broker connection is up");
        }
        let lag = &router.shared.metrics.partition_lag;
        for (topic, t) in &stats.topics {
            for (partition, p) in &t.partitions {
                if *partition >= 0 && p.consumer_lag >= 0 {
                    lag.with_label_values(&[topic.as_str(), &partition.to_string()])
                        .set(p.consumer_lag);
                }
            }
        }
    }

    fn error(&self, error: rdkafka::error::KafkaError, reason: &str) {
        if error.rdkafka_error_code() == Some(rdkafka::types::RDKafkaErrorCode::AllBrokersDown) {
            self.router().shared.kafka.failed(&error);
        } else {
            tracing::warn!(error = %error, reason, "kafka client error");
        }
    }
}

impl ConsumerContext for Context {
    fn pre_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        if let Rebalance::Revoke(tpl) = rebalance {
            let keys: Vec<PartitionKey> = tpl
                .elements()
                .iter()
                .map(|e| (e.topic().to_owned(), e.partition()))
                .collect();
            tracing::info!(
                partitions = keys.len(),
                "partitions revoked: stopping their workers"
            );
            let paused = self.router().stop(&keys, Control::Revoke);
            // librdkafka keeps a partition paused through its unassignment:
            // were it assigned here again, it would never be fetched.
            for key in &paused {
                pause_resume(consumer, key, false);
            }
            self.commit_done(consumer, CommitMode::Sync);
            let lag = &self.router().shared.metrics.partition_lag;
            for (topic, partition) in &keys {
                let _ = lag.remove_label_values(&[topic.as_str(), &partition.to_string()]);
            }
        }
    }

    fn post_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        match rebalance {
            Rebalance::Assign(tpl) => {
                let committed = committed_offsets(consumer, tpl);
                let mut router = self.router();
                for e in tpl.elements() {
                    let key = (e.topic().to_owned(), e.partition());
                    let from = committed.get(&key).copied();
                    router.start(key, from);
                }
                tracing::info!(partitions = tpl.count(), "partitions assigned");
            }
            Rebalance::Error(e) => tracing::warn!(error = %e, "rebalance error"),
            Rebalance::Revoke(_) => {}
        }
    }

    fn commit_callback(&self, result: KafkaResult<()>, _offsets: &TopicPartitionList) {
        if let Err(e) = result {
            tracing::warn!(error = %e, "offset commit failed");
        }
    }
}

/// The group's committed offsets of newly assigned partitions, where the
/// broker should resume them (none known: nothing committed, or the broker
/// did not answer; only a check, see the worker).
fn committed_offsets(
    consumer: &BaseConsumer<Context>,
    assigned: &TopicPartitionList,
) -> HashMap<PartitionKey, i64> {
    match consumer.committed_offsets(assigned.clone(), Duration::from_secs(5)) {
        Ok(tpl) => tpl
            .elements()
            .iter()
            .filter_map(|e| match e.offset() {
                Offset::Offset(o) => Some(((e.topic().to_owned(), e.partition()), o)),
                _ => None,
            })
            .collect(),
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the committed offsets of assigned partitions");
            HashMap::new()
        }
    }
}

/// Builds the consumer, subscribed to both event topics; the partition of a
/// worker that panics is sent to `dead`.
pub fn consumer(
    settings: &Settings,
    shared: Arc<Shared>,
    commits: std_mpsc::Receiver<Commit>,
    dead: mpsc::UnboundedSender<PartitionKey>,
    runtime: tokio::runtime::Handle,
) -> KafkaResult<BaseConsumer<Context>> {
    let topics = HashMap::from([
        (settings.topics.engagement.clone(), Topic::Engagement),
        (settings.topics.uptake.clone(), Topic::Uptake),
    ]);
    let context = Context {
        router: Mutex::new(Router {
            shared,
            runtime,
            topics,
            queue: settings.partition_queue,
            workers: HashMap::new(),
            dead,
        }),
        commits: Mutex::new(commits),
    };
    let consumer: BaseConsumer<Context> = ClientConfig::new()
        .set("bootstrap.servers", &settings.kafka_brokers)
        .set("group.id", &settings.kafka_group)
        .set("enable.auto.commit", "false")
        .set("enable.auto.offset.store", "false")
        .set("auto.offset.reset", "earliest")
        .set(
            "session.timeout.ms",
            cmp_config::KAFKA_SESSION_TIMEOUT.as_millis().to_string(),
        )
        .set("partition.assignment.strategy", &settings.kafka_assignment)
        .set(
            "max.poll.interval.ms",
            settings.kafka_max_poll_interval.as_millis().to_string(),
        )
        .set("heartbeat.interval.ms", "1000")
        .set(
            "fetch.wait.max.ms",
            settings.kafka_fetch_wait.as_millis().to_string(),
        )
        .set("statistics.interval.ms", "5000")
        // Half of a partition's prefetch bound; the other half is what the
        // poll thread may hold for it (`parking`).
        .set(
            "queued.max.messages.kbytes",
            (16_384 - PARK_LIMIT / 1024).to_string(),
        )
        .create_with_context(context)?;
    consumer.subscribe(&[&settings.topics.engagement, &settings.topics.uptake])?;
    Ok(consumer)
}

/// Polls until `stop` is set, then stops every worker (each flushes within
/// its grace period), commits what they finished, and leaves the group.
pub fn poll_loop(consumer: BaseConsumer<Context>, stop: Arc<AtomicBool>) {
    let ctx = consumer.context();
    while !stop.load(Ordering::Relaxed) {
        ctx.commit_done(&consumer, CommitMode::Async);
        // While messages are parked, come back soon to hand them over.
        let wait = if ctx.router().unpark(&consumer) {
            PARKED_POLL
        } else {
            IDLE_POLL
        };
        match consumer.poll(wait) {
            Some(Ok(m)) => {
                let owned = m.detach();
                drop(m);
                ctx.router().deliver(&consumer, owned);
            }
            Some(Err(e)) => tracing::warn!(error = %e, "kafka poll error"),
            None => {}
        }
    }
    let keys: Vec<PartitionKey> = ctx.router().workers.keys().cloned().collect();
    ctx.router().stop(&keys, Control::Shutdown);
    ctx.commit_done(&consumer, CommitMode::Sync);
    consumer.unsubscribe();
    tracing::info!("consumer stopped");
}
