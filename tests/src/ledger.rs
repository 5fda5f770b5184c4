//! Reading the ledger back, as the tests' truth on the storage side.

use std::collections::BTreeSet;

use cmp_store::{EventRow, Store};
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
    Ok((
        rows.into_iter()
            .map(|k| (k.src_topic, k.event_id))
            .collect(),
        n,
    ))
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

/// Waits until the ledger holds `expected.len()` rows, then asserts it holds
/// exactly the `expected` (topic, event_id) set, each once.
pub async fn assert_exactly(
    store: &Store,
    expected: &BTreeSet<(String, String)>,
    limit: std::time::Duration,
) {
    let want = expected.len() as u64;
    crate::wait_until("the ledger to hold every accepted event", limit, || async {
        let n = row_count(store).await?;
        if n >= want {
            Ok(())
        } else {
            Err(format!("{n} of {want} rows"))
        }
    })
    .await;
    // A late double store would arrive now: give it the chance to be seen.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let (keys, rows) = stored_keys(store).await.expect("read ledger");
    let missing: Vec<_> = expected.difference(&keys).take(5).collect();
    let extra: Vec<_> = keys.difference(expected).take(5).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "ledger differs: missing {missing:?}, unexpected {extra:?}"
    );
    assert_eq!(
        rows,
        keys.len(),
        "{} event(s) stored more than once",
        rows - keys.len()
    );
}

/// Asserts that each rollup counts exactly the ledger's distinct events of
/// its kind (an event is its source coordinates and id): rows the
/// materialized views saw twice show as more events in the rollup.
pub async fn assert_rollups_match(store: &Store) {
    for (kind, rollup) in [
        ("engagement", "engagement_hourly"),
        ("uptake", "uptake_hourly"),
    ] {
        let distinct: u64 = store
            .client
            .query(
                "SELECT count() FROM (SELECT DISTINCT src_topic, src_partition, src_offset, event_id \
                 FROM events WHERE kind = ?)",
            )
            .bind(kind)
            .fetch_one()
            .await
            .expect("distinct ledger events");
        let rolled: u64 = store
            .client
            .query(&format!("SELECT countMerge(events) FROM {rollup}"))
            .fetch_one()
            .await
            .expect("rollup events");
        assert_eq!(
            rolled, distinct,
            "{rollup} counts {rolled} events, the ledger holds {distinct} distinct {kind} events"
        );
    }
}

/// Asserts the daily tier counts every ledger event once per grouping
/// (engagement keeps five, uptake four: migration 0015; the program table
/// four, of completed uptake: 0016), month by month
/// (its partitions are the ledger's UTC months). `OPTIMIZE … FINAL` first
/// merges each table's parts, as background merges do in time.
pub async fn assert_daily_tier_matches(store: &Store) {
    for (kind, stage, table, groupings) in [
        ("engagement", "", "engagement_daily", 5),
        ("uptake", "", "uptake_daily", 4),
        ("uptake", "completed", "program_daily", 4),
    ] {
        store
            .client
            .query("OPTIMIZE TABLE ? FINAL")
            .bind(clickhouse::sql::Identifier(table))
            .execute()
            .await
            .expect("merge the daily tier");
        let stored: Vec<(u32, u64)> = store
            .client
            .query(
                "SELECT toYYYYMM(event_time) AS month, ? * count() FROM events \
                 WHERE kind = ? AND (? = '' OR stage = ?) GROUP BY month ORDER BY month",
            )
            .bind(groupings)
            .bind(kind)
            .bind(stage)
            .bind(stage)
            .fetch_all()
            .await
            .expect("ledger events by month");
        let tallied: Vec<(u32, u64)> = store
            .client
            .query("SELECT month, sum(tally) FROM ? GROUP BY month ORDER BY month")
            .bind(clickhouse::sql::Identifier(table))
            .fetch_all()
            .await
            .expect("daily tier tally by month");
        assert_eq!(
            tallied, stored,
            "{table}'s tally by month against {groupings} times the ledger's {kind} events"
        );
    }
}

/// How many times the ledger's rows were counted: rows, distinct events
/// (source coordinates and id), and events the rollups count (both kinds). A row stored
/// twice shows as more rows than coordinates until a merge hides it; in the
/// rollups, whose views count every INSERT, it stays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counted {
    pub rows: u64,
    pub coordinates: u64,
    pub rolled_up: u64,
}

/// Reads [`Counted`] (without `FINAL`: a doubled row is what it looks for).
pub async fn counted(store: &Store) -> Result<Counted, String> {
    let (rows, coordinates) = store
        .client
        .query(
            "SELECT count(), uniqExact(src_topic, src_partition, src_offset, event_id) FROM events",
        )
        .fetch_one::<(u64, u64)>()
        .await
        .map_err(|e| e.to_string())?;
    let rolled_up = store
        .client
        .query(
            "SELECT (SELECT countMerge(events) FROM engagement_hourly) \
             + (SELECT countMerge(events) FROM uptake_hourly)",
        )
        .fetch_one::<u64>()
        .await
        .map_err(|e| e.to_string())?;
    Ok(Counted {
        rows,
        coordinates,
        rolled_up,
    })
}

/// Asserts every stored row was counted once, in the ledger and the rollups.
pub async fn assert_counted_once(store: &Store) {
    let c = counted(store).await.expect("count the ledger and rollups");
    assert!(
        c.rows == c.coordinates && c.rolled_up == c.coordinates,
        "stored more than once: the ledger holds {} rows of {} distinct coordinates, the rollups count {} events",
        c.rows,
        c.coordinates,
        c.rolled_up
    );
}

/// Inserts rows straight into the ledger, as one INSERT (the materialized
/// views fill the rollups as they do for ingest's INSERTs).
pub async fn insert_rows(store: &Store, rows: &[EventRow]) {
    let mut insert = store
        .client
        .insert::<EventRow>("events")
        .await
        .expect("insert");
    for row in rows {
        insert.write(row).await.expect("write");
    }
    insert.end().await.expect("end");
}
