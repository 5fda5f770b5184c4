//! What every versioned document store shares (campaigns and target sets,
//! experiments, unit costs, offices, measurement settings): a new version
//! is one appended row, stamped `max(now, newest + 1 s)` so the versions
//! one writer makes never share a second (registry.rs says how readers
//! break a tie between concurrent writers).

use chrono::Utc;
use clickhouse::query::Query;
use clickhouse::{RowOwned, RowWrite};

use crate::{Store, StoreError};

/// The stamp of a new version: now, or one second after the newest one.
pub(crate) fn next_stamp(newest: u32) -> u32 {
    let now = u32::try_from(Utc::now().timestamp()).unwrap_or(u32::MAX);
    now.max(newest.saturating_add(1))
}

/// The stamp of the next version of a document, from `newest`: a query
/// answering the newest stamp stored for it (0 when none).
pub(crate) async fn stamp(store: &Store, newest: Query) -> Result<u32, StoreError> {
    Ok(next_stamp(store.timed(newest.fetch_one::<u32>()).await?))
}

/// Appends one row to `table`. Safe to abandon at the timeout: a version
/// stored twice reads as one (a history shows it twice).
pub(crate) async fn append<R>(store: &Store, table: &str, row: &R) -> Result<(), StoreError>
where
    R: RowOwned + RowWrite + Send + Sync,
{
    store
        .timed(async {
            let mut insert = store.client.insert::<R>(table).await?;
            insert.write(row).await?;
            insert.end().await
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_never_repeat() {
        let now = u32::try_from(Utc::now().timestamp()).expect("fits");
        assert!(next_stamp(0) >= now);
        assert_eq!(next_stamp(now + 100), now + 101);
        assert_eq!(next_stamp(u32::MAX), u32::MAX);
    }
}
