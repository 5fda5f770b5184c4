//! Reading the attainment history (migration 0004's `attainment_history`,
//! written by the aggregator): each target's recorded actual, attainment,
//! pace and status over time, for the ADM's trend view.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::{Store, StoreError, sql};

/// One recorded judgement of one target.
#[derive(Debug, Clone, PartialEq)]
pub struct AttainmentRecord {
    /// Position of the target in the set current when it was recorded.
    pub target_index: u16,
    pub kpi: String,
    pub target: f64,
    pub recorded_at: DateTime<Utc>,
    /// A day-end snapshot (judged on the day that ended).
    pub end_of_day: bool,
    pub actual: Option<f64>,
    pub attainment: Option<f64>,
    pub pace: Option<f64>,
    /// The status code (`cmp_kpi::Status::as_str`).
    pub status: String,
}

/// What to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttainmentQuery {
    /// Recorded at or after this instant...
    pub start: DateTime<Utc>,
    /// ...and before this one.
    pub end: DateTime<Utc>,
    /// Only this target (its index), or all.
    pub target: Option<u16>,
    /// Only the day-end snapshots.
    pub end_of_day_only: bool,
    /// At most this many rows.
    pub limit: u64,
}

#[derive(Debug, clickhouse::Row, Deserialize)]
struct Row {
    target_index: u16,
    kpi: String,
    target: f64,
    at: u32,
    end_of_day: u8,
    actual: Option<f64>,
    attainment: Option<f64>,
    pace: Option<f64>,
    status: String,
}

fn seconds(t: DateTime<Utc>) -> u32 {
    u32::try_from(t.timestamp().max(0)).unwrap_or(u32::MAX)
}

/// A campaign's recorded attainment, by target then time.
pub async fn attainment_history(
    store: &Store,
    campaign_id: &str,
    q: &AttainmentQuery,
) -> Result<Vec<AttainmentRecord>, StoreError> {
    let target = q.target.map_or(-1, i32::from);
    let query = store
        .client
        .query(sql::ATTAINMENT_HISTORY)
        .bind(campaign_id)
        .bind(seconds(q.start))
        .bind(seconds(q.end))
        .bind(u8::from(q.end_of_day_only))
        .bind(target)
        .bind(target)
        .bind(q.limit);
    let rows = store.timed(query.fetch_all::<Row>()).await?;
    Ok(rows
        .into_iter()
        .map(|r| AttainmentRecord {
            target_index: r.target_index,
            kpi: r.kpi,
            target: r.target,
            recorded_at: DateTime::<Utc>::from_timestamp(i64::from(r.at), 0)
                .unwrap_or(DateTime::<Utc>::UNIX_EPOCH),
            end_of_day: r.end_of_day != 0,
            actual: r.actual,
            attainment: r.attainment,
            pace: r.pace,
            status: r.status,
        })
        .collect())
}
