//! Ingest's conversation with the `events` ledger: which offsets of a
//! partition are already stored, the recent keys to rebuild the dedup index,
//! the lookup of ids the index cannot judge, and the INSERT itself.
//! Every call here is safe to redo: reads are reads (abandoned at the
//! store's timeout), and an INSERT is only retried for the rows the ledger
//! does not already hold (never abandoned: see `combiner.rs`).

use std::collections::{BTreeSet, HashMap};

use cmp_store::{EventRow, Store, StoreError, sql};
use serde::Deserialize;

#[derive(Debug, clickhouse::Row, Deserialize)]
struct KeyTime {
    event_id: String,
    event_ms: i64,
}

/// Offsets of `topic`/`partition` at or past `from` already in the ledger.
pub async fn stored_offsets(
    store: &Store,
    topic: &str,
    partition: i32,
    from: i64,
) -> Result<BTreeSet<i64>, StoreError> {
    let q = store
        .client
        .query(sql::STORED_OFFSETS)
        .bind(topic)
        .bind(partition)
        .bind(from.max(0));
    let offsets = store.timed(q.fetch_all::<u64>()).await?;
    Ok(offsets
        .into_iter()
        .filter_map(|o| i64::try_from(o).ok())
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
