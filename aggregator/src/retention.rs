//! Retention of the ledger: events older than `CMP_RETENTION_DAYS` go, by
//! whole month partitions (`ALTER TABLE events DROP PARTITION <yyyymm>`), and
//! only months *entirely* older than the cutoff day; the month the cutoff
//! falls in is kept whole until it is entirely past. Rollups and attainment
//! history are kept: reports over old periods still answer from them (only a
//! rebuild of a dropped month is no longer possible). The service runs it
//! daily; `cmp-aggregator retention` runs it once.

use chrono::NaiveDate;
use cmp_store::{Store, StoreError, sql};

use crate::rebuild::month_of;

/// The first month kept when `today` is the UTC day and `days` the
/// retention: every month before it ends before the cutoff day.
pub fn first_kept_month(today: NaiveDate, days: u32) -> u32 {
    let cutoff = today
        .checked_sub_days(chrono::Days::new(u64::from(days)))
        .unwrap_or(NaiveDate::MIN);
    month_of(cutoff)
}

/// Ledger months older than the retention, oldest first.
pub async fn expired_months(
    store: &Store,
    today: NaiveDate,
    days: u32,
) -> Result<Vec<u32>, StoreError> {
    let q = store
        .client
        .query(sql::RETENTION_OLD_MONTHS)
        .bind(first_kept_month(today, days));
    store.timed(q.fetch_all::<u32>()).await
}

/// Drops every expired month of the ledger; returns the months dropped.
pub async fn run(store: &Store, today: NaiveDate, days: u32) -> Result<Vec<u32>, StoreError> {
    let store = &store.for_maintenance();
    let mut dropped = Vec::new();
    for month in expired_months(store, today, days).await? {
        let q = store.client.query(sql::RETENTION_DROP_MONTH).bind(month);
        store.timed(q.execute()).await?;
        tracing::info!(month, "retention: dropped a month of the ledger");
        dropped.push(month);
    }
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
