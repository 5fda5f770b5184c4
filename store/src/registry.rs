//! The campaign registry and the target sets (migration 0004), versioned:
//! every change is a new row saying who made it and when, and the current
//! version of a campaign (or of its target set) is its newest row.
//!
//! `changed_at` is a `DateTime` (whole seconds). A writer stamps a new
//! version `max(now, newest + 1 s)`, so the versions one writer makes one
//! after the other never share a second (under a burst the stamp runs a few
//! seconds ahead of the clock, which no reader can tell from a real time).
//! Writers that change the *same* campaign at once (two API replicas, or
//! concurrent requests to one) read the same newest stamp and may write
//! the same one. A version is therefore always read whole, as one row: the
//! current campaign is one `argMax` of the tuple of its fields, and its key
//! is `changed_at` followed by the row's own fields, so a tie in
//! `changed_at` is broken by the content, the same way for every reader
//! and before and after a merge of the table's parts (per-column `argMax`
//! could pair the fields of two tied versions). Target sets are ordered the
//! same way (`registry_target_sets.sql`). Of two versions written at once,
//! neither came "last"; which one is current is decided by the tie-break.
//!
//! Dates cross the wire as RowBinary `Date` (days since 1970-01-01, `u16`)
//! and times as `DateTime` (seconds, `u32`); both are converted here, at
//! the edge, so callers only see `chrono` types.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::versioned;
use crate::{Store, StoreError, sql};

/// One campaign as the API reads and writes it (contract/API.md,
/// "Campaigns and targets"), without the who and when of its version.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Campaign {
    /// The `campaign_id` slug its events carry.
    pub id: String,
    pub name_en: String,
    pub name_fr: String,
    /// The program whose uptake the campaign promotes (`program_*` KPIs).
    pub program: String,
    /// First day of the flight (reporting time zone).
    pub start_date: NaiveDate,
    /// Last day of the flight, inclusive.
    pub end_date: NaiveDate,
    pub budget_cents: u64,
    /// The weekly flight plan as the API validated it (a JSON array), or
    /// empty: the budget is planned evenly over the flight.
    pub flight_plan: String,
    /// The organisation that owns it (a slug; `esdc` by default).
    pub owner: String,
}

/// One version of a campaign's target set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetSetVersion {
    /// The JSON array as it was stored (validated by the caller).
    pub targets: String,
    /// Who made the change (the token's name).
    pub changed_by: String,
    /// When (see the module documentation on ordering).
    pub changed_at: DateTime<Utc>,
}

/// A row of `campaigns`, field for field.
#[derive(Debug, clickhouse::Row, Serialize, Deserialize)]
struct CampaignRow {
    campaign_id: String,
    name_en: String,
    name_fr: String,
    program: String,
    /// Days since 1970-01-01.
    start_date: u16,
    end_date: u16,
    budget_cents: u64,
    changed_by: String,
    /// Seconds since the epoch.
    changed_at: u32,
    flight_plan: String,
    owner: String,
}

/// The current version of a campaign as `registry_campaign*.sql` select it.
#[derive(Debug, clickhouse::Row, Deserialize)]
struct CurrentRow {
    campaign_id: String,
    name_en: String,
    name_fr: String,
    program: String,
    start_date: u16,
    end_date: u16,
    budget_cents: u64,
    flight_plan: String,
    owner: String,
}

/// A row of `target_sets`, field for field.
#[derive(Debug, clickhouse::Row, Serialize, Deserialize)]
struct TargetSetRow {
    campaign_id: String,
    targets: String,
    changed_by: String,
    changed_at: u32,
}

/// A target set version as `registry_target_sets.sql` selects it.
#[derive(Debug, clickhouse::Row, Deserialize)]
struct TargetSetVersionRow {
    targets: String,
    changed_by: String,
    at: u32,
}

const EPOCH: NaiveDate = NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date");

/// `Date` (days since 1970-01-01) of `date`; the error names the field.
fn to_days(date: NaiveDate, field: &str) -> Result<u16, StoreError> {
    u16::try_from((date - EPOCH).num_days()).map_err(|_| {
        StoreError::ClickHouse(clickhouse::error::Error::InvalidParams(
            format!("{field} {date} is outside 1970-01-01..=2149-06-06").into(),
        ))
    })
}

fn from_days(days: u16) -> NaiveDate {
    EPOCH + chrono::Duration::days(i64::from(days))
}

pub(crate) fn from_seconds(seconds: u32) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(i64::from(seconds), 0).unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
}

impl From<CurrentRow> for Campaign {
    fn from(r: CurrentRow) -> Self {
        Campaign {
            id: r.campaign_id,
            name_en: r.name_en,
            name_fr: r.name_fr,
            program: r.program,
            start_date: from_days(r.start_date),
            end_date: from_days(r.end_date),
            budget_cents: r.budget_cents,
            flight_plan: r.flight_plan,
            owner: r.owner,
        }
    }
}

/// Writes a new version of `campaign` (creating it if new).
pub async fn put_campaign(
    store: &Store,
    campaign: &Campaign,
    changed_by: &str,
) -> Result<(), StoreError> {
    // The dates are checked before anything is read.
    let start_date = to_days(campaign.start_date, "start_date")?;
    let end_date = to_days(campaign.end_date, "end_date")?;
    let newest = store
        .client
        .query(sql::REGISTRY_CAMPAIGN_NEWEST)
        .bind(&campaign.id);
    let row = CampaignRow {
        campaign_id: campaign.id.clone(),
        name_en: campaign.name_en.clone(),
        name_fr: campaign.name_fr.clone(),
        program: campaign.program.clone(),
        start_date,
        end_date,
        budget_cents: campaign.budget_cents,
        changed_by: changed_by.to_owned(),
        changed_at: versioned::stamp(store, newest).await?,
        flight_plan: campaign.flight_plan.clone(),
        owner: campaign.owner.clone(),
    };
    versioned::append(store, "campaigns", &row).await
}

/// The current version of every campaign, by id.
pub async fn campaigns(store: &Store) -> Result<Vec<Campaign>, StoreError> {
    let rows = store
        .timed(
            store
                .client
                .query(sql::REGISTRY_CAMPAIGNS)
                .fetch_all::<CurrentRow>(),
        )
        .await?;
    Ok(rows.into_iter().map(Campaign::from).collect())
}

/// The current version of one campaign, `None` if it was never created.
pub async fn campaign(store: &Store, id: &str) -> Result<Option<Campaign>, StoreError> {
    let row = store
        .timed(
            store
                .client
                .query(sql::REGISTRY_CAMPAIGN)
                .bind(id)
                .fetch_optional::<CurrentRow>(),
        )
        .await?;
    Ok(row.map(Campaign::from))
}

/// Stores a new version of a campaign's whole target set (the JSON array,
/// already validated by the caller).
pub async fn put_targets(
    store: &Store,
    campaign_id: &str,
    targets_json: &str,
    changed_by: &str,
) -> Result<(), StoreError> {
    let newest = store
        .client
        .query(sql::REGISTRY_TARGET_SET_NEWEST)
        .bind(campaign_id);
    let row = TargetSetRow {
        campaign_id: campaign_id.to_owned(),
        targets: targets_json.to_owned(),
        changed_by: changed_by.to_owned(),
        changed_at: versioned::stamp(store, newest).await?,
    };
    versioned::append(store, "target_sets", &row).await
}

/// The current target set of a campaign, `None` if none was ever stored.
pub async fn target_set(
    store: &Store,
    campaign_id: &str,
) -> Result<Option<TargetSetVersion>, StoreError> {
    Ok(versions(store, campaign_id, 1).await?.into_iter().next())
}

/// Every version of a campaign's target set, newest first.
pub async fn target_history(
    store: &Store,
    campaign_id: &str,
) -> Result<Vec<TargetSetVersion>, StoreError> {
    versions(store, campaign_id, u64::MAX).await
}

async fn versions(
    store: &Store,
    campaign_id: &str,
    limit: u64,
) -> Result<Vec<TargetSetVersion>, StoreError> {
    let rows = store
        .timed(
            store
                .client
                .query(sql::REGISTRY_TARGET_SETS)
                .bind(campaign_id)
                .bind(limit)
                .fetch_all::<TargetSetVersionRow>(),
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| TargetSetVersion {
            targets: r.targets,
            changed_by: r.changed_by,
            changed_at: from_seconds(r.at),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_through_days() {
        for (date, days) in [
            ("1970-01-01", 0),
            ("2026-10-01", 20_727),
            ("2149-06-06", 65_535),
        ] {
            let date: NaiveDate = date.parse().expect("date");
            assert_eq!(to_days(date, "d").expect("in range"), days);
            assert_eq!(from_days(days), date);
        }
        let too_late: NaiveDate = "2149-06-07".parse().expect("date");
        assert!(to_days(too_late, "end_date").is_err());
        let too_early: NaiveDate = "1969-12-31".parse().expect("date");
        assert!(to_days(too_early, "start_date").is_err());
    }
}
