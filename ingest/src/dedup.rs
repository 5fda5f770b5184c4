//! The in-memory dedup index of one partition: for each recent event hour,
//! the 64-bit hashes of the event ids accepted in it. A re-delivery of an
//! event is one whose id was already accepted on the same topic with an event
//! time less than 24 hours apart (contract/EVENTS.md, promise 2).
//!
//! Hour buckets decide most cases alone: two events whose hours differ by at
//! most 23 are less than 24 h apart, by 25 or more are not. At exactly 24
//! hours apart, or when the needed hours are older than the index keeps, the
//! answer is [`Verdict::Unsure`] and the caller checks the ledger by id.
//! A 64-bit hash collision between two distinct ids inside one 48-hour window
//! is the only inexactness (about 1 in 2^64 / n per event, n the events in
//! the window).

use std::collections::{BTreeMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

const HOUR_MS: i64 = 3_600_000;

/// The answer for one incoming event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// No accepted event with this id lies within 24 h: accept it.
    New,
    /// An accepted event with this id lies within 24 h: a re-delivery.
    Duplicate,
    /// The index cannot tell; check the ledger.
    Unsure,
}

/// Keys are already uniform hashes: hashing them again is wasted work.
#[derive(Default)]
struct Identity(u64);

impl Hasher for Identity {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type HashSet64 = HashSet<u64, BuildHasherDefault<Identity>>;

/// The dedup key of an event id (the topic is implied: one index per partition).
pub fn key(event_id: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(event_id.as_bytes())
}

fn hour_of(ms: i64) -> i64 {
    ms.div_euclid(HOUR_MS)
}

/// Accepted event keys by event hour, complete for every hour ≥ `floor`.
#[derive(Default)]
pub struct DedupIndex {
    hours: BTreeMap<i64, HashSet64>,
    /// Oldest hour the index holds completely (everything accepted in it).
    floor: i64,
    /// Hours of history kept behind "now".
    horizon_hours: i64,
}

impl std::fmt::Debug for DedupIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DedupIndex")
            .field("events", &self.len())
            .field("floor", &self.floor)
            .finish()
    }
}

impl DedupIndex {
    /// An empty index, complete from `horizon_hours` before `now_ms` on; fill it
    /// with the ledger's entries since [`DedupIndex::floor_ms`].
    pub fn new(now_ms: i64, horizon_hours: u32) -> Self {
        let horizon_hours = i64::from(horizon_hours);
        Self {
            hours: BTreeMap::new(),
            floor: hour_of(now_ms) - horizon_hours,
            horizon_hours,
        }
    }

    /// The first instant the index must hold (rebuild from the ledger from here).
    pub fn floor_ms(&self) -> i64 {
        self.floor * HOUR_MS
    }

    /// Judges an event with dedup `key` and event time `ms`.
    pub fn check(&self, key: u64, ms: i64) -> Verdict {
        let h = hour_of(ms);
        if h - 24 < self.floor {
            return Verdict::Unsure;
        }
        // One walk over the hours held in the window (usually a few around
        // now), not 47 map lookups: this runs for every event, twice.
        if self
            .hours
            .range(h - 23..=h + 23)
            .any(|(_, s)| s.contains(&key))
        {
            return Verdict::Duplicate;
        }
        let has = |hour: i64| self.hours.get(&hour).is_some_and(|s| s.contains(&key));
        if has(h - 24) || has(h + 24) {
            return Verdict::Unsure;
        }
        Verdict::New
    }

    /// Records an accepted event.
    pub fn insert(&mut self, key: u64, ms: i64) {
        let h = hour_of(ms);
        if h >= self.floor {
            self.hours.entry(h).or_default().insert(key);
        }
    }

    /// Forgets hours older than the horizon behind `now_ms`.
    pub fn evict(&mut self, now_ms: i64) {
        let floor = hour_of(now_ms) - self.horizon_hours;
        if floor > self.floor {
            self.floor = floor;
            self.hours = self.hours.split_off(&floor);
        }
    }

    /// Events held.
    pub fn len(&self) -> usize {
        self.hours.values().map(HashSet::len).sum()
    }

    /// Whether the index holds no event.
    pub fn is_empty(&self) -> bool {
        self.hours.values().all(HashSet::is_empty)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_762_300_800_000; // 2025-11-05T00:00:00Z

    fn index() -> DedupIndex {
        DedupIndex::new(NOW, 72)
    }

    #[test]
    fn same_id_within_a_day_is_a_duplicate() {
        let mut ix = index();
        let k = key("web-1");
        assert_eq!(ix.check(k, NOW - 1_000), Verdict::New);
        ix.insert(k, NOW - 1_000);
        assert_eq!(ix.check(k, NOW - 1_000), Verdict::Duplicate);
        assert_eq!(ix.check(k, NOW + 22 * HOUR_MS), Verdict::Duplicate);
        assert_eq!(ix.check(k, NOW + 23 * HOUR_MS), Verdict::Unsure);
        assert_eq!(ix.check(key("web-2"), NOW - 1_000), Verdict::New);
    }

    #[test]
    fn a_day_apart_needs_the_ledger_and_further_is_new() {
        let mut ix = index();
        let k = key("web-1");
        ix.insert(k, NOW - 10 * HOUR_MS);
        assert_eq!(ix.check(k, NOW + 14 * HOUR_MS), Verdict::Unsure);
        assert_eq!(ix.check(k, NOW + 15 * HOUR_MS), Verdict::New);
        assert_eq!(ix.check(k, NOW - 34 * HOUR_MS), Verdict::Unsure);
        assert_eq!(ix.check(k, NOW - 35 * HOUR_MS), Verdict::New);
    }

    #[test]
    fn events_older_than_the_index_need_the_ledger() {
        let ix = index();
        assert_eq!(ix.floor_ms(), NOW - 72 * HOUR_MS);
        assert_eq!(ix.check(key("x"), NOW - 48 * HOUR_MS), Verdict::New);
        assert_eq!(ix.check(key("x"), NOW - 48 * HOUR_MS - 1), Verdict::Unsure);
        assert_eq!(ix.check(key("x"), NOW - 30 * 24 * HOUR_MS), Verdict::Unsure);
    }

    #[test]
    fn eviction_moves_the_floor_and_frees_old_hours() {
        let mut ix = index();
        ix.insert(key("old"), NOW - 70 * HOUR_MS);
        ix.insert(key("new"), NOW);
        assert_eq!(ix.len(), 2);
        ix.evict(NOW + 10 * HOUR_MS);
        assert_eq!(ix.len(), 1);
        assert_eq!(ix.floor_ms(), NOW - 62 * HOUR_MS);
        assert_eq!(ix.check(key("old"), NOW - 70 * HOUR_MS), Verdict::Unsure);
    }

    #[test]
    fn negative_times_bucket_correctly() {
        assert_eq!(hour_of(-1), -1);
        assert_eq!(hour_of(0), 0);
    }
}
