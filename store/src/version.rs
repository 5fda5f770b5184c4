//! The data version: a signature of the tables reports are computed from
//! (the rollups and the campaign registry), read from `system.parts`. It
//! changes with every INSERT, merge, rebuild and dropped partition, so a
//! report computed at one version is still exact while the version is the
//! same.

use serde::Deserialize;

use crate::{Store, StoreError, sql};

/// One table's parts: highest block number, number of parts, rows.
#[derive(Debug, Clone, PartialEq, Eq, Hash, clickhouse::Row, Deserialize)]
pub struct TableVersion {
    pub table: String,
    pub block: i64,
    pub parts: u64,
    pub rows: u64,
}

/// The signature of the report tables now.
pub async fn data_version(store: &Store) -> Result<Vec<TableVersion>, StoreError> {
    store
        .timed(
            store
                .client
                .query(sql::DATA_VERSION)
                .bind(store.database.as_str())
                .fetch_all::<TableVersion>(),
        )
        .await
}
