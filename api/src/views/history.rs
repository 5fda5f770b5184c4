//! A campaign's recorded attainment over time (the aggregator's
//! `attainment_history` snapshots), per target, for the ADM's trend view.
//! Small actuals of client-count KPIs are hidden for non-admins, with the
//! attainment and pace that would reveal them.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use cmp_kpi::{DateRange, Kpi, Lang, Status, is_small};
use cmp_store::{AttainmentQuery, AttainmentRecord};
use serde::Serialize;
use utoipa::ToSchema;

use super::campaign;
use super::kpis::kpi_label;
use crate::caller::Caller;
use crate::error::ApiError;
use crate::state::AppState;

/// Most snapshots one response carries (then `truncated`).
pub const MAX_POINTS: u64 = 50_000;
/// The default span: this many days up to today.
pub const DEFAULT_DAYS: i64 = 30;

/// What the caller asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryRequest {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// One target's position, or all.
    pub target: Option<u16>,
    /// Only the snapshots taken as each reporting day ended.
    pub end_of_day: bool,
}

/// One recorded judgement.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct HistoryPoint {
    pub recorded_at: DateTime<Utc>,
    /// Taken as a reporting day ended (judged on that day).
    pub end_of_day: bool,
    pub actual: Option<f64>,
    pub attainment: Option<f64>,
    pub pace: Option<f64>,
    pub status: String,
    pub status_label: String,
    pub suppressed: bool,
}

/// The recorded judgements of one target position.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TargetTrend {
    /// Position in the target set current when recorded.
    pub position: u16,
    pub kpi: String,
    pub kpi_label: String,
    /// The target value when last recorded in the span.
    pub target: f64,
    pub points: Vec<HistoryPoint>,
}

/// The attainment-history response.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct HistoryView {
    pub campaign: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub targets: Vec<TargetTrend>,
    /// More snapshots matched than one response carries: narrow the span.
    pub truncated: bool,
}

/// The recorded attainment of a campaign's targets over the span.
pub async fn history(
    state: &AppState,
    caller: &Caller,
    id: &str,
    req: &HistoryRequest,
    lang: Lang,
) -> Result<HistoryView, ApiError> {
    if let (Some(from), Some(to)) = (req.from, req.to) {
        DateRange::new(from, to)?;
    }
    campaign::find(&state.store, caller, id).await?;
    let today = state.rules.today();
    let to = req.to.unwrap_or(today);
    let from = req.from.unwrap_or(to - Duration::days(DEFAULT_DAYS - 1));
    let range = DateRange::new(from, to)?;
    let (start, end) = range.utc_bounds(state.rules.tz);
    let records = cmp_store::attainment_history(
        &state.store,
        id,
        &AttainmentQuery {
            start,
            end,
            target: req.target,
            end_of_day_only: req.end_of_day,
            limit: MAX_POINTS + 1,
        },
    )
    .await?;
    let truncated = records.len() as u64 > MAX_POINTS;
    let shown = &records[..records.len().min(MAX_POINTS as usize)];
    Ok(HistoryView {
        campaign: id.to_owned(),
        from,
        to,
        targets: trends(shown, caller.is_admin(), state.rules.suppress_k, lang),
        truncated,
    })
}

/// Records (ordered by position, then time) grouped per position.
fn trends(records: &[AttainmentRecord], admin: bool, k: u64, lang: Lang) -> Vec<TargetTrend> {
    let mut out: Vec<TargetTrend> = Vec::new();
    for r in records {
        let kpi = Kpi::parse(&r.kpi).ok();
        let hide = !admin
            && kpi.is_some_and(Kpi::is_client_count)
            && r.actual.is_some_and(|a| is_small(a, k));
        let shown = |v: Option<f64>| if hide { None } else { v };
        let point = HistoryPoint {
            recorded_at: r.recorded_at,
            end_of_day: r.end_of_day,
            actual: shown(r.actual),
            attainment: shown(r.attainment),
            pace: shown(r.pace),
            status: r.status.clone(),
            status_label: Status::parse(&r.status)
                .map_or_else(|_| r.status.clone(), |s| s.label(lang).to_owned()),
            suppressed: hide,
        };
        match out.last_mut() {
            Some(t) if t.position == r.target_index => {
                t.kpi.clone_from(&r.kpi);
                t.kpi_label = kpi.map_or_else(|| r.kpi.clone(), |k| kpi_label(k, lang));
                t.target = r.target;
                t.points.push(point);
            }
            _ => out.push(TargetTrend {
                position: r.target_index,
                kpi: r.kpi.clone(),
                kpi_label: kpi.map_or_else(|| r.kpi.clone(), |k| kpi_label(k, lang)),
                target: r.target,
                points: vec![point],
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(index: u16, kpi: &str, at: i64, actual: f64) -> AttainmentRecord {
        AttainmentRecord {
            target_index: index,
            kpi: kpi.into(),
            target: 100.0,
            recorded_at: DateTime::<Utc>::from_timestamp(at, 0).expect("time"),
            end_of_day: false,
            actual: Some(actual),
            attainment: Some(actual / 100.0),
            pace: Some(actual / 50.0),
            status: "at_risk".into(),
        }
    }

    #[test]
    fn records_group_per_target_and_small_cells_hide() {
        let records = [
            record(0, "uptake_completed", 10, 4.0),
            record(0, "uptake_completed", 20, 40.0),
            record(1, "clicks", 10, 4.0),
        ];
        let t = trends(&records, false, 10, Lang::Fr);
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].points.len(), 2);
        assert_eq!(t[0].kpi_label, "Demandes complétées");
        assert!(t[0].points[0].suppressed);
        assert_eq!(
            (
                t[0].points[0].actual,
                t[0].points[0].attainment,
                t[0].points[0].pace
            ),
            (None, None, None)
        );
        assert_eq!(t[0].points[1].actual, Some(40.0));
        assert_eq!(
            t[1].points[0].actual,
            Some(4.0),
            "clicks are not client counts"
        );
        assert_eq!(t[1].points[0].status_label, "À risque");
        let admin = trends(&records, true, 10, Lang::En);
        assert_eq!(admin[0].points[0].actual, Some(4.0));
    }
}
