//! The anomaly gauge: on every periodic history pass, each campaign whose
//! flight ran yesterday gets `cmp_aggregator_anomalies{kind}`, the number
//! of its daily KPIs that left their expected band yesterday (the last
//! whole day), by kind (`drop`, `spike`, `tracking_break`); the alert
//! `CmpCampaignAnomaly` fires on any. The flags are `cmp_report::anomalies`'
//! (the API's anomalies route shows the same).

use chrono::NaiveDate;
use chrono_tz::Tz;
use cmp_kpi::DateRange;
use cmp_store::{Store, StoreError};

use crate::metrics::{AnomalyGauge, Metrics};

/// Refreshes every anomaly series for the day before `today`.
pub async fn refresh(
    store: &Store,
    metrics: &Metrics,
    today: NaiveDate,
    tz: Tz,
    k: u32,
) -> Result<usize, StoreError> {
    let Some(yesterday) = today.pred_opt() else {
        return Ok(0);
    };
    let mut current = Vec::new();
    for c in cmp_store::campaigns(store).await? {
        if !(c.start_date..=c.end_date).contains(&yesterday) {
            continue;
        }
        let flags =
            cmp_report::anomalies(store, &c, DateRange::day(yesterday), tz, f64::from(k)).await?;
        let count = |kind: &str| flags.iter().filter(|f| f.kind == kind).count() as u32;
        current.push(AnomalyGauge {
            campaign: c.id.clone(),
            drop: count("drop"),
            spike: count("spike"),
            tracking_break: count("tracking_break"),
        });
    }
    metrics.set_anomalies(&current);
    Ok(current.len())
}
