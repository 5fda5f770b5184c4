//! Attribution kept current (migration 0014, docs/attribution.md): the reads
//! and writes of the aggregator's incremental refresh (the change marks,
//! the slice records, one slice's uptake and exposures from their sorted
//! copies, the keys a slice had) and the API's read of a campaign's kept
//! credits. Instants and hours travel as seconds since the epoch; lists are
//! bound arrays, never pasted into SQL.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{Exposure, Store, StoreError, UptakeTouch, sql};

/// How many events a (kind, key, UTC hour) has received: `kind_name` is
/// `uptake` (key: program) or `engagement` (key: campaign, events with a
/// client only).
#[derive(Debug, Clone, PartialEq, Eq, clickhouse::Row, Deserialize)]
pub struct Mark {
    pub kind_name: String,
    pub key: String,
    /// Start of the UTC hour, seconds.
    pub hour_start: u32,
    pub events: u64,
}

/// The newest record of one slice (program, UTC hour).
#[derive(Debug, Clone, PartialEq, Eq, clickhouse::Row, Deserialize)]
pub struct SliceRecord {
    pub program: String,
    pub hour_start: u32,
    pub fingerprint: u64,
    pub settled: u8,
    /// Microseconds since the epoch when it was computed.
    pub newest: u64,
}

/// The key of one kept credit row.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, clickhouse::Row, Deserialize)]
pub struct CreditKey {
    pub campaign: String,
    pub measure: String,
    pub by_kind: String,
    /// Start of the UTC hour of the uptake, seconds.
    pub hour_start: u32,
    pub stage: String,
    pub by_value: String,
    pub by_language: String,
}

/// One credit row as written.
#[derive(Debug, Clone, PartialEq, clickhouse::Row, Serialize)]
pub struct CreditRow {
    pub program: String,
    pub campaign: String,
    pub measure: String,
    pub by_kind: String,
    /// `DateTime`: seconds.
    pub hour: u32,
    pub stage: String,
    pub by_value: String,
    pub by_language: String,
    pub value: f64,
    pub generation: u64,
}

/// One slice record as written.
#[derive(Debug, Clone, PartialEq, Eq, clickhouse::Row, Serialize)]
pub struct SliceRow {
    pub program: String,
    /// `DateTime`: seconds.
    pub hour: u32,
    pub fingerprint: u64,
    pub settled: u8,
    pub generation: u64,
}

/// One kept value as the API reads it.
#[derive(Debug, Clone, PartialEq, clickhouse::Row, Deserialize)]
pub struct CreditValue {
    pub measure: String,
    pub by_kind: String,
    pub stage: String,
    pub by_value: String,
    pub by_language: String,
    pub hour_start: u32,
    pub value: f64,
}

/// Every mark from the hour starting at `since` on.
pub async fn attribution_marks(
    store: &Store,
    since: DateTime<Utc>,
) -> Result<Vec<Mark>, StoreError> {
    let q = store
        .client
        .query(sql::ATTRIBUTION_MARKS_SINCE)
        .bind(since.timestamp());
    store.timed(q.fetch_all::<Mark>()).await
}

/// The newest record of every slice from the hour starting at `since` on.
pub async fn attribution_slices(
    store: &Store,
    since: DateTime<Utc>,
) -> Result<Vec<SliceRecord>, StoreError> {
    let q = store
        .client
        .query(sql::ATTRIBUTION_SLICES_SINCE)
        .bind(since.timestamp());
    store.timed(q.fetch_all::<SliceRecord>()).await
}

/// `program`'s uptake events in `[from, to)` (a row copied twice reads twice).
pub async fn slice_uptake(
    store: &Store,
    program: &str,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) -> Result<Vec<UptakeTouch>, StoreError> {
    let q = store
        .client
        .query(sql::ATTRIBUTION_SLICE_UPTAKE)
        .bind(program)
        .bind(from.timestamp())
        .bind(to.timestamp());
    store.timed(q.fetch_all::<UptakeTouch>()).await
}

/// The exposures to `campaigns` in `[from − lookback, to)` of the clients
/// with `program` uptake in `[from, to)` (a row copied twice reads twice).
pub async fn slice_exposures(
    store: &Store,
    campaigns: &[String],
    program: &str,
    lookback: chrono::Duration,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) -> Result<Vec<Exposure>, StoreError> {
    let q = store
        .client
        .query(sql::ATTRIBUTION_SLICE_EXPOSURES)
        .bind(campaigns)
        .bind((from - lookback).timestamp())
        .bind(to.timestamp())
        .bind(program)
        .bind(from.timestamp())
        .bind(to.timestamp());
    store.timed(q.fetch_all::<Exposure>()).await
}

/// The keys of `program`'s credit rows in the hours `[from, to)` whose
/// newest value is not 0.
pub async fn credit_keys(
    store: &Store,
    program: &str,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) -> Result<Vec<CreditKey>, StoreError> {
    let q = store
        .client
        .query(sql::ATTRIBUTION_CREDIT_KEYS)
        .bind(program)
        .bind(from.timestamp())
        .bind(to.timestamp());
    store.timed(q.fetch_all::<CreditKey>()).await
}

/// Writes `rows` in one INSERT (one slice run: one month, one part).
pub async fn write_credits(store: &Store, rows: &[CreditRow]) -> Result<(), StoreError> {
    write(store, "attribution_credits", rows).await
}

/// Writes the records of the slices just computed, after their credits.
pub async fn write_slices(store: &Store, rows: &[SliceRow]) -> Result<(), StoreError> {
    write(store, "attribution_slices", rows).await
}

async fn write<R>(store: &Store, table: &str, rows: &[R]) -> Result<(), StoreError>
where
    R: clickhouse::RowOwned + clickhouse::RowWrite + Send + Sync,
{
    if rows.is_empty() {
        return Ok(());
    }
    store
        .timed(async {
            let mut insert = store.client.insert::<R>(table).await?;
            for row in rows {
                insert.write(row).await?;
            }
            insert.end().await
        })
        .await
}

/// What the API asks of a campaign's kept credits: its program, the
/// measures and groupings (`""`: totals) and the hours `[from, to)`.
#[derive(Debug, Clone)]
pub struct CreditQuery<'a> {
    pub program: &'a str,
    pub campaign: &'a str,
    pub measures: &'a [&'a str],
    pub by_kinds: &'a [&'a str],
    pub bounds: (DateTime<Utc>, DateTime<Utc>),
}

/// The kept values `q` asks for, per UTC hour, zeros left out.
pub async fn credit_values(
    store: &Store,
    q: &CreditQuery<'_>,
) -> Result<Vec<CreditValue>, StoreError> {
    let (from, to) = q.bounds;
    let query = store
        .client
        .query(sql::ATTRIBUTION_CREDITS_READ)
        .bind(q.program)
        .bind(q.campaign)
        .bind(q.measures)
        .bind(q.by_kinds)
        .bind(from.timestamp())
        .bind(to.timestamp());
    store.timed(query.fetch_all::<CreditValue>()).await
}
