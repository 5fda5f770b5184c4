//! Unit costs of service per program (migration 0009), versioned like the
//! target sets (`registry.rs`): each change is a new row holding the
//! program's whole cost list as the JSON array the API checked, with who
//! and when; the current list is the newest row, ties in the second
//! broken by the row's content (`service_costs_versions.sql`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{Store, StoreError, sql, versioned};

/// One version of a program's cost list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostsVersion {
    /// The JSON array as stored (validated by the caller).
    pub costs: String,
    /// Who made the change (the token's name).
    pub changed_by: String,
    pub changed_at: DateTime<Utc>,
}

/// A row of `service_costs`, field for field.
#[derive(Debug, clickhouse::Row, Serialize, Deserialize)]
struct CostsRow {
    program: String,
    costs: String,
    changed_by: String,
    /// Seconds since the epoch.
    changed_at: u32,
}

/// A version as `service_costs_versions.sql` selects it.
#[derive(Debug, clickhouse::Row, Deserialize)]
struct VersionRow {
    costs: String,
    changed_by: String,
    at: u32,
}

/// Stores a new version of a program's whole cost list.
pub async fn put_service_costs(
    store: &Store,
    program: &str,
    costs_json: &str,
    changed_by: &str,
) -> Result<(), StoreError> {
    let newest = store.client.query(sql::SERVICE_COSTS_NEWEST).bind(program);
    let row = CostsRow {
        program: program.to_owned(),
        costs: costs_json.to_owned(),
        changed_by: changed_by.to_owned(),
        changed_at: versioned::stamp(store, newest).await?,
    };
    versioned::append(store, "service_costs", &row).await
}

/// The current cost list of a program, `None` if none was ever stored.
pub async fn service_costs(
    store: &Store,
    program: &str,
) -> Result<Option<CostsVersion>, StoreError> {
    Ok(versions(store, program, 1).await?.into_iter().next())
}

/// Every version of a program's cost list, newest first.
pub async fn service_cost_history(
    store: &Store,
    program: &str,
) -> Result<Vec<CostsVersion>, StoreError> {
    versions(store, program, u64::MAX).await
}

async fn versions(
    store: &Store,
    program: &str,
    limit: u64,
) -> Result<Vec<CostsVersion>, StoreError> {
    let rows = store
        .timed(
            store
                .client
                .query(sql::SERVICE_COSTS_VERSIONS)
                .bind(program)
                .bind(limit)
                .fetch_all::<VersionRow>(),
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| CostsVersion {
            costs: r.costs,
            changed_by: r.changed_by,
            changed_at: crate::registry::from_seconds(r.at),
        })
        .collect())
}
