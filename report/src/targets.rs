//! Targets judged against their actuals: the actual of a target is its
//! KPI over its narrowing and its period up to today, read with the same
//! queries as a report (only those its KPI needs), then
//! `cmp_kpi::evaluate` does the judging.

use chrono::NaiveDate;
use chrono_tz::Tz;
use cmp_kpi::{
    DateRange, Evaluation, Granularity, Kpi, Measures, Target, Thresholds, evaluate, local_date,
};
use cmp_store::{Campaign, Store, StoreError};
use futures_util::future::try_join_all;

use super::Days;
use super::buckets::{Bucketing, instant};
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
/// others 0): what the actual is computed from.
pub async fn sums(
    store: &Store,
    campaign: &Campaign,
    target: &Target,
    period: DateRange,
    tz: Tz,
) -> Result<Measures, StoreError> {
    Ok(sums_by_day(store, campaign, target, period, tz).await?.0)
}

/// [`sums`], and for a KPI that adds up over days (every one but reach)
/// the same sums per local day: what the API publishes a non-admin's
/// actual from, as sums of daily atoms.
pub async fn sums_by_day(
    store: &Store,
    campaign: &Campaign,
    target: &Target,
    period: DateRange,
    tz: Tz,
) -> Result<(Measures, Days), StoreError> {
    if period.is_empty() {
        return Ok((zero(), Days::new()));
    }
    let (start, end) = period.utc_bounds(tz);
    let slice = Slice::of_target(target);
    let additive = target.kpi != Kpi::Reach;
    let span = Span {
        start,
        end,
        slice: &slice,
        by: &[],
        bucketing: if additive {
            Bucketing::Every(Granularity::Day)
        } else {
            Bucketing::Whole
        },
        tz,
    };
    let found = cells(store, campaign, &span, Need::of(target.kpi)).await?;
    if !additive {
        return Ok((
            found.cells.into_values().next().unwrap_or_else(zero),
            Days::new(),
        ));
    }
    let days: Days = found
        .cells
        .into_iter()
        .map(|((day_start, _), m)| (local_date(instant(day_start), tz), m))
        .collect();
    let sums = if days.is_empty() {
        zero()
    } else {
        days.iter().map(|(_, m)| *m).sum()
    };
    Ok((sums, days))
}

/// A target judged on a day, with the sums of its slice so far (and their
/// days, none for reach).
#[derive(Debug, Clone, PartialEq)]
pub struct Judged {
    pub target: Target,
    pub sums: Measures,
    pub days: Days,
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
        let (sums, days) = sums_by_day(store, campaign, target, so_far, tz).await?;
        Ok(Judged {
            target: target.clone(),
            sums,
            days,
            evaluation: evaluate(target, sums.value(target.kpi), period, today, thresholds),
        })
    }))
    .await
}
