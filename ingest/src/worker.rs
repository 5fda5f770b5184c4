//! The worker of one assigned partition: decodes messages as they arrive,
//! and flushes a batch when it holds `CMP_BATCH_MAX_ROWS` messages or its
//! oldest has waited `CMP_BATCH_MAX_WAIT_MS`. A flush decides every message,
//! sends the refusals to the DLQ and waits for their acknowledgement, stores
//! the accepted rows, and only then asks for the offset to be committed.
//! While ClickHouse or the broker fails, the flush retries with backoff and
//! the partition's queue fills, which holds back consumption.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use cmp_model::Topic;
use rdkafka::Message;
use rdkafka::message::OwnedMessage;
use tokio::sync::{mpsc, oneshot};

use crate::backoff::Backoff;
use crate::batch::{self, Decoded, Item, Source};
use crate::combiner::InsertError;
use crate::dedup::{self, DedupIndex};
use crate::ledger;
use crate::shared::{Commit, Shared};
use crate::stored::{self, Held, Page};

/// How long a flush may keep retrying after shutdown was requested.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(7);

/// Orders to a worker from the consumer thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// The partition was revoked: drop the uncommitted batch and stop.
    Revoke,
    /// The process stops: flush (within the grace period) and stop.
    Shutdown,
}

/// What the consumer thread gives a worker to steer it: orders, and the
/// fence it closes when the partition is revoked or lost.
#[derive(Debug)]
pub struct Orders {
    pub ctl: mpsc::UnboundedReceiver<Control>,
    pub fence: Arc<AtomicBool>,
}

/// Why a flush or resume did not finish.
#[derive(Debug)]
enum Abort {
    Revoked,
    GaveUp,
}

/// One partition's worker.
pub struct Worker {
    shared: Arc<Shared>,
    topic: String,
    kind: Topic,
    partition: i32,
    ctl: mpsc::UnboundedReceiver<Control>,
    /// Closed once the partition was revoked or lost: another member may own
    /// it and have resumed from the ledger, so no INSERT starts after it.
    fence: Arc<AtomicBool>,
    /// Dropped when the worker ends: the consumer thread waits on its receiver.
    _finished: oneshot::Sender<()>,
    /// Built from the ledger before the first message is judged.
    index: Option<DedupIndex>,
    /// Events already in the ledger at or past the first offset read
    /// (resume), a page at a time; emptied as the offsets go by.
    stored: Page,
    /// Whether this worker has warned that the partition's offsets were
    /// reused (once per assignment; the metric counts every message).
    reuse_warned: bool,
    items: Vec<Item>,
    /// When the oldest message of the current batch arrived.
    opened: Option<Instant>,
    /// Set once shutdown was requested: retries stop at this instant.
    give_up: Option<Instant>,
    /// The offset the next message should carry (a jump is logged and
    /// counted); before the first message, the committed offset the broker
    /// should resume from (only checked, never used to skip).
    next_expected: Option<i64>,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker")
            .field("topic", &self.topic)
            .field("partition", &self.partition)
            .finish()
    }
}

impl Worker {
    pub fn new(
        shared: Arc<Shared>,
        topic: String,
        kind: Topic,
        partition: i32,
        orders: Orders,
        finished: oneshot::Sender<()>,
        committed: Option<i64>,
    ) -> Self {
        Self {
            shared,
            topic,
            kind,
            partition,
            ctl: orders.ctl,
            fence: orders.fence,
            _finished: finished,
            index: None,
            stored: Page::default(),
            reuse_warned: false,
            items: Vec::new(),
            opened: None,
            give_up: None,
            next_expected: committed,
        }
    }

    /// Runs until revoked, shut down, or its queue closes.
    pub async fn run(mut self, mut rx: mpsc::Receiver<OwnedMessage>) {
        let max_wait = self.shared.batch_max_wait;
        loop {
            let deadline = self
                .opened
                .map(|t| tokio::time::Instant::from_std(t + max_wait));
            let step = tokio::select! {
                biased;
                c = self.ctl.recv() => match c {
                    Some(Control::Shutdown) => {
                        self.give_up = Some(Instant::now() + SHUTDOWN_GRACE);
                        self.flush().await
                    }
                    _ => Err(Abort::Revoked),
                },
                m = rx.recv() => match m {
                    Some(m) => self.arrive(m).await,
                    None => Err(Abort::Revoked),
                },
                _ = sleep_until(deadline), if deadline.is_some() => self.flush().await,
            };
            if step.is_err() || self.give_up.is_some() {
                if step.is_ok() && !self.items.is_empty() {
                    let _ = self.flush().await;
                }
                return;
            }
        }
    }

    /// Decodes one message into the batch; flushes when the batch is full.
    async fn arrive(&mut self, m: OwnedMessage) -> Result<(), Abort> {
        let offset = m.offset();
        #[cfg(debug_assertions)]
        crate::fault::panic_if_named(&self.topic, self.partition, offset);
        let first = self.index.is_none();
        match self.next_expected {
            // Fetched again (librdkafka re-reads around a partition's end): this
            // worker already has it, in its batch or stored. Not for the first
            // message: the committed offset it is compared with may be stale.
            Some(expected) if offset < expected && !first => return Ok(()),
            // Legitimate on Kafka (compaction, transaction markers); a broker
            // bug otherwise (tansu 0.6 skips the rest of a record batch when a
            // fetch starts inside it), and then events never seen.
            Some(expected) if offset > expected => {
                tracing::warn!(topic = %self.topic, partition = self.partition, expected, offset, "the broker skipped offsets of a partition");
                self.shared
                    .metrics
                    .skipped_offsets
                    .with_label_values(&[self.topic.as_str()])
                    .inc_by(u64::try_from(offset - expected).unwrap_or_default());
            }
            _ => {}
        }
        self.next_expected = Some(offset + 1);
        if first {
            self.resume(offset).await?;
        } else if self.stored.ends_before(offset) {
            self.read_stored(offset).await?;
        }
        let payload = m.payload().unwrap_or_default();
        let mut decoded =
            match cmp_model::decode(payload, self.kind, Utc::now(), &self.shared.limits) {
                Ok(event) => Decoded::Accepted(Box::new(event)),
                Err(refusal) => Decoded::Refused {
                    refusal,
                    key: m.key().map(<[u8]>::to_vec),
                    payload: m.payload().map(<[u8]>::to_vec),
                },
            };
        if self.already_stored(offset, &decoded) {
            decoded = Decoded::AlreadyStored;
        }
        self.items.push(Item {
            offset,
            timestamp_ms: m.timestamp().to_millis(),
            decoded,
        });
        self.opened.get_or_insert_with(Instant::now);
        if self.items.len() >= self.shared.batch_max_rows {
            self.flush().await?;
        }
        Ok(())
    }

    /// Whether the ledger holds this message's event at its offset (stored
    /// by an earlier owner). An offset holding another event was reused:
    /// the message is new; that is counted, and said once.
    fn already_stored(&mut self, offset: i64, decoded: &Decoded) -> bool {
        let key = match decoded {
            Decoded::Accepted(e) => Some(dedup::key(&e.event_id)),
            _ => None,
        };
        match self.stored.held_at(offset, key) {
            Held::Nothing => false,
            Held::Same => true,
            Held::Other => {
                self.shared
                    .metrics
                    .reused_offsets
                    .with_label_values(&[self.topic.as_str()])
                    .inc();
                if !self.reuse_warned {
                    self.reuse_warned = true;
                    tracing::warn!(topic = %self.topic, partition = self.partition, offset, "a stored offset holds another event: the partition's offsets were reused (topic created again or cluster replaced); storing the new events");
                }
                false
            }
        }
    }

    /// Learns from the ledger what an earlier owner of the partition stored:
    /// the events to skip and the recent keys of the dedup index.
    async fn resume(&mut self, first_offset: i64) -> Result<(), Abort> {
        let shared = Arc::clone(&self.shared);
        let mut attempt = 0;
        loop {
            let now_ms = Utc::now().timestamp_millis();
            let budget = Arc::clone(&shared.dedup_budget);
            let mut index = DedupIndex::within(now_ms, shared.dedup_horizon_hours, budget);
            let since_ms = index.floor_ms();
            let found = self
                .within_grace(async {
                    let stored = ledger::stored_offsets(
                        &shared.store,
                        &self.topic,
                        self.partition,
                        first_offset,
                        None,
                        stored::PAGE,
                    )
                    .await?;
                    let keys = ledger::recent_keys(
                        &shared.store,
                        &self.topic,
                        self.partition,
                        since_ms,
                        |id, ms| index.insert(dedup::key(id), ms),
                    )
                    .await?;
                    Ok::<_, cmp_store::StoreError>((stored, keys))
                })
                .await?;
            match found {
                Ok((stored, keys)) => {
                    shared.clickhouse.ok();
                    tracing::info!(
                        topic = %self.topic,
                        partition = self.partition,
                        from_offset = first_offset,
                        already_stored = stored.entries.len(),
                        ledger_keys = keys,
                        dedup_keys = index.len(),
                        dedup_bytes = index.bytes(),
                        "partition resumed from the ledger"
                    );
                    shared.metrics.dedup_events.add(index.len() as i64);
                    shared.metrics.dedup_bytes.set(used(&shared));
                    self.stored = stored;
                    self.index = Some(index);
                    return Ok(());
                }
                Err(e) => {
                    shared.clickhouse.failed(&e);
                    self.backoff(attempt).await?;
                    attempt += 1;
                }
            }
        }
    }

    /// Reads the next page of the events the ledger holds, from `from` on.
    async fn read_stored(&mut self, from: i64) -> Result<(), Abort> {
        let shared = Arc::clone(&self.shared);
        let mut attempt = 0;
        loop {
            let page = ledger::stored_offsets(
                &shared.store,
                &self.topic,
                self.partition,
                from,
                None,
                stored::PAGE,
            );
            match self.within_grace(page).await? {
                Ok(page) => {
                    shared.clickhouse.ok();
                    self.stored = page;
                    return Ok(());
                }
                Err(e) => {
                    shared.clickhouse.failed(&e);
                    self.backoff(attempt).await?;
                    attempt += 1;
                }
            }
        }
    }

    /// Decides and stores the batch, then asks for its offsets to be committed.
    async fn flush(&mut self) -> Result<(), Abort> {
        if self.items.is_empty() {
            self.opened = None;
            return Ok(());
        }
        let shared = Arc::clone(&self.shared);
        let Some(index) = self.index.take() else {
            return Err(Abort::Revoked);
        };
        let result = self.store_batch(&shared, &index).await;
        self.index = Some(index);
        let (mut decisions, read, next_offset) = result?;
        self.record(&shared, &mut decisions, read);
        let _ = shared.commits.send(Commit {
            topic: self.topic.clone(),
            partition: self.partition,
            next_offset,
        });
        self.opened = None;
        Ok(())
    }

    /// Decides the batch, sends its refusals and stores its rows; returns the
    /// decisions, the messages read and the offset to commit.
    async fn store_batch(
        &mut self,
        shared: &Shared,
        index: &DedupIndex,
    ) -> Result<(batch::Decisions, u64, i64), Abort> {
        let next_offset = self.items.last().map_or(0, |i| i.offset + 1);
        let first_offset = self.items.first().map_or(0, |i| i.offset);
        let ledger_times = match batch::unsure_lookup(&self.items, index) {
            None => HashMap::new(),
            Some((ids, from, to)) => {
                let mut attempt = 0;
                loop {
                    let found = ledger::lookup(&shared.store, &self.topic, &ids, from, to);
                    match self.within_grace(found).await? {
                        Ok(found) => {
                            shared
                                .metrics
                                .ledger_checks
                                .with_label_values(&[self.topic.as_str()])
                                .inc_by(ids.len() as u64);
                            break found;
                        }
                        Err(e) => {
                            shared.clickhouse.failed(&e);
                            self.backoff(attempt).await?;
                            attempt += 1;
                        }
                    }
                }
            }
        };
        let items = std::mem::take(&mut self.items);
        let read = items.len() as u64;
        let src = Source {
            topic: &self.topic,
            partition: self.partition,
        };
        let now_s = u32::try_from(Utc::now().timestamp()).unwrap_or_default();
        let mut d = batch::decide(items, src, index, &ledger_times, &shared.pseudo, now_s);

        let mut attempt = 0;
        while !d.refused.is_empty() {
            match self.within_grace(shared.dlq.send_all(&d.refused)).await? {
                Ok(()) => {
                    shared.kafka.ok();
                    break;
                }
                Err(e) => {
                    shared.kafka.failed(&e);
                    self.backoff(attempt).await?;
                    attempt += 1;
                }
            }
        }

        // All of the batch's rows, until a failed INSERT leaves only those
        // the ledger is known not to hold: part of a failed INSERT may be
        // stored, or all of it with its answer lost, and a row INSERTed
        // twice would be counted twice at once by the rollups' views. The
        // rows travel to the combined INSERT and back; the first trip's are
        // the whole batch, kept for the counts.
        let mut pending = std::mem::take(&mut d.rows);
        let mut whole = None;
        let mut attempt = 0;
        while !pending.is_empty() {
            if self.fence.load(Ordering::SeqCst) {
                return Err(Abort::Revoked);
            }
            // The combined INSERT may be queued behind another that hangs
            // on a stopping ClickHouse.
            let (back, result) = self
                .within_grace(shared.ledger.insert(pending, &self.fence))
                .await?;
            let e = match result {
                Ok(()) => {
                    shared.clickhouse.ok();
                    whole.get_or_insert(back);
                    break;
                }
                Err(InsertError::Stopped) => return Err(Abort::GaveUp),
                Err(InsertError::Revoked) => return Err(Abort::Revoked),
                Err(InsertError::Store(e)) => e,
            };
            shared.clickhouse.failed(&e);
            self.backoff(attempt).await?;
            attempt += 1;
            let arrived = self
                .stored_since(shared, first_offset, next_offset, &mut attempt)
                .await?;
            pending = back
                .iter()
                .filter(|r| !arrived.contains(&(r.src_offset as i64, dedup::key(&r.event_id))))
                .cloned()
                .collect();
            whole.get_or_insert(back);
        }
        d.rows = whole.unwrap_or_default();
        Ok((d, read, next_offset))
    }

    /// The partition's events in the ledger from `from` to `until` (a
    /// batch's offsets), asked until ClickHouse answers (with backoff,
    /// continuing `attempt`; within the grace once shutdown was asked for).
    async fn stored_since(
        &mut self,
        shared: &Shared,
        from: i64,
        until: i64,
        attempt: &mut u32,
    ) -> Result<BTreeSet<(i64, u64)>, Abort> {
        loop {
            let found = ledger::stored_offsets(
                &shared.store,
                &self.topic,
                self.partition,
                from,
                Some(until),
                usize::MAX,
            );
            match self.within_grace(found).await? {
                Ok(found) => {
                    shared.clickhouse.ok();
                    return Ok(found.entries);
                }
                Err(e) => {
                    shared.clickhouse.failed(&e);
                    self.backoff(*attempt).await?;
                    *attempt += 1;
                }
            }
        }
    }

    /// Counts a stored batch and adds its keys to the dedup index.
    fn record(&mut self, shared: &Shared, d: &mut batch::Decisions, read: u64) {
        let m = &shared.metrics;
        let topic = [self.topic.as_str()];
        m.read.with_label_values(&topic).inc_by(read);
        m.stored
            .with_label_values(&topic)
            .inc_by(d.rows.len() as u64);
        m.duplicates.with_label_values(&topic).inc_by(d.duplicates);
        m.rereads.with_label_values(&topic).inc_by(d.rereads);
        for r in &d.refused {
            m.refused
                .with_label_values(&[self.topic.as_str(), r.code])
                .inc();
        }
        let now_ms = Utc::now().timestamp_millis();
        let freshness = m.freshness_seconds.with_label_values(&topic);
        for ts in d.row_timestamps.iter().flatten() {
            freshness.observe((now_ms - ts).max(0) as f64 / 1000.0);
        }
        if let Some(index) = self.index.as_mut() {
            let before = index.len() as i64;
            for (key, ms) in d.accepted_keys.drain(..) {
                index.insert(key, ms);
            }
            index.evict(now_ms);
            m.dedup_events.add(index.len() as i64 - before);
            m.dedup_bytes.set(used(shared));
        }
    }

    /// `work`, cut off when the shutdown grace ends (once shutdown was asked
    /// for): a query, INSERT or DLQ send hanging on a stopping server must
    /// not hold the process past its promise. Rows an abandoned INSERT
    /// stores later are not committed, so the next owner skips them on
    /// resume; refusals sent twice carry the same source headers.
    async fn within_grace<T>(&self, work: impl Future<Output = T>) -> Result<T, Abort> {
        match self.give_up {
            None => Ok(work.await),
            Some(at) => tokio::time::timeout_at(at.into(), work)
                .await
                .map_err(|_| Abort::GaveUp),
        }
    }

    /// Waits before retry `attempt`, watching for revocation and shutdown;
    /// after shutdown, never past the end of the grace.
    async fn backoff(&mut self, attempt: u32) -> Result<(), Abort> {
        let mut wake = Instant::now() + Backoff::default().delay(attempt);
        if let Some(at) = self.give_up {
            wake = wake.min(at);
        }
        tokio::select! {
            _ = tokio::time::sleep_until(wake.into()) => {
                if self.give_up.is_some_and(|t| Instant::now() >= t) {
                    Err(Abort::GaveUp)
                } else {
                    Ok(())
                }
            }
            c = self.ctl.recv() => match c {
                Some(Control::Shutdown) => {
                    self.give_up = Some(Instant::now() + SHUTDOWN_GRACE);
                    Ok(())
                }
                _ => Err(Abort::Revoked),
            },
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if let Some(index) = self.index.take() {
            self.shared.metrics.dedup_events.sub(index.len() as i64);
            drop(index);
            self.shared.metrics.dedup_bytes.set(used(&self.shared));
        }
    }
}

/// Bytes the process's dedup indexes hold, as a gauge value.
fn used(shared: &Shared) -> i64 {
    i64::try_from(shared.dedup_budget.used()).unwrap_or(i64::MAX)
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}
