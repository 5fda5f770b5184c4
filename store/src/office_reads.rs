//! The ledger reads of an office's performance (contract/API.md v1.1,
//! "Offices"). The hourly rollups carry neither `office_id` nor `fsa`, so
//! these read the ledger `events`, restricted to the office (or its
//! catchment) and the asked instants: a scan of the range's partitions
//! (months), filtered before grouping; each event counted once by its
//! event_id. Days are the first instant (UTC seconds) of a local day of
//! the reporting time zone.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::{Store, StoreError, sql};

/// Signage impressions of one campaign at an office.
#[derive(Debug, Clone, PartialEq, Eq, clickhouse::Row, Deserialize)]
pub struct CampaignImpressions {
    pub campaign_id: String,
    pub impressions: u64,
}

/// In-person uptake events of one program, stage and day at an office.
#[derive(Debug, Clone, PartialEq, Eq, clickhouse::Row, Deserialize)]
pub struct StageDay {
    pub program: String,
    pub stage: String,
    /// First instant of the local day, seconds since the epoch.
    pub day: u32,
    pub events: u64,
}

/// Completed uptake events of one program, service channel and day in a
/// catchment.
#[derive(Debug, Clone, PartialEq, Eq, clickhouse::Row, Deserialize)]
pub struct ChannelDay {
    pub program: String,
    pub service_channel: String,
    /// First instant of the local day, seconds since the epoch.
    pub day: u32,
    pub events: u64,
}

fn seconds(t: DateTime<Utc>) -> u32 {
    u32::try_from(t.timestamp().max(0)).unwrap_or(u32::MAX)
}

/// Signage impressions at `office_id` in `[start, end)`, by campaign.
pub async fn office_impressions(
    store: &Store,
    office_id: &str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<CampaignImpressions>, StoreError> {
    store
        .timed(
            store
                .client
                .query(sql::OFFICE_IMPRESSIONS)
                .bind(office_id)
                .bind(seconds(start))
                .bind(seconds(end))
                .fetch_all(),
        )
        .await
}

/// In-person uptake at `office_id` in `[start, end)`, by program, stage
/// and local day of the time zone `tz` (IANA name).
pub async fn office_in_person(
    store: &Store,
    tz: &str,
    office_id: &str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<StageDay>, StoreError> {
    store
        .timed(
            store
                .client
                .query(sql::OFFICE_IN_PERSON)
                .bind(tz)
                .bind(office_id)
                .bind(seconds(start))
                .bind(seconds(end))
                .fetch_all(),
        )
        .await
}

/// Completed uptake of clients whose FSA is one of `fsas` in `[start,
/// end)`, by program, service channel and local day of the time zone `tz` (IANA name).
pub async fn catchment_completed(
    store: &Store,
    tz: &str,
    fsas: &[String],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<ChannelDay>, StoreError> {
    store
        .timed(
            store
                .client
                .query(sql::CATCHMENT_COMPLETED)
                .bind(tz)
                .bind(fsas)
                .bind(seconds(start))
                .bind(seconds(end))
                .fetch_all(),
        )
        .await
}
