//! Messages the poll thread holds for a partition whose worker's queue is
//! full, so that the thread never stops polling. Up to [`PARK_LIMIT`] bytes
//! are held; past it the partition is paused, and it is resumed once every
//! held message reached the queue. librdkafka drops what it had prefetched
//! for a partition when it is paused, and fetches again from the offset
//! after the last message it returned on resume: holding about a fetch's
//! worth before pausing keeps that refetch rare (pausing at the first full
//! queue refetched a whole fetch for every queue's worth, ten times slower
//! with a queue of 64).

use std::collections::VecDeque;

use rdkafka::Message;
use rdkafka::message::OwnedMessage;
use tokio::sync::mpsc;

/// Bytes (keys and payloads) held per partition before it is paused. The
/// consumer halves librdkafka's prefetch (`queued.max.messages.kbytes`) to
/// make room for it: a partition's memory bound is what it was.
pub const PARK_LIMIT: usize = 8 << 20;

/// One partition's held messages, oldest first.
#[derive(Debug, Default)]
pub struct Parked {
    messages: VecDeque<OwnedMessage>,
    bytes: usize,
    /// Whether the partition is paused (until every held message is queued).
    pub paused: bool,
}

/// What became of a partition's held messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handed {
    /// Some still wait for room.
    Waiting,
    /// All are queued (or the queue is closed): resume if paused.
    Done,
}

impl Parked {
    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    /// Holds `m` after the others; returns whether the partition must be
    /// paused now (the limit is reached and it is not paused yet).
    pub fn hold(&mut self, m: OwnedMessage) -> bool {
        self.bytes += size(&m);
        self.messages.push_back(m);
        !self.paused && self.bytes >= PARK_LIMIT
    }

    /// Moves held messages into `queue` while it has room.
    pub fn hand_over(&mut self, queue: &mpsc::Sender<OwnedMessage>) -> Handed {
        while let Some(m) = self.messages.pop_front() {
            let n = size(&m);
            match queue.try_send(m) {
                Ok(()) => self.bytes -= n,
                Err(mpsc::error::TrySendError::Full(m)) => {
                    self.messages.push_front(m);
                    return Handed::Waiting;
                }
                // The worker is gone without being stopped (a panic: the
                // process stops); these stay uncommitted.
                Err(mpsc::error::TrySendError::Closed(_)) => {
                    self.messages.clear();
                    self.bytes = 0;
                }
            }
        }
        Handed::Done
    }
}

fn size(m: &OwnedMessage) -> usize {
    m.payload().map_or(0, <[u8]>::len) + m.key().map_or(0, <[u8]>::len)
}

#[cfg(test)]
mod tests {
    use rdkafka::Timestamp;

    use super::*;

    fn message(offset: i64, bytes: usize) -> OwnedMessage {
        OwnedMessage::new(
            Some(vec![0; bytes]),
            None,
            "t".into(),
            Timestamp::NotAvailable,
            0,
            offset,
            None,
        )
    }

    #[test]
    fn pauses_once_at_the_limit_and_hands_over_in_order() {
        let mut p = Parked::default();
        assert!(!p.hold(message(0, PARK_LIMIT / 2)));
        assert!(p.hold(message(1, PARK_LIMIT / 2)));
        p.paused = true;
        assert!(!p.hold(message(2, 1)), "paused already");
        let (tx, mut rx) = mpsc::channel(2);
        assert_eq!(p.hand_over(&tx), Handed::Waiting);
        let offsets: Vec<i64> = [rx.try_recv(), rx.try_recv()]
            .into_iter()
            .map(|m| m.expect("queued").offset())
            .collect();
        assert_eq!(offsets, [0, 1]);
        assert_eq!(p.hand_over(&tx), Handed::Done);
        assert!(p.is_empty() && p.bytes == 0);
        assert_eq!(rx.try_recv().expect("queued").offset(), 2);
    }
}
