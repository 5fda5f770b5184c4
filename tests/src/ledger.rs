//! Reading the ledger back, as the tests' truth on the storage side.

use std::collections::BTreeSet;

use cmp_store::Store;
use serde::Deserialize;

#[derive(Debug, clickhouse::Row, Deserialize)]
struct Key {
    src_topic: String,
    event_id: String,
}

/// (topic, event_id) of every stored row, and the number of rows (a row stored
/// twice shows as more rows than keys).
pub async fn stored_keys(store: &Store) -> Result<(BTreeSet<(String, String)>, usize), String> {
    let rows = store
        .client
        .query("SELECT src_topic, event_id FROM events")
        .fetch_all::<Key>()
        .await
        .map_err(|e| e.to_string())?;
    let n = rows.len();
    Ok((rows.into_iter().map(|k| (k.src_topic, k.event_id)).collect(), n))
}

/// Rows in the ledger.
pub async fn row_count(store: &Store) -> Result<u64, String> {
    store
        .client
        .query("SELECT count() FROM events")
        .fetch_one::<u64>()
        .await
        .map_err(|e| e.to_string())
}
