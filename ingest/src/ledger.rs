//! Ingest's conversation with the `events` ledger: which events of a
//! partition are already stored, the recent keys to rebuild the dedup index,
//! the lookup of ids the index cannot judge, and the INSERT itself. What
//! may be large (a partition's stored events, its recent keys) is read as a
//! stream, never whole.
//! Every call here is safe to redo: reads are reads (abandoned at the
//! store's timeout), and an INSERT is only retried for the rows the ledger
//! is known not to hold (never abandoned: see `combiner.rs`).

use std::collections::{BTreeSet, HashMap};

use cmp_store::{EventRow, Store, StoreError, sql};
use serde::Deserialize;

use crate::dedup;
use crate::stored::Page;

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

/// Ids per lookup query: their text (at most 64 bytes each, contract)
/// stays well under ClickHouse's `max_query_size` (256 KiB), which a
/// batch's 20,000 would pass.
const LOOKUP_IDS: usize = 2_000;

/// The events of `topic`/`partition` at or past `from` (and before `until`)
/// already in the ledger, as (offset, [`dedup::key`] of the event id): an
/// event is its coordinates and its id, since offsets can be reused (one
/// offset then holds two events). Read as a stream, and stopped after
/// `page` entries at the next offset (the page says where more begin).
pub async fn stored_offsets(
    store: &Store,
    topic: &str,
    partition: i32,
    from: i64,
    until: Option<i64>,
    page: usize,
) -> Result<Page, StoreError> {
    let q = store
        .client
        .query(sql::STORED_OFFSETS)
        .bind(topic)
        .bind(partition)
        .bind(from.max(0));
    store
        .timed(async move {
            let mut cursor = q.fetch::<OffsetId>()?;
            let mut entries = BTreeSet::new();
            while let Some(row) = cursor.next().await? {
                let Ok(offset) = i64::try_from(row.src_offset) else {
                    break;
                };
                if until.is_some_and(|until| offset >= until) {
                    break;
                }
                if entries.len() >= page && entries.last().is_some_and(|&(at, _)| at < offset) {
                    return Ok(Page {
                        entries,
                        more_from: Some(offset),
                    });
                }
                entries.insert((offset, dedup::key(&row.event_id)));
            }
            Ok(Page {
                entries,
                more_from: None,
            })
        })
        .await
}

/// Feeds `each` the (event id, event ms) of the partition's events since
/// `since_ms`, as a stream; returns how many.
pub async fn recent_keys(
    store: &Store,
    topic: &str,
    partition: i32,
    since_ms: i64,
    mut each: impl FnMut(&str, i64),
) -> Result<u64, StoreError> {
    let q = store
        .client
        .query(sql::DEDUP_KEYS_SINCE)
        .bind(topic)
        .bind(partition)
        .bind(since_ms.div_euclid(1000).max(0));
    store
        .timed(async move {
            let mut cursor = q.fetch::<KeyTime>()?;
            let mut n = 0;
            while let Some(row) = cursor.next().await? {
                each(&row.event_id, row.event_ms);
                n += 1;
            }
            Ok(n)
        })
        .await
}

/// Event times in the ledger of each of `ids` on `topic`, between the
/// bounds (ms); one query per [`LOOKUP_IDS`] ids.
pub async fn lookup(
    store: &Store,
    topic: &str,
    ids: &[String],
    from_ms: i64,
    to_ms: i64,
) -> Result<HashMap<String, Vec<i64>>, StoreError> {
    let mut found: HashMap<String, Vec<i64>> = HashMap::new();
    for chunk in ids.chunks(LOOKUP_IDS) {
        let q = store
            .client
            .query(sql::DEDUP_LOOKUP)
            .bind(topic)
            .bind(chunk)
            .bind(from_ms.div_euclid(1000).max(0))
            .bind(to_ms.div_euclid(1000) + 1);
        for r in store.timed(q.fetch_all::<KeyTime>()).await? {
            found.entry(r.event_id).or_default().push(r.event_ms);
        }
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
