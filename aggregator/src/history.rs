//! The attainment history: every `CMP_HISTORY_INTERVAL_MIN` minutes, and
//! once when a reporting day (`CMP_REPORT_TZ`) ends, the service evaluates
//! each campaign's current target set (the report engine's
//! [`cmp_report::evaluate_targets`], the same numbers the API shows) and
//! appends one `attainment_history` row per target: actual, attainment,
//! pace, status. Day-end rows carry `end_of_day = 1` and judge the day that
//! ended. The periodic pass also refreshes the `cmp_aggregator_attainment`
//! and `cmp_aggregator_pace` gauges. A campaign whose target set no longer
//! parses (it was validated when stored) is skipped with a warning; the
//! others are still recorded.

use chrono::{DateTime, NaiveDate, Utc};
use cmp_kpi::{Evaluation, Target, Thresholds};
use cmp_report::evaluate_targets;
use cmp_store::{Store, StoreError};
use serde::Serialize;

use crate::metrics::{Metrics, TargetLabels};

/// A row of `attainment_history` (migration 0004), field for field.
#[derive(Debug, Clone, PartialEq, clickhouse::Row, Serialize)]
pub struct HistoryRow {
    pub campaign_id: String,
    /// Position of the target in its set.
    pub target_index: u16,
    pub kpi: String,
    pub target: f64,
    /// Seconds since the epoch.
    pub recorded_at: u32,
    pub end_of_day: u8,
    pub actual: Option<f64>,
    pub attainment: Option<f64>,
    pub pace: Option<f64>,
    pub status: String,
}

/// The rows of one campaign's evaluated targets.
pub fn rows(
    campaign_id: &str,
    targets: &[Target],
    evaluations: &[Evaluation],
    recorded_at: DateTime<Utc>,
    end_of_day: bool,
) -> Vec<HistoryRow> {
    let at = u32::try_from(recorded_at.timestamp()).unwrap_or(u32::MAX);
    targets
        .iter()
        .zip(evaluations)
        .enumerate()
        .map(|(i, (t, e))| HistoryRow {
            campaign_id: campaign_id.to_owned(),
            target_index: u16::try_from(i).unwrap_or(u16::MAX),
            kpi: t.kpi.to_string(),
            target: t.target,
            recorded_at: at,
            end_of_day: u8::from(end_of_day),
            actual: e.actual,
            attainment: e.attainment,
            pace: e.pace,
            status: e.status.to_string(),
        })
        .collect()
}

/// The gauge labels and values of history rows.
pub fn gauges(rows: &[HistoryRow]) -> Vec<(TargetLabels, Option<f64>, Option<f64>)> {
    rows.iter()
        .map(|r| {
            (
                [
                    r.campaign_id.clone(),
                    r.kpi.clone(),
                    r.target_index.to_string(),
                ],
                r.attainment,
                r.pace,
            )
        })
        .collect()
}

/// Appends rows to `attainment_history`.
pub async fn write(store: &Store, rows: &[HistoryRow]) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    store
        .timed(async {
            let mut insert = store
                .client
                .insert::<HistoryRow>("attainment_history")
                .await?;
            for row in rows {
                insert.write(row).await?;
            }
            insert.end().await
        })
        .await
}

/// What one snapshot did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Recorded {
    pub campaigns: usize,
    pub rows: usize,
}

/// The day a snapshot judges: today in the reporting time zone, or the day
/// that ended for the day-end snapshot.
pub fn judged_day(now: DateTime<Utc>, tz: chrono_tz::Tz, ended: Option<NaiveDate>) -> NaiveDate {
    ended.unwrap_or_else(|| now.with_timezone(&tz).date_naive())
}

/// Records one snapshot of every campaign's current target set at `now`:
/// judged on today (reporting time zone), or on `ended` for the day-end
/// snapshot. The periodic snapshot also refreshes the target gauges.
pub async fn snapshot(
    store: &Store,
    settings: &cmp_config::Settings,
    metrics: &Metrics,
    now: DateTime<Utc>,
    ended: Option<NaiveDate>,
) -> Result<Recorded, StoreError> {
    let tz = settings.report_tz;
    let today = judged_day(now, tz, ended);
    // Checked at load (0 < at_risk ≤ on_track); the defaults otherwise.
    let thresholds =
        Thresholds::new(settings.pace_on_track, settings.pace_at_risk).unwrap_or_default();
    let mut all = Vec::new();
    let mut campaigns = 0;
    for campaign in cmp_store::campaigns(store).await? {
        let Some(set) = cmp_store::target_set(store, &campaign.id).await? else {
            continue;
        };
        let targets = match cmp_kpi::parse_target_set(&set.targets) {
            Ok(t) => t,
            Err(e) => {
                tracing::warn!(campaign = %campaign.id, error = %e, "stored target set does not parse: skipped");
                continue;
            }
        };
        if targets.is_empty() {
            continue;
        }
        let judged = evaluate_targets(store, &campaign, &targets, today, tz, thresholds).await?;
        let (targets, evaluations): (Vec<Target>, Vec<Evaluation>) =
            judged.into_iter().map(|j| (j.target, j.evaluation)).unzip();
        all.extend(rows(
            &campaign.id,
            &targets,
            &evaluations,
            now,
            ended.is_some(),
        ));
        campaigns += 1;
    }
    write(store, &all).await?;
    if ended.is_none() {
        metrics.set_targets(&gauges(&all));
    }
    metrics.history_snapshots.inc();
    Ok(Recorded {
        campaigns,
        rows: all.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use cmp_kpi::{DateRange, Kpi, Thresholds, evaluate};

    #[test]
    fn rows_carry_each_target_and_its_evaluation() {
        let d = |s: &str| s.parse::<NaiveDate>().expect("date");
        let flight = DateRange {
            from: d("2026-10-01"),
            to: d("2026-10-10"),
        };
        let targets = vec![Target::new(Kpi::Clicks, 100.0), Target::new(Kpi::Ctr, 0.02)];
        let evals: Vec<Evaluation> = targets
            .iter()
            .zip([Some(50.0), None])
            .map(|(t, a)| {
                evaluate(
                    t,
                    a,
                    t.period(flight),
                    d("2026-10-05"),
                    Thresholds::default(),
                )
            })
            .collect();
        let now: DateTime<Utc> = "2026-10-05T12:00:00Z".parse().expect("time");
        let rows = rows("c1", &targets, &evals, now, true);
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0],
            HistoryRow {
                campaign_id: "c1".into(),
                target_index: 0,
                kpi: "clicks".into(),
                target: 100.0,
                recorded_at: 1_791_201_600,
                end_of_day: 1,
                actual: Some(50.0),
                attainment: Some(0.5),
                pace: Some(1.0),
                status: "on_track".into(),
            }
        );
        assert_eq!(
            (rows[1].actual, rows[1].status.as_str()),
            (None, "off_track")
        );
        let g = gauges(&rows);
        assert_eq!(g[1].0, ["c1".to_owned(), "ctr".to_owned(), "1".to_owned()]);
    }
}
