//! Ingest's conversation with the `events` ledger: which events of a
//! partition are already stored, the recent keys to rebuild the dedup index,
//! the lookup of ids the index cannot judge, and the INSERT itself.
//! Every call here is safe to redo: reads are reads (abandoned at the
//! store's timeout), and an INSERT is only retried for the rows the ledger
//! is known not to hold (never abandoned: see `combiner.rs`).

use std::collections::{BTreeSet, HashMap};

use cmp_store::{EventRow, Store, StoreError, sql};
use serde::Deserialize;

use crate::dedup;

#[derive(Debug, clickhouse::Row, Deserialize)]
struct OffsetId {
    src_offset: u64,
    event_id: String,
}

#[derive(Debug, clickhouse::Row, Deserialize)]
struct KeyTime {
    event_id: String,
    event_ms: i64,
}

/// The events of `topic`/`partition` at or past `from` already in the
/// ledger, as (offset, [`dedup::key`] of the event id): an event is its
/// coordinates and its id, since offsets can be reused (one offset then
/// holds two events).
pub async fn stored_offsets(
    store: &Store,
    topic: &str,
    partition: i32,
    from: i64,
) -> Result<BTreeSet<(i64, u64)>, StoreError> {
    let q = store
        .client
        .query(sql::STORED_OFFSETS)
        .bind(topic)
        .bind(partition)
        .bind(from.max(0));
    let stored = store.timed(q.fetch_all::<OffsetId>()).await?;
    Ok(stored
        .into_iter()
        .filter_map(|s| Some((i64::try_from(s.src_offset).ok()?, dedup::key(&s.event_id))))
        .collect())
}

/// (event id, event ms) of the partition's events since `since_ms`.
pub async fn recent_keys(
    store: &Store,
    topic: &str,
    partition: i32,
    since_ms: i64,
) -> Result<Vec<(String, i64)>, StoreError> {
    let q = store
        .client
        .query(sql::DEDUP_KEYS_SINCE)
        .bind(topic)
        .bind(partition)
        .bind(since_ms.div_euclid(1000).max(0));
    let rows = store.timed(q.fetch_all::<KeyTime>()).await?;
    Ok(rows.into_iter().map(|r| (r.event_id, r.event_ms)).collect())
}

/// Event times in the ledger of each of `ids` on `topic`, between the bounds (ms).
pub async fn lookup(
    store: &Store,
    topic: &str,
    ids: &[String],
    from_ms: i64,
    to_ms: i64,
) -> Result<HashMap<String, Vec<i64>>, StoreError> {
    let q = store
        .client
        .query(sql::DEDUP_LOOKUP)
        .bind(topic)
        .bind(ids)
        .bind(from_ms.div_euclid(1000).max(0))
        .bind(to_ms.div_euclid(1000) + 1);
    let rows = store.timed(q.fetch_all::<KeyTime>()).await?;
    let mut found: HashMap<String, Vec<i64>> = HashMap::new();
    for r in rows {
        found.entry(r.event_id).or_default().push(r.event_ms);
    }
    Ok(found)
}

/// One INSERT of the rows of every batch of `batches`.
pub async fn insert(store: &Store, batches: &[&[EventRow]]) -> Result<(), StoreError> {
    let mut insert = store.client.insert::<EventRow>("events").await?;
    for rows in batches {
        for row in *rows {
            insert.write(row).await?;
        }
    }
    insert.end().await?;
    Ok(())
}
