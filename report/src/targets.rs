//! Targets judged against their actuals: the actual of a target is its
//! KPI over its narrowing and its period up to today, read with the same
//! queries as a report (only those its KPI needs), then
//! `cmp_kpi::evaluate` does the judging.

use chrono::NaiveDate;
use chrono_tz::Tz;
use cmp_kpi::{DateRange, Evaluation, Measures, Target, Thresholds, evaluate};
use cmp_store::{Campaign, Store, StoreError};
use futures_util::future::try_join_all;

use super::buckets::Bucketing;
use super::fetch::{Need, Span, cells, zero};
use super::slice::Slice;

/// The target's KPI over its narrowing, over `period` exactly (the caller
/// clips the target's period to today: see [`evaluate_targets`]). `None`
/// when undefined (a ratio without a denominator). An empty period reads
/// as no activity.
pub async fn actual(
    store: &Store,
    campaign: &Campaign,
    target: &Target,
    period: DateRange,
    tz: Tz,
) -> Result<Option<f64>, StoreError> {
    Ok(sums(store, campaign, target, period, tz)
        .await?
        .value(target.kpi))
}

/// The sums of the target's slice over `period` that its KPI needs (the
/// others 0): what the actual is computed from, and what the API publishes
/// a non-admin's actual from.
pub async fn sums(
    store: &Store,
    campaign: &Campaign,
    target: &Target,
    period: DateRange,
    tz: Tz,
) -> Result<Measures, StoreError> {
    if period.is_empty() {
        return Ok(zero());
    }
    let (start, end) = period.utc_bounds(tz);
    let slice = Slice::of_target(target);
    let span = Span {
        start,
        end,
        slice: &slice,
        by: &[],
        bucketing: Bucketing::Whole,
        tz,
    };
    let found = cells(store, campaign, &span, Need::of(target.kpi)).await?;
    Ok(found.cells.into_values().next().unwrap_or_else(zero))
}

/// A target judged on a day, with the sums of its slice so far.
#[derive(Debug, Clone, PartialEq)]
pub struct Judged {
    pub target: Target,
    pub sums: Measures,
    pub evaluation: Evaluation,
}

/// Every target judged on `today` (in the reporting time zone): its
/// period is its own `from`/`to`, else the campaign's flight; the actual
/// covers that period up to and including today. A target not yet begun
/// reads no data (actual 0, or none for a ratio). Errors only when
/// ClickHouse does.
pub async fn evaluate_targets(
    store: &Store,
    campaign: &Campaign,
    targets: &[Target],
    today: NaiveDate,
    tz: Tz,
    thresholds: Thresholds,
) -> Result<Vec<Judged>, StoreError> {
    let flight = DateRange {
        from: campaign.start_date,
        to: campaign.end_date,
    };
    // Each target's actual is its own query: run them together.
    try_join_all(targets.iter().map(|target| async move {
        let period = target.period(flight);
        let so_far = DateRange {
            from: period.from,
            to: period.to.min(today),
        };
        let sums = sums(store, campaign, target, so_far, tz).await?;
        Ok(Judged {
            target: target.clone(),
            sums,
            evaluation: evaluate(target, sums.value(target.kpi), period, today, thresholds),
        })
    }))
    .await
}
