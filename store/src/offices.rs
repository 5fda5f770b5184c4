//! The office registry (migration 0013), versioned like the unit costs of
//! service (`costs.rs`): each change is a new row holding the office's
//! whole record as the JSON object the API checked, with who and when; the
//! current record is the newest row, ties in the second broken by the
//! row's content (`office_versions.sql`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{Store, StoreError, sql, versioned};

/// One version of an office's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficeVersion {
    pub office_id: String,
    /// The JSON object as stored (validated by the caller).
    pub office: String,
    /// Who made the change (the token's name).
    pub changed_by: String,
    pub changed_at: DateTime<Utc>,
}

/// A row of `offices`, field for field.
#[derive(Debug, clickhouse::Row, Serialize, Deserialize)]
struct OfficeRow {
    office_id: String,
    office: String,
    changed_by: String,
    /// Seconds since the epoch.
    changed_at: u32,
}

/// A version as `office_versions.sql` and `offices_current.sql` select it.
#[derive(Debug, clickhouse::Row, Deserialize)]
struct VersionRow {
    office_id: String,
    office: String,
    changed_by: String,
    at: u32,
}

impl From<VersionRow> for OfficeVersion {
    fn from(r: VersionRow) -> Self {
        OfficeVersion {
            office_id: r.office_id,
            office: r.office,
            changed_by: r.changed_by,
            changed_at: crate::registry::from_seconds(r.at),
        }
    }
}

/// Stores a new version of an office's record.
pub async fn put_office(
    store: &Store,
    office_id: &str,
    office_json: &str,
    changed_by: &str,
) -> Result<(), StoreError> {
    let newest = store.client.query(sql::OFFICE_NEWEST).bind(office_id);
    let row = OfficeRow {
        office_id: office_id.to_owned(),
        office: office_json.to_owned(),
        changed_by: changed_by.to_owned(),
        changed_at: versioned::stamp(store, newest).await?,
    };
    versioned::append(store, "offices", &row).await
}

/// The current record of an office, `None` if none was ever stored.
pub async fn office(store: &Store, office_id: &str) -> Result<Option<OfficeVersion>, StoreError> {
    Ok(versions(store, office_id, 1).await?.into_iter().next())
}

/// Every version of an office's record, newest first.
pub async fn office_history(
    store: &Store,
    office_id: &str,
) -> Result<Vec<OfficeVersion>, StoreError> {
    versions(store, office_id, u64::MAX).await
}

/// Every office's current record, by office_id.
pub async fn offices(store: &Store) -> Result<Vec<OfficeVersion>, StoreError> {
    let rows = store
        .timed(
            store
                .client
                .query(sql::OFFICES_CURRENT)
                .fetch_all::<VersionRow>(),
        )
        .await?;
    Ok(rows.into_iter().map(OfficeVersion::from).collect())
}

async fn versions(
    store: &Store,
    office_id: &str,
    limit: u64,
) -> Result<Vec<OfficeVersion>, StoreError> {
    let rows = store
        .timed(
            store
                .client
                .query(sql::OFFICE_VERSIONS)
                .bind(office_id)
                .bind(limit)
                .fetch_all::<VersionRow>(),
        )
        .await?;
    Ok(rows.into_iter().map(OfficeVersion::from).collect())
}
