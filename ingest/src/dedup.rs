//! The in-memory dedup index of one partition: for each recent event hour,
//! the 64-bit hashes of the event ids accepted in it. A re-delivery of an
//! event is one whose id was already accepted on the same topic with an event
//! time less than 24 hours apart (contract/EVENTS.md, promise 2).
//!
//! Hour buckets decide most cases alone: two events whose hours differ by at
//! most 23 are less than 24 h apart, by 25 or more are not. At exactly 24
//! hours apart, or when the needed hours are older than the index covers, the
//! answer is [`Verdict::Unsure`] and the caller checks the ledger by id.
//! A 64-bit hash collision between two distinct ids inside one 48-hour window
//! is the only inexactness (about 1 in 2^64 / n per event, n the events in
//! the window).
//!
//! The indexes of a process share one [`Budget`] of memory
//! (`CMP_DEDUP_CAPACITY_KIB`) that they never exceed together: an index that
//! would grow past it, or past its even share, forgets its oldest hours
//! first. The index stays complete from its `floor` hour on (every accepted
//! event of those hours is in it), so "absent" is only said of hours it
//! covers; the floor rises with the time horizon and with each hour
//! forgotten for room, and everything below it goes to the ledger.

use std::collections::{BTreeMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

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

/// What one hour's map entry costs beside its table (the map's node share).
const HOUR_OVERHEAD: u64 = 64;
/// A table's control bytes beyond one per bucket (hashbrown's group width).
const GROUP_WIDTH: u64 = 16;

/// Buckets of a table that holds `capacity` keys (hashbrown keeps 7/8 of
/// its buckets usable from 8 buckets on, all but one below).
fn buckets(capacity: usize) -> u64 {
    match capacity {
        0 => 0,
        1..=7 => capacity as u64 + 1,
        _ => capacity as u64 * 8 / 7,
    }
}

/// Heap bytes of one hour holding a table of `capacity` keys: 8 bytes and a
/// control byte per bucket.
fn hour_bytes(capacity: usize) -> u64 {
    match buckets(capacity) {
        0 => 0,
        b => b * 9 + GROUP_WIDTH + HOUR_OVERHEAD,
    }
}

/// The capacity a full table grows to: the next power of two of buckets.
fn grown(capacity: usize) -> usize {
    match capacity {
        0 => 3,
        3 => 7,
        c => c * 2,
    }
}

/// The memory every dedup index of a process shares, in bytes.
#[derive(Debug)]
pub struct Budget {
    capacity: u64,
    used: AtomicU64,
    indexes: AtomicUsize,
}

impl Budget {
    /// A budget of `capacity` bytes.
    pub fn new(capacity: u64) -> Arc<Self> {
        Arc::new(Self {
            capacity,
            used: AtomicU64::new(0),
            indexes: AtomicUsize::new(0),
        })
    }

    /// No limit (tools and benchmarks).
    pub fn unlimited() -> Arc<Self> {
        Self::new(u64::MAX)
    }

    /// Bytes the budget allows.
    pub fn capacity(&self) -> u64 {
        self.capacity
    }

    /// Bytes the indexes hold now.
    pub fn used(&self) -> u64 {
        self.used.load(Ordering::Relaxed)
    }

    /// The part of the capacity one index may hold: an even share.
    fn share(&self) -> u64 {
        self.capacity / self.indexes.load(Ordering::Relaxed).max(1) as u64
    }

    /// Takes `bytes` if the total stays within the capacity.
    fn take(&self, bytes: u64) -> bool {
        self.used
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |used| {
                used.checked_add(bytes).filter(|n| *n <= self.capacity)
            })
            .is_ok()
    }

    fn give_back(&self, bytes: u64) {
        self.used.fetch_sub(bytes, Ordering::AcqRel);
    }
}

/// Accepted event keys by event hour, complete for every hour ≥ `floor`.
pub struct DedupIndex {
    hours: BTreeMap<i64, HashSet64>,
    /// Oldest hour the index holds completely (everything accepted in it).
    floor: i64,
    /// Hours of history kept behind "now".
    horizon_hours: i64,
    budget: Arc<Budget>,
    /// Bytes this index holds of the budget.
    bytes: u64,
}

impl std::fmt::Debug for DedupIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DedupIndex")
            .field("events", &self.len())
            .field("bytes", &self.bytes)
            .field("floor", &self.floor)
            .finish()
    }
}

impl DedupIndex {
    /// An empty index without a memory limit, complete from `horizon_hours`
    /// before `now_ms` on.
    pub fn new(now_ms: i64, horizon_hours: u32) -> Self {
        Self::within(now_ms, horizon_hours, Budget::unlimited())
    }

    /// An empty index, complete from `horizon_hours` before `now_ms` on,
    /// holding at most its share of `budget`; fill it with the ledger's
    /// entries since [`DedupIndex::floor_ms`].
    pub fn within(now_ms: i64, horizon_hours: u32, budget: Arc<Budget>) -> Self {
        budget.indexes.fetch_add(1, Ordering::AcqRel);
        let horizon_hours = i64::from(horizon_hours);
        Self {
            hours: BTreeMap::new(),
            floor: hour_of(now_ms) - horizon_hours,
            horizon_hours,
            budget,
            bytes: 0,
        }
    }

    /// The first instant the index covers (rebuild from the ledger from here).
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

    /// Records an accepted event. Where its hour's table must grow and the
    /// budget has no room, the oldest hours are forgotten until it has; if
    /// that reaches the event's own hour, the hour is forgotten too.
    pub fn insert(&mut self, key: u64, ms: i64) {
        let h = hour_of(ms);
        while h >= self.floor {
            let capacity = match self.hours.get_mut(&h) {
                Some(s) if s.len() < s.capacity() || s.contains(&key) => {
                    s.insert(key);
                    return;
                }
                Some(s) => s.capacity(),
                None => 0,
            };
            let extra = hour_bytes(grown(capacity)) - hour_bytes(capacity);
            if self.bytes + extra <= self.budget.share() && self.budget.take(extra) {
                self.bytes += extra;
                let set = self.hours.entry(h).or_default();
                set.reserve(grown(capacity) - set.len());
                debug_assert_eq!(set.capacity(), grown(capacity), "hashbrown's sizing");
                set.insert(key);
                return;
            }
            self.forget_oldest(h);
        }
    }

    /// Forgets the oldest hour held, or, when none older than `h` is held,
    /// every hour up to `h`: the floor passes it.
    fn forget_oldest(&mut self, h: i64) {
        match self.hours.first_key_value() {
            Some((&oldest, _)) if oldest <= h => {
                if let Some(set) = self.hours.remove(&oldest) {
                    self.release(hour_bytes(set.capacity()));
                }
                self.floor = oldest + 1;
            }
            _ => self.floor = h + 1,
        }
    }

    fn release(&mut self, bytes: u64) {
        self.bytes -= bytes;
        self.budget.give_back(bytes);
    }

    /// Forgets hours older than the horizon behind `now_ms`, and the oldest
    /// hours while the index holds more than its share of the budget (the
    /// share shrinks as partitions join).
    pub fn evict(&mut self, now_ms: i64) {
        let floor = hour_of(now_ms) - self.horizon_hours;
        if floor > self.floor {
            self.floor = floor;
            let kept = self.hours.split_off(&floor);
            let freed: u64 = self.hours.values().map(|s| hour_bytes(s.capacity())).sum();
            self.hours = kept;
            self.release(freed);
        }
        while self.bytes > self.budget.share() {
            let Some((&oldest, _)) = self.hours.first_key_value() else {
                break;
            };
            self.forget_oldest(oldest);
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

    /// Bytes held of the budget.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }
}

impl Drop for DedupIndex {
    fn drop(&mut self) {
        self.budget.give_back(self.bytes);
        self.budget.indexes.fetch_sub(1, Ordering::AcqRel);
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

    /// The bytes an index's tables really take, by the same measure.
    fn held_bytes(ix: &DedupIndex) -> u64 {
        ix.hours.values().map(|s| hour_bytes(s.capacity())).sum()
    }

    fn xorshift(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    #[test]
    fn a_bounded_index_never_exceeds_its_capacity() {
        let budget = Budget::new(20_000);
        let mut ix = DedupIndex::within(NOW, 72, Arc::clone(&budget));
        let mut rng = 7;
        for i in 0..50_000 {
            let ms = NOW - (xorshift(&mut rng) % (72 * HOUR_MS as u64)) as i64;
            ix.insert(key(&format!("e-{i}")), ms);
            assert!(budget.used() <= 20_000, "{} bytes held", budget.used());
            assert_eq!(ix.bytes(), held_bytes(&ix));
        }
        assert!(ix.len() > 500, "the capacity was used: {} events", ix.len());
        assert!(budget.used() > 10_000, "{} bytes", budget.used());
        drop(ix);
        assert_eq!(budget.used(), 0, "a dropped index gives its bytes back");
    }

    #[test]
    fn the_oldest_hours_are_forgotten_first_and_then_need_the_ledger() {
        let budget = Budget::new(4 * hour_bytes(28));
        let mut ix = DedupIndex::within(NOW, 72, Arc::clone(&budget));
        let hour = |h: i64| NOW - (60 - h) * HOUR_MS;
        for h in 0..10 {
            for i in 0..20 {
                ix.insert(key(&format!("{h}-{i}")), hour(h));
            }
        }
        let held: Vec<i64> = ix.hours.keys().map(|h| h - hour_of(hour(0))).collect();
        assert_eq!(held, [6, 7, 8, 9], "the four newest hours are kept");
        assert_eq!(ix.floor_ms(), hour(6));
        assert_eq!(ix.len(), 80);
        // A forgotten event is never said to be new: the ledger decides.
        assert_eq!(ix.check(key("0-1"), hour(0)), Verdict::Unsure);
        assert_eq!(
            ix.check(key("5-1"), hour(5) + HOUR_MS * 24),
            Verdict::Unsure
        );
        assert_eq!(
            ix.check(key("9-1"), hour(9) + HOUR_MS * 23),
            Verdict::Duplicate
        );
        assert_eq!(ix.check(key("9-1"), hour(9) + HOUR_MS * 40), Verdict::New);
    }

    #[test]
    fn an_hour_larger_than_the_capacity_is_not_kept_and_everything_asks_the_ledger() {
        let budget = Budget::new(300);
        let mut ix = DedupIndex::within(NOW, 72, Arc::clone(&budget));
        for i in 0..100 {
            ix.insert(key(&format!("e-{i}")), NOW);
        }
        assert!(ix.is_empty() && budget.used() == 0);
        assert_eq!(ix.floor_ms(), NOW + HOUR_MS);
        assert_eq!(ix.check(key("e-1"), NOW), Verdict::Unsure);
        assert_eq!(ix.check(key("other"), NOW + 20 * HOUR_MS), Verdict::Unsure);
        // Later hours are held again while they fit.
        ix.insert(key("late"), NOW + 30 * HOUR_MS);
        assert_eq!(ix.len(), 1);
    }

    #[test]
    fn absent_answers_are_exact_whatever_the_capacity() {
        // Against an exact model: "new" only when no accepted event with the
        // id lies within 24 h, "duplicate" only when one does.
        for capacity in [0, 2_000, 50_000, u64::MAX] {
            let mut ix = DedupIndex::within(NOW, 72, Budget::new(capacity));
            let mut accepted: Vec<(u64, i64)> = Vec::new();
            let mut rng = capacity | 1;
            let (mut unsure, mut checks) = (0, 0);
            for _ in 0..20_000 {
                let id = xorshift(&mut rng) % 3_000;
                let ms = NOW - (xorshift(&mut rng) % (48 * HOUR_MS as u64)) as i64;
                let k = key(&format!("id-{id}"));
                let truth = accepted
                    .iter()
                    .any(|(a, t)| *a == k && (t - ms).abs() < 24 * HOUR_MS);
                checks += 1;
                match ix.check(k, ms) {
                    Verdict::New => assert!(!truth, "said new, capacity {capacity}"),
                    Verdict::Duplicate => assert!(truth, "said duplicate, capacity {capacity}"),
                    Verdict::Unsure => unsure += 1,
                }
                if !truth {
                    accepted.push((k, ms));
                    ix.insert(k, ms);
                }
                ix.evict(NOW);
            }
            if capacity < 2_001 {
                assert!(
                    unsure * 2 > checks,
                    "capacity {capacity}: {unsure} of {checks} unsure"
                );
            }
        }
    }

    #[test]
    fn indexes_share_the_budget_evenly() {
        let budget = Budget::new(8 * hour_bytes(28));
        let mut a = DedupIndex::within(NOW, 72, Arc::clone(&budget));
        for h in 0..8 {
            for i in 0..20 {
                a.insert(key(&format!("{h}-{i}")), NOW - h * HOUR_MS);
            }
        }
        assert_eq!(
            a.bytes(),
            budget.capacity(),
            "alone, an index may hold it all"
        );
        let mut b = DedupIndex::within(NOW, 72, Arc::clone(&budget));
        a.evict(NOW);
        assert_eq!(
            a.bytes(),
            budget.capacity() / 2,
            "a partition joined: half each"
        );
        for i in 0..80 {
            b.insert(key(&format!("b-{i}")), NOW);
        }
        assert_eq!(b.len(), 80);
        assert!(budget.used() <= budget.capacity());
    }

    #[test]
    fn negative_times_bucket_correctly() {
        assert_eq!(hour_of(-1), -1);
        assert_eq!(hour_of(0), 0);
    }
}
