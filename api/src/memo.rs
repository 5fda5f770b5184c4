//! Reports computed once per data version. A report (the KPI engine's
//! [`Report`]) and a campaign's judged targets are pure functions of the
//! rollups, the registry and the day, so while the data version
//! (`cmp_store::data_version`: the parts of those tables) is unchanged a
//! computed one is still exact and is served from memory; concurrent
//! requests for the same missing one wait for a single computation.
//!
//! **Held snapshots** (the performance route and the live feed, which
//! reads through it): once a report has been computed, a request at a
//! newer version is answered at once with the last one computed (the held
//! snapshot, whose `as_of` says how fresh it is) while one computation at
//! the new version runs in the background, queued by the first reader
//! who found it stale; no reader waits for it, and when it is done the
//! next readers get it. At most [`REFRESHING`] such computations run at
//! once; the others wait their turn in the order their keys were found
//! stale, one per key. A report never computed yet, or whose registry rows
//! changed since (a campaign or its targets: read-your-writes holds), makes
//! its reader wait.
//!
//! The version is polled every [`POLL`] in the background, and this
//! process's own registry writes count too (read-your-writes), so a report
//! is at most one poll older than the data (another replica's registry
//! write shows within one poll). Unknown version (before the first poll, or
//! ClickHouse unreachable): nothing is cached. The portfolio may take
//! judged targets, and the ledger reads its experiments' results rest on,
//! up to [`PORTFOLIO_STALE`] old (see `views/portfolio.rs`): every ledger
//! INSERT adds a part to a rollup through its view, so the data version
//! follows the ledger too.
//! Entries of older versions are dropped as the map fills.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use cmp_kpi::{Dimension, Granularity};
use cmp_process::Shutdown;
use cmp_report::Report;
use cmp_store::{Campaign, Shared, Store, StoreError, TableVersion, UnitDay, UnitSpend};
use tokio::sync::{OnceCell, Semaphore, watch};

/// How often the data version is read: a look at `system.parts` (a few
/// milliseconds), and up to one period added to what readers see of new
/// data (BENCHMARKS.md, freshness in the API).
pub const POLL: Duration = Duration::from_millis(100);
/// How old judged targets the portfolio accepts.
pub const PORTFOLIO_STALE: Duration = Duration::from_secs(60);
/// Entries kept before those of older versions are dropped.
const CAPACITY: usize = 4096;
/// Background recomputations of held snapshots running at once.
pub const REFRESHING: usize = 4;

/// A report's identity.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReportKey {
    pub campaign: Campaign,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Sorted, each once.
    pub by: Vec<Dimension>,
    pub granularity: Option<Granularity>,
}

/// A campaign's targets judged on a day.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JudgedKey {
    pub campaign: Campaign,
    pub today: NaiveDate,
}

pub type Judged = Vec<cmp_report::Judged>;

/// A program's uptake per experiment unit and reporting day
/// (`cmp_store::experiment_uptake`'s arguments).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UptakeKey {
    pub tz: &'static str,
    pub unit: &'static str,
    pub program: String,
    pub bounds: (DateTime<Utc>, DateTime<Utc>),
}

/// A campaign's spend per experiment unit (`cmp_store::experiment_spend`'s).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SpendKey {
    pub unit: &'static str,
    pub campaign: String,
    pub bounds: (DateTime<Utc>, DateTime<Utc>),
}

/// The data version read once, for computations that must agree on it
/// (a report and its judged targets), and the reads they share.
#[derive(Debug, Clone)]
pub struct At {
    version: Option<Version>,
    shared: Option<Shared>,
}

impl At {
    /// `store` sharing this version's report reads (identical queries of
    /// the computations given it run once); as it is while the version is
    /// unknown.
    pub fn store(&self, store: &Store) -> Store {
        match &self.shared {
            Some(shared) => store.sharing(shared.clone()),
            None => store.clone(),
        }
    }
}

/// The data version: the tables' parts and this process's registry writes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Version {
    tables: Arc<Vec<TableVersion>>,
    writes: u64,
}

/// The registry's tables: a held snapshot never outlives a change of them.
const REGISTRY: [&str; 2] = ["campaigns", "target_sets"];

impl Version {
    /// Whether only the rollups changed between the two: no registry write
    /// (a new block in its tables, or this process's own). A merge of the
    /// registry's parts changes no block number and no answer.
    fn same_registry(&self, other: &Version) -> bool {
        let registry = |v: &Version| -> Vec<(String, i64)> {
            v.tables
                .iter()
                .filter(|t| REGISTRY.contains(&t.table.as_str()))
                .map(|t| (t.table.clone(), t.block))
                .collect()
        };
        self.writes == other.writes && registry(self) == registry(other)
    }
}

/// The computed reports and judged targets, by version.
#[derive(Debug, Clone)]
pub struct Memo {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    tables: watch::Sender<Option<Arc<Vec<TableVersion>>>>,
    writes: AtomicU64,
    reports: Cache<ReportKey, Report>,
    judged: Cache<JudgedKey, Judged>,
    uptake: Cache<UptakeKey, Vec<UnitDay>>,
    spend: Cache<SpendKey, Vec<UnitSpend>>,
    /// Campaigns read since the registry last changed, with that version.
    campaigns: Mutex<Option<Campaigns>>,
    /// The reads shared at the newest version handed out.
    shared: Mutex<Option<(Version, Shared)>>,
}

impl Default for Memo {
    fn default() -> Self {
        Memo {
            inner: Arc::new(Inner {
                tables: watch::Sender::new(None),
                writes: AtomicU64::new(0),
                reports: Cache::default(),
                judged: Cache::default(),
                uptake: Cache::default(),
                spend: Cache::default(),
                campaigns: Mutex::new(None),
                shared: Mutex::new(None),
            }),
        }
    }
}

impl Memo {
    /// Reads the data version every [`POLL`] until `shutdown`.
    pub async fn follow(self, store: Store, mut shutdown: Shutdown) {
        loop {
            let now = cmp_store::data_version(&store).await.ok().map(Arc::new);
            self.inner.tables.send_if_modified(|v| {
                let changed = *v != now;
                *v = now;
                changed
            });
            tokio::select! {
                () = shutdown.wait() => return,
                () = tokio::time::sleep(POLL) => {}
            }
        }
    }

    /// Records a registry write by this process.
    pub fn wrote(&self) {
        self.inner.writes.fetch_add(1, Ordering::Relaxed);
    }

    fn version(&self) -> Option<Version> {
        let tables = self.inner.tables.borrow().clone()?;
        Some(Version {
            tables,
            writes: self.inner.writes.load(Ordering::Relaxed),
        })
    }

    /// The data version now, and the reads shared by the computations of
    /// it (one [`Shared`] per version: a query it ran started after the
    /// version was read).
    pub fn at(&self) -> At {
        let version = self.version();
        let shared = version.as_ref().map(|v| {
            let mut kept = self.inner.shared.lock().unwrap_or_else(|p| p.into_inner());
            match kept.as_ref() {
                Some((at, shared)) if at == v => shared.clone(),
                _ => {
                    let shared = Shared::default();
                    *kept = Some((v.clone(), shared.clone()));
                    shared
                }
            }
        });
        At { version, shared }
    }

    /// The report of `key` at `at`: known at that version, else the held
    /// snapshot (refreshed in the background by `compute`), else computed
    /// now. `compute` reads through `at.store(…)` to share its queries.
    pub async fn report<E, F>(&self, at: &At, key: ReportKey, compute: F) -> Result<Arc<Report>, E>
    where
        F: Future<Output = Result<Report, E>> + Send + 'static,
        E: Send + 'static,
    {
        self.inner
            .reports
            .held(key, at.version.clone(), compute)
            .await
    }

    /// Every campaign's current version, by id, read once while the
    /// registry is unchanged (no new block in its tables, no write by this
    /// process): the routes look a campaign up on every request, and a
    /// lookup must not queue behind the reports ClickHouse is computing.
    pub async fn campaigns(&self, store: &Store) -> Result<Arc<Vec<Campaign>>, StoreError> {
        let Some(version) = self.version() else {
            return cmp_store::campaigns(store).await.map(Arc::new);
        };
        {
            let kept = self
                .inner
                .campaigns
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            if let Some((at, all)) = kept.as_ref()
                && at.same_registry(&version)
            {
                return Ok(Arc::clone(all));
            }
        }
        let all = Arc::new(cmp_store::campaigns(store).await?);
        *self
            .inner
            .campaigns
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some((version, Arc::clone(&all)));
        Ok(all)
    }

    /// The campaign `id` (`None`: not registered), from [`Memo::campaigns`].
    pub async fn campaign(&self, store: &Store, id: &str) -> Result<Option<Campaign>, StoreError> {
        let all = self.campaigns(store).await?;
        Ok(all
            .binary_search_by(|c| c.id.as_str().cmp(id))
            .ok()
            .map(|i| all[i].clone()))
    }

    /// The judged targets of `key` as [`Memo::report`] keeps reports.
    pub async fn judged_held<E, F>(
        &self,
        at: &At,
        key: JudgedKey,
        compute: F,
    ) -> Result<Arc<Judged>, E>
    where
        F: Future<Output = Result<Judged, E>> + Send + 'static,
        E: Send + 'static,
    {
        self.inner
            .judged
            .held(key, at.version.clone(), compute)
            .await
    }

    /// The judged targets of `key`; a value computed at an older version is
    /// accepted while younger than `stale`.
    pub async fn judged<E, F>(
        &self,
        key: JudgedKey,
        stale: Duration,
        compute: F,
    ) -> Result<Arc<Judged>, E>
    where
        F: Future<Output = Result<Judged, E>>,
    {
        self.inner
            .judged
            .get(key, self.version(), stale, compute)
            .await
    }

    /// The experiment uptake of `key`, as [`Memo::judged`] keeps values.
    pub async fn uptake<E, F>(
        &self,
        key: UptakeKey,
        stale: Duration,
        compute: F,
    ) -> Result<Arc<Vec<UnitDay>>, E>
    where
        F: Future<Output = Result<Vec<UnitDay>, E>>,
    {
        self.inner
            .uptake
            .get(key, self.version(), stale, compute)
            .await
    }

    /// The experiment spend of `key`, as [`Memo::judged`] keeps values.
    pub async fn spend<E, F>(
        &self,
        key: SpendKey,
        stale: Duration,
        compute: F,
    ) -> Result<Arc<Vec<UnitSpend>>, E>
    where
        F: Future<Output = Result<Vec<UnitSpend>, E>>,
    {
        self.inner
            .spend
            .get(key, self.version(), stale, compute)
            .await
    }
}

/// Every campaign as read at a registry version.
type Campaigns = (Version, Arc<Vec<Campaign>>);

/// One computation: its version, when it started, and its value once
/// known; and the key's held snapshot (shared by its entries of every
/// version).
#[derive(Debug)]
struct Entry<V> {
    version: Version,
    started: Instant,
    cell: Arc<OnceCell<Arc<V>>>,
    held: Arc<Mutex<Held<V>>>,
}

/// The newest value computed for a key and its version: `seq` is when its
/// computation started (a later start replaces it); and whether a
/// background refresh of the key is queued or running (one at a time).
#[derive(Debug)]
struct Held<V> {
    seq: u64,
    value: Option<(Version, Arc<V>)>,
    refreshing: bool,
}

impl<V> Entry<V> {
    fn new(version: Version, held: Option<Arc<Mutex<Held<V>>>>) -> Entry<V> {
        Entry {
            version,
            started: Instant::now(),
            cell: Arc::new(OnceCell::new()),
            held: held.unwrap_or_else(|| {
                Arc::new(Mutex::new(Held {
                    seq: 0,
                    value: None,
                    refreshing: false,
                }))
            }),
        }
    }
}

#[derive(Debug)]
struct Cache<K, V> {
    entries: Mutex<HashMap<K, Entry<V>>>,
    /// Permits of the background recomputations.
    refreshes: Arc<Semaphore>,
    /// Numbers the computations of held snapshots in start order.
    started: AtomicU64,
}

impl<K, V> Default for Cache<K, V> {
    fn default() -> Self {
        Cache {
            entries: Mutex::new(HashMap::new()),
            refreshes: Arc::new(Semaphore::new(REFRESHING)),
            started: AtomicU64::new(0),
        }
    }
}

/// Drops the entries of older versions once the map is full (all of them
/// if that is not enough).
fn make_room<K, V>(entries: &mut HashMap<K, Entry<V>>, version: &Version) {
    if entries.len() >= CAPACITY {
        entries.retain(|_, e| e.version == *version);
        if entries.len() >= CAPACITY {
            entries.clear();
        }
    }
}

/// Computes a value of `version` into `cell` once and, if it is the newest
/// started, into the held snapshot.
async fn fill<V, E>(
    cell: &OnceCell<Arc<V>>,
    held: &Mutex<Held<V>>,
    (seq, version): (u64, Version),
    compute: impl Future<Output = Result<V, E>>,
) -> Result<Arc<V>, E> {
    let value = cell
        .get_or_try_init(|| async { compute.await.map(Arc::new) })
        .await?;
    let mut h = held.lock().unwrap_or_else(|p| p.into_inner());
    if seq >= h.seq {
        h.seq = seq;
        h.value = Some((version, Arc::clone(value)));
    }
    Ok(Arc::clone(value))
}

impl<K: Eq + Hash + Clone, V: Send + Sync + 'static> Cache<K, V> {
    /// The value of `key` at `version`; else the held snapshot at once (if
    /// only the rollups changed since it was computed), with one background
    /// computation of `version` queued if none is queued or running for the
    /// key: it starts when one of the [`REFRESHING`] permits is free, in the
    /// order the keys were found stale (the semaphore is fair), so that a
    /// key is refreshed within one round of the stale keys rather than when
    /// a reader happens to find a permit free; else (never computed, or the
    /// registry changed) computed now, once for all concurrent readers.
    /// Errors are not kept.
    async fn held<E, F>(&self, key: K, version: Option<Version>, compute: F) -> Result<Arc<V>, E>
    where
        F: Future<Output = Result<V, E>> + Send + 'static,
        E: Send + 'static,
    {
        let Some(version) = version else {
            return compute.await.map(Arc::new);
        };
        let (cell, held) = {
            let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
            match entries.get(&key) {
                Some(e) if e.version == version => {}
                found => {
                    let held = found.map(|e| Arc::clone(&e.held));
                    make_room(&mut entries, &version);
                    entries.insert(key.clone(), Entry::new(version.clone(), held));
                }
            }
            let e = entries.get(&key).expect("present");
            if let Some(v) = e.cell.get() {
                return Ok(Arc::clone(v));
            }
            (Arc::clone(&e.cell), Arc::clone(&e.held))
        };
        let seq = (self.started.fetch_add(1, Ordering::Relaxed) + 1, version);
        let (last, queue) = {
            let mut h = held.lock().unwrap_or_else(|p| p.into_inner());
            let last = h
                .value
                .as_ref()
                .filter(|(v, _)| v.same_registry(&seq.1))
                .map(|(_, value)| Arc::clone(value));
            let queue = last.is_some() && !h.refreshing;
            h.refreshing |= queue;
            (last, queue)
        };
        let Some(last) = last else {
            return fill(&cell, &held, seq, compute).await;
        };
        if queue {
            let permits = Arc::clone(&self.refreshes);
            tokio::spawn(async move {
                let permit = permits.acquire_owned().await;
                let _ = fill(&cell, &held, seq, compute).await;
                held.lock().unwrap_or_else(|p| p.into_inner()).refreshing = false;
                drop(permit);
            });
        }
        Ok(last)
    }
}

impl<K: Eq + Hash, V> Cache<K, V> {
    async fn get<E, F>(
        &self,
        key: K,
        version: Option<Version>,
        stale: Duration,
        compute: F,
    ) -> Result<Arc<V>, E>
    where
        F: Future<Output = Result<V, E>>,
    {
        let Some(version) = version else {
            return compute.await.map(Arc::new);
        };
        let cell = {
            let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
            match entries.get(&key) {
                Some(e) if e.version == version => Arc::clone(&e.cell),
                // An older version's value (or its computation in flight) still allowed.
                Some(e) if e.started.elapsed() <= stale => match e.cell.get() {
                    Some(v) => return Ok(Arc::clone(v)),
                    None => Arc::clone(&e.cell),
                },
                found => {
                    let held = found.map(|e| Arc::clone(&e.held));
                    make_room(&mut entries, &version);
                    let entry = Entry::new(version, held);
                    let cell = Arc::clone(&entry.cell);
                    entries.insert(key, entry);
                    cell
                }
            }
        };
        cell.get_or_try_init(|| async { compute.await.map(Arc::new) })
            .await
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    fn version(block: i64, writes: u64) -> Option<Version> {
        Some(Version {
            tables: Arc::new(vec![TableVersion {
                table: "engagement_hourly".into(),
                block,
                parts: 1,
                rows: 1,
            }]),
            writes,
        })
    }

    async fn get(
        cache: &Cache<u8, u32>,
        v: Option<Version>,
        stale: Duration,
        calls: &AtomicUsize,
        value: u32,
    ) -> u32 {
        *cache
            .get(1, v, stale, async {
                calls.fetch_add(1, Ordering::SeqCst);
                Ok::<_, ()>(value)
            })
            .await
            .expect("computed")
    }

    #[tokio::test]
    async fn one_computation_per_version_and_none_without_one() {
        let cache = Cache::default();
        let calls = AtomicUsize::new(0);
        let z = Duration::ZERO;
        assert_eq!(get(&cache, version(1, 0), z, &calls, 10).await, 10);
        assert_eq!(get(&cache, version(1, 0), z, &calls, 11).await, 10);
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        // New data, or a write of this process: recomputed.
        assert_eq!(get(&cache, version(2, 0), z, &calls, 12).await, 12);
        assert_eq!(get(&cache, version(2, 1), z, &calls, 13).await, 13);
        // Unknown version: always computed, never kept.
        assert_eq!(get(&cache, None, z, &calls, 14).await, 14);
        assert_eq!(get(&cache, version(2, 1), z, &calls, 15).await, 13);
        assert_eq!(calls.load(Ordering::SeqCst), 4);
    }

    #[tokio::test]
    async fn a_stale_value_serves_only_within_its_allowance() {
        let cache = Cache::default();
        let calls = AtomicUsize::new(0);
        get(&cache, version(1, 0), Duration::ZERO, &calls, 1).await;
        let hour = Duration::from_secs(3600);
        assert_eq!(get(&cache, version(2, 0), hour, &calls, 2).await, 1);
        assert_eq!(
            get(&cache, version(2, 0), Duration::ZERO, &calls, 3).await,
            3
        );
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn concurrent_requests_share_one_computation_and_errors_are_not_kept() {
        let cache: Cache<u8, u32> = Cache::default();
        let calls = AtomicUsize::new(0);
        let slow = || async {
            calls.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(20)).await;
            Ok::<_, ()>(7)
        };
        let (a, b) = tokio::join!(
            cache.get(1, version(1, 0), Duration::ZERO, slow()),
            cache.get(1, version(1, 0), Duration::ZERO, slow()),
        );
        assert_eq!((*a.expect("a"), *b.expect("b")), (7, 7));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        let failed = cache
            .get(2, version(1, 0), Duration::ZERO, async {
                Err::<u32, _>("down")
            })
            .await;
        assert!(failed.is_err());
        let again = cache
            .get(2, version(1, 0), Duration::ZERO, async { Ok::<_, &str>(9) })
            .await;
        assert_eq!(*again.expect("retried"), 9);
    }

    #[tokio::test]
    async fn a_reader_never_waits_for_a_refresh_another_started() {
        use futures_util::FutureExt;
        let cache: Cache<u8, u32> = Cache::default();
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = |value: u32, gate: Option<tokio::sync::oneshot::Receiver<()>>| {
            let calls = Arc::clone(&calls);
            async move {
                calls.fetch_add(1, Ordering::SeqCst);
                if let Some(gate) = gate {
                    let _ = gate.await;
                }
                Ok::<_, ()>(value)
            }
        };
        // Never computed: the first reader waits for it.
        let first = cache.held(1, version(1, 0), counted(1, None)).await;
        assert_eq!(*first.expect("computed"), 1);
        // New data: the held snapshot at once, its refresh in the background
        // (held up by `gate`), and a second reader gets the snapshot too
        // without starting another.
        let (open, gate) = tokio::sync::oneshot::channel();
        let now = cache
            .held(1, version(2, 0), counted(2, Some(gate)))
            .now_or_never()
            .expect("answered without waiting");
        assert_eq!(*now.expect("held"), 1);
        let again = cache
            .held(1, version(2, 0), counted(3, None))
            .now_or_never()
            .expect("answered without waiting");
        assert_eq!(*again.expect("held"), 1);
        // The refresh finishes: readers get it.
        open.send(()).expect("gate");
        let mut fresh = 1;
        for _ in 0..1000 {
            tokio::task::yield_now().await;
            fresh = *cache
                .held(1, version(2, 0), counted(4, None))
                .await
                .expect("value");
            if fresh == 2 {
                break;
            }
        }
        assert_eq!(fresh, 2);
        assert_eq!(calls.load(Ordering::SeqCst), 2, "one refresh for version 2");
        // Still newer data while nothing is held at it: the newest snapshot.
        let v3 = cache
            .held(
                1,
                version(3, 0),
                counted(5, Some(tokio::sync::oneshot::channel().1)),
            )
            .now_or_never()
            .expect("answered without waiting");
        assert_eq!(*v3.expect("held"), 2);
        // A registry write: never the held snapshot.
        let written = cache.held(1, version(3, 1), counted(6, None)).await;
        assert_eq!(*written.expect("computed"), 6);
    }

    #[tokio::test]
    async fn a_key_found_stale_while_every_refresh_slot_is_busy_is_refreshed_when_one_frees() {
        use futures_util::FutureExt;
        let cache: Cache<u8, u32> = Cache::default();
        let value = |v: u32, gate: Option<tokio::sync::oneshot::Receiver<()>>| async move {
            if let Some(gate) = gate {
                let _ = gate.await;
            }
            Ok::<_, ()>(v)
        };
        let keys = u8::try_from(REFRESHING).expect("few slots") + 1;
        for k in 0..keys {
            let first = cache.held(k, version(1, 0), value(1, None)).await;
            assert_eq!(*first.expect("computed"), 1);
        }
        // New data: every slot taken by a refresh held up by its gate...
        let mut gates = Vec::new();
        for k in 0..keys - 1 {
            let (open, gate) = tokio::sync::oneshot::channel();
            gates.push(open);
            let held = cache.held(k, version(2, 0), value(2, Some(gate)));
            assert_eq!(*held.now_or_never().expect("at once").expect("held"), 1);
        }
        // ...when the last key is found stale: its snapshot at once, and its
        // refresh waits for a slot instead of waiting for another reader.
        let last = keys - 1;
        let held = cache.held(last, version(2, 0), value(2, None));
        assert_eq!(*held.now_or_never().expect("at once").expect("held"), 1);
        for open in gates {
            open.send(()).expect("gate");
        }
        let mut refreshed = false;
        for _ in 0..1000 {
            tokio::task::yield_now().await;
            let done = cache.entries.lock().expect("entries")[&last]
                .cell
                .get()
                .map(|v| **v);
            if done == Some(2) {
                refreshed = true;
                break;
            }
        }
        assert!(refreshed, "the stale key was never refreshed");
        let next = cache.held(last, version(2, 0), value(3, None));
        assert_eq!(*next.now_or_never().expect("at once").expect("fresh"), 2);
    }

    #[test]
    fn a_merge_of_the_registry_is_no_registry_write() {
        let with_targets = |block: i64, parts: u64| Version {
            tables: Arc::new(vec![TableVersion {
                table: "target_sets".into(),
                block,
                parts,
                rows: 50,
            }]),
            writes: 0,
        };
        assert!(with_targets(7, 50).same_registry(&with_targets(7, 3)));
        assert!(!with_targets(7, 50).same_registry(&with_targets(8, 51)));
    }
}
