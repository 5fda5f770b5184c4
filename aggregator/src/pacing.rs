//! The pacing gauges: on every periodic history pass, each campaign whose
//! flight ran yesterday gets `cmp_aggregator_pacing_index` (spent ÷ planned
//! to date, no sample while nothing is planned) and
//! `cmp_aggregator_off_pace_days{direction}` (whole days in a row, ending
//! yesterday, at whose end its spend was over or under pace: the alert
//! `CampaignOffPace` fires at 3). The rules are `cmp_kpi::pacing`'s, the
//! same the API's pacing route shows; spend per day comes from the report
//! engine's daily series.

use chrono::NaiveDate;
use chrono_tz::Tz;
use cmp_kpi::{days_off_pace, pacing};
use cmp_report::{daily_spend, flight, performance, plan_weeks, spend_query};
use cmp_store::{Store, StoreError};

use crate::metrics::{Metrics, PacingGauge};

/// Refreshes every pacing series for `today` (reporting time zone).
pub async fn refresh(
    store: &Store,
    metrics: &Metrics,
    today: NaiveDate,
    tz: Tz,
) -> Result<usize, StoreError> {
    let Some(yesterday) = today.pred_opt() else {
        return Ok(0);
    };
    let mut current = Vec::new();
    for c in cmp_store::campaigns(store).await? {
        if !(c.start_date..=c.end_date).contains(&yesterday) {
            continue;
        }
        let report = performance(store, &spend_query(&c, today, tz)).await?;
        let spend = daily_spend(&report, tz);
        let weeks = plan_weeks(&c);
        let f = flight(&c, &weeks);
        let off = days_off_pace(&f, &spend, today);
        current.push(PacingGauge {
            campaign: c.id.clone(),
            index: pacing(&f, &spend, today).pacing_index,
            over_days: off.filter(|(d, _)| *d == "over").map_or(0, |(_, n)| n),
            under_days: off.filter(|(d, _)| *d == "under").map_or(0, |(_, n)| n),
        });
    }
    metrics.set_pacing(&current);
    Ok(current.len())
}
