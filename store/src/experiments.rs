//! Geographic experiments (migration 0008): their definitions, versioned
//! as target sets are (every `PUT` a new row with who and when, the
//! current one the newest row, a tie of the same second broken by the
//! row's content; see `registry.rs`), and the ledger reads their results
//! rest on: a program's uptake per unit and reporting day, and a
//! campaign's spend per unit. The unit (`region`, `fsa` or `office`) is a
//! bound value the query maps to its column, never pasted into SQL.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::registry::from_seconds;
use crate::{Store, StoreError, sql, versioned};

/// One version of an experiment's definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExperimentVersion {
    pub experiment_id: String,
    /// The JSON object as it was stored (validated by the caller).
    pub definition: String,
    /// Who made the change (the token's name).
    pub changed_by: String,
    pub changed_at: DateTime<Utc>,
}

/// A row of `experiments`, field for field.
#[derive(Debug, clickhouse::Row, Serialize, Deserialize)]
struct ExperimentRow {
    campaign_id: String,
    experiment_id: String,
    definition: String,
    changed_by: String,
    changed_at: u32,
}

/// A version as `experiment_versions.sql` and `experiments_current.sql` select it.
#[derive(Debug, clickhouse::Row, Deserialize)]
struct VersionRow {
    experiment_id: String,
    definition: String,
    changed_by: String,
    at: u32,
}

impl From<VersionRow> for ExperimentVersion {
    fn from(r: VersionRow) -> Self {
        ExperimentVersion {
            experiment_id: r.experiment_id,
            definition: r.definition,
            changed_by: r.changed_by,
            changed_at: from_seconds(r.at),
        }
    }
}

/// A program's uptake in one unit on one reporting day.
#[derive(Debug, Clone, PartialEq, Eq, clickhouse::Row, Deserialize)]
pub struct UnitDay {
    /// The unit's code as the ledger stores it (`NS`, `K2P`, `ON-0412`).
    pub unit: String,
    /// The day's first instant in the reporting zone, seconds since the epoch.
    pub day: u32,
    pub started: u64,
    pub submitted: u64,
    pub completed: u64,
    /// `completed` through `online`.
    pub online_completed: u64,
}

/// A campaign's spend in one unit.
#[derive(Debug, Clone, PartialEq, Eq, clickhouse::Row, Deserialize)]
pub struct UnitSpend {
    pub unit: String,
    pub spend_cents: u64,
}

/// Stores a new version of an experiment's definition (already validated).
pub async fn put_experiment(
    store: &Store,
    campaign_id: &str,
    experiment_id: &str,
    definition: &str,
    changed_by: &str,
) -> Result<ExperimentVersion, StoreError> {
    let newest = store
        .client
        .query(sql::EXPERIMENT_NEWEST)
        .bind(campaign_id)
        .bind(experiment_id);
    let row = ExperimentRow {
        campaign_id: campaign_id.to_owned(),
        experiment_id: experiment_id.to_owned(),
        definition: definition.to_owned(),
        changed_by: changed_by.to_owned(),
        changed_at: versioned::stamp(store, newest).await?,
    };
    versioned::append(store, "experiments", &row).await?;
    Ok(ExperimentVersion {
        experiment_id: row.experiment_id,
        definition: row.definition,
        changed_by: row.changed_by,
        changed_at: from_seconds(row.changed_at),
    })
}

/// The current version of one experiment, `None` if it was never registered.
pub async fn experiment(
    store: &Store,
    campaign_id: &str,
    experiment_id: &str,
) -> Result<Option<ExperimentVersion>, StoreError> {
    Ok(versions(store, campaign_id, experiment_id, 1)
        .await?
        .into_iter()
        .next())
}

/// Every version of one experiment, newest first.
pub async fn experiment_history(
    store: &Store,
    campaign_id: &str,
    experiment_id: &str,
) -> Result<Vec<ExperimentVersion>, StoreError> {
    versions(store, campaign_id, experiment_id, u64::MAX).await
}

async fn versions(
    store: &Store,
    campaign_id: &str,
    experiment_id: &str,
    limit: u64,
) -> Result<Vec<ExperimentVersion>, StoreError> {
    let rows = store
        .timed(
            store
                .client
                .query(sql::EXPERIMENT_VERSIONS)
                .bind(campaign_id)
                .bind(experiment_id)
                .bind(limit)
                .fetch_all::<VersionRow>(),
        )
        .await?;
    Ok(rows.into_iter().map(ExperimentVersion::from).collect())
}

/// The current version of every experiment of a campaign, by id.
pub async fn experiments(
    store: &Store,
    campaign_id: &str,
) -> Result<Vec<ExperimentVersion>, StoreError> {
    let rows = store
        .timed(
            store
                .client
                .query(sql::EXPERIMENTS_CURRENT)
                .bind(campaign_id)
                .fetch_all::<VersionRow>(),
        )
        .await?;
    Ok(rows.into_iter().map(ExperimentVersion::from).collect())
}

/// The ids of the campaigns with at least one registered experiment.
pub async fn experiment_campaigns(store: &Store) -> Result<Vec<String>, StoreError> {
    store
        .timed(
            store
                .client
                .query(sql::EXPERIMENT_CAMPAIGNS)
                .fetch_all::<String>(),
        )
        .await
}

/// `program`'s uptake per `unit` (`region`, `fsa` or `office`) and day of
/// `tz` (an IANA name) in `[from, to)`, units without a value left out.
pub async fn experiment_uptake(
    store: &Store,
    tz: &str,
    unit: &str,
    program: &str,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) -> Result<Vec<UnitDay>, StoreError> {
    store
        .timed(
            store
                .client
                .query(sql::EXPERIMENT_UPTAKE)
                .bind(tz)
                .bind(unit)
                .bind(unit)
                .bind(program)
                .bind(from.timestamp())
                .bind(to.timestamp())
                .fetch_all::<UnitDay>(),
        )
        .await
}

/// `campaign_id`'s spend per `unit` in `[from, to)`.
pub async fn experiment_spend(
    store: &Store,
    unit: &str,
    campaign_id: &str,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) -> Result<Vec<UnitSpend>, StoreError> {
    store
        .timed(
            store
                .client
                .query(sql::EXPERIMENT_SPEND)
                .bind(unit)
                .bind(unit)
                .bind(campaign_id)
                .bind(from.timestamp())
                .bind(to.timestamp())
                .fetch_all::<UnitSpend>(),
        )
        .await
}
