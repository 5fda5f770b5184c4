//! Retention of the ledger: events older than `CMP_RETENTION_DAYS` go, by
//! whole month partitions (`ALTER TABLE events DROP PARTITION <yyyymm>`), and
//! only months *entirely* older than the cutoff day; the month the cutoff
//! falls in is kept whole until it is entirely past, with the same months of
//! attribution's copies and change marks (only slices younger than the
//! maximum event age are ever recomputed). Rollups, kept attribution and
//! attainment history are kept: reports over old periods still answer from
//! them (only a rebuild of a dropped month is no longer possible). The service runs it
//! daily; `cmp-aggregator retention` runs it once. On a cluster each shard's
//! `events_local` is dropped on one of its nodes (which first fetches what
//! its other replicas hold, so that it lists every month of the shard), and
//! its replicas follow ([`crate::shards`]).

use chrono::NaiveDate;
use clickhouse::sql::Identifier;
use cmp_store::{Store, StoreError, sql};

use crate::rebuild::month_of;
use crate::shards::Local;

/// The first month kept when `today` is the UTC day and `days` the
/// retention: every month before it ends before the cutoff day.
pub fn first_kept_month(today: NaiveDate, days: u32) -> u32 {
    month_of(first_kept_day(today, days))
}

/// The cutoff day: its month is the first one kept.
pub fn first_kept_day(today: NaiveDate, days: u32) -> NaiveDate {
    today
        .checked_sub_days(chrono::Days::new(u64::from(days)))
        .unwrap_or(NaiveDate::MIN)
}

/// Months of the ledger table `ledger` older than the retention, oldest first.
async fn expired_months(
    store: &Store,
    ledger: &str,
    today: NaiveDate,
    days: u32,
) -> Result<Vec<u32>, StoreError> {
    let q = store
        .client
        .query(sql::RETENTION_OLD_MONTHS)
        .bind(ledger)
        .bind(first_kept_month(today, days));
    store.timed(q.fetch_all::<u32>()).await
}

/// Drops every expired month of the ledger on each of `locals`; returns the
/// months dropped (once each, however many shards held them).
pub async fn run(locals: &[Local], today: NaiveDate, days: u32) -> Result<Vec<u32>, StoreError> {
    let mut dropped = Vec::new();
    for local in locals {
        local.sync(local.tables.ledger).await?;
        let store = &local.store.for_maintenance();
        let ledger = local.tables.ledger;
        for month in expired_months(store, ledger, today, days).await? {
            // Attribution's inputs first: a month it lost is never needed
            // again (older than the maximum event age), a ledger month kept
            // after a failure still rebuilds them.
            let t = local.tables;
            for table in [t.uptake_touches, t.exposure_touches, t.marks, ledger] {
                let q = store
                    .client
                    .query(sql::RETENTION_DROP_MONTH)
                    .bind(Identifier(table))
                    .bind(month);
                store.timed(q.execute()).await?;
            }
            tracing::info!(month, shard = %local.name, "retention: dropped a month of the ledger");
            dropped.push(month);
        }
    }
    dropped.sort_unstable();
    dropped.dedup();
    Ok(dropped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_months_entirely_older_than_the_cutoff_go() {
        let d = |s: &str| s.parse::<NaiveDate>().expect("date");
        // 400 days before 2027-02-05 is 2026-01-01: December 2025 is the
        // newest month entirely older, January 2026 is kept.
        assert_eq!(first_kept_month(d("2027-02-05"), 400), 202601);
        // One day later the cutoff is 2026-01-02: January still has newer days.
        assert_eq!(first_kept_month(d("2027-02-06"), 400), 202601);
        // Cutoff 2026-01-31: January still holds the cutoff day.
        assert_eq!(first_kept_month(d("2027-03-07"), 400), 202601);
        // Cutoff 2026-02-01: January is entirely older.
        assert_eq!(first_kept_month(d("2027-03-08"), 400), 202602);
        assert_eq!(first_kept_month(d("2026-03-31"), 31), 202602);
    }
}
