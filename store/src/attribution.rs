//! Attribution to exposure and message tests (contract/API.md v1.1): the
//! per-campaign measurement settings (attribution windows and variant
//! split, migration 0010), versioned as the registry is, the rows
//! attribution is computed from (`credits.rs` reads them) and the message
//! test's exposure read from the ledger.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{Store, StoreError, sql, versioned};

/// A row of `measurement_settings`, field for field.
#[derive(Debug, clickhouse::Row, Serialize, Deserialize)]
struct SettingsRow {
    campaign_id: String,
    attribution_windows: String,
    variant_split: String,
    changed_by: String,
    /// Seconds since the epoch.
    changed_at: u32,
}

/// A campaign's measurement settings as stored: each the JSON object the
/// API validated, empty when the campaign's body had none (the defaults).
#[derive(Debug, Clone, Default, PartialEq, Eq, clickhouse::Row, Deserialize)]
pub struct MeasurementSettings {
    pub campaign_id: String,
    pub attribution_windows: String,
    pub variant_split: String,
}

/// An uptake event of a program, as attribution reads it.
#[derive(Debug, Clone, PartialEq, Eq, clickhouse::Row, Deserialize)]
pub struct UptakeTouch {
    pub event_id: String,
    /// Event time, milliseconds since the epoch.
    pub event_ms: i64,
    /// Keyed hash of the client; empty without one.
    pub client_hash: String,
    /// The campaign the event names (referral); empty for none.
    pub campaign_id: String,
    pub stage: String,
    pub service_channel: String,
}

/// An engagement event with a client, as attribution reads it.
#[derive(Debug, Clone, PartialEq, Eq, clickhouse::Row, Deserialize)]
pub struct Exposure {
    pub event_id: String,
    pub event_ms: i64,
    pub client_hash: String,
    pub campaign_id: String,
    pub channel: String,
    pub action: String,
    /// Empty: not part of a message test.
    pub variant: String,
    pub segment: String,
    pub region: String,
    pub language: String,
}

/// A campaign's message-test exposure of one variant in one language.
#[derive(Debug, Clone, PartialEq, Eq, clickhouse::Row, Deserialize)]
pub struct VariantExposure {
    pub variant: String,
    pub language: String,
    /// Distinct clients.
    pub exposed: u64,
    pub clicks: u64,
}

/// Stores a new version of a campaign's measurement settings, written with
/// every `PUT` of the campaign.
pub async fn put_measurement_settings(
    store: &Store,
    settings: &MeasurementSettings,
    changed_by: &str,
) -> Result<(), StoreError> {
    let newest = store
        .client
        .query(sql::MEASUREMENT_SETTINGS_NEWEST)
        .bind(&settings.campaign_id);
    let row = SettingsRow {
        campaign_id: settings.campaign_id.clone(),
        attribution_windows: settings.attribution_windows.clone(),
        variant_split: settings.variant_split.clone(),
        changed_by: changed_by.to_owned(),
        changed_at: versioned::stamp(store, newest).await?,
    };
    versioned::append(store, "measurement_settings", &row).await
}

/// The current settings of those of `campaigns` that have any stored.
pub async fn measurement_settings(
    store: &Store,
    campaigns: &[String],
) -> Result<Vec<MeasurementSettings>, StoreError> {
    store
        .timed(
            store
                .client
                .query(sql::MEASUREMENT_SETTINGS_CURRENT)
                .bind(campaigns)
                .fetch_all::<MeasurementSettings>(),
        )
        .await
}

/// `campaign_id`'s message-test exposure in the UTC hours `[from, to)` per
/// variant and language, from its rollup (`variant_hourly`).
pub async fn variant_exposure(
    store: &Store,
    campaign_id: &str,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) -> Result<Vec<VariantExposure>, StoreError> {
    store
        .timed(
            store
                .client
                .query(sql::VARIANT_EXPOSURE)
                .bind(campaign_id)
                .bind(from.timestamp())
                .bind(to.timestamp())
                .fetch_all::<VariantExposure>(),
        )
        .await
}
