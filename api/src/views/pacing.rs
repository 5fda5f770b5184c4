//! Budget pacing of one campaign (contract/API.md v1.1, "Budget pacing"):
//! the rules are `cmp_kpi::pacing`'s; this module reads the campaign's
//! spend per day of the reporting zone (the report engine's daily series,
//! kept per data version like every report) and labels the status.
//!
//! Decisions where the contract is silent:
//! - `lapse_cents`: the plan up to 31 March of the flight's fiscal year
//!   that the projection to that day leaves unspent (the money that would
//!   lapse), 0 when the projection reaches the plan.
//! - `series`: per day of the flight through today, the cumulative plan
//!   and spend (the page's chart and table).
//! - Spend is not a count of clients: it is shown exactly to every reader
//!   of the campaign.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use cmp_kpi::{LabelKind, Lang, Pacing, PlanWeek, label_or_code, pacing};
use cmp_report::{daily_spend, flight, plan_weeks, spend_query};
use cmp_store::Campaign;
use serde::Serialize;
use utoipa::ToSchema;

use super::campaign;
use crate::caller::Caller;
use crate::error::ApiError;
use crate::memo::ReportKey;
use crate::sources::Sources;

/// A campaign's spend against its plan.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PacingView {
    pub campaign_id: String,
    /// Today in the reporting time zone: "to date" runs through it.
    pub today: NaiveDate,
    /// `weekly` (the campaign's flight plan) or `even` (the budget evenly
    /// over the flight).
    #[schema(example = "even")]
    pub plan: &'static str,
    pub budget_cents: u64,
    pub spent_cents: u64,
    pub planned_to_date_cents: u64,
    /// Spent ÷ planned to date; `null` with nothing planned yet.
    pub pacing_index: Option<f64>,
    pub projected_cents: u64,
    pub fiscal_year_end_cents: u64,
    /// Planned by 31 March of the flight's fiscal year and not spent by
    /// then at the current rate.
    pub lapse_cents: u64,
    #[schema(example = "on_pace")]
    pub status: &'static str,
    pub status_label: String,
    /// Cumulative plan and spend per day of the flight through today.
    pub series: Vec<PacingDay>,
}

/// One day of the flight, cumulative from its start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PacingDay {
    pub day: NaiveDate,
    pub planned_cents: u64,
    pub spent_cents: u64,
}

/// The pacing of `c` on `today`, its spend per day and its weekly plan
/// (empty: the budget evenly over the flight).
pub async fn judge(
    sources: &Sources,
    c: &Campaign,
    today: NaiveDate,
) -> Result<(Pacing, BTreeMap<NaiveDate, u64>, Vec<PlanWeek>), ApiError> {
    let tz = sources.rules.tz;
    let query = spend_query(c, today, tz);
    let key = ReportKey {
        campaign: c.clone(),
        from: query.from,
        to: query.to,
        by: Vec::new(),
        granularity: query.granularity,
    };
    let at = sources.memo.at();
    let store = at.store(&sources.store);
    let compute = async move { cmp_report::performance(&store, &query).await };
    let report = sources.memo.report(&at, key, compute).await?;
    let spend = daily_spend(&report, tz);
    let weeks = plan_weeks(c);
    Ok((pacing(&flight(c, &weeks), &spend, today), spend, weeks))
}

/// The campaign's pacing as the caller may see it (any reader of it).
pub async fn view(
    sources: &Sources,
    caller: &Caller,
    id: &str,
    lang: Lang,
) -> Result<PacingView, ApiError> {
    let c = campaign::find(sources, caller, id).await?;
    let today = sources.rules.today();
    let (p, spend, weeks) = judge(sources, &c, today).await?;
    let plan = flight(&c, &weeks).daily_plan();
    let (mut planned, mut spent) = (0, 0);
    let series = c
        .start_date
        .iter_days()
        .take_while(|d| *d <= today.min(c.end_date))
        .map(|day| {
            planned += plan.get(&day).copied().unwrap_or(0);
            spent += spend.get(&day).copied().unwrap_or(0);
            PacingDay {
                day,
                planned_cents: planned,
                spent_cents: spent,
            }
        })
        .collect();
    Ok(PacingView {
        campaign_id: c.id.clone(),
        today,
        plan: if weeks.is_empty() { "even" } else { "weekly" },
        budget_cents: p.budget_cents,
        spent_cents: p.spent_cents,
        planned_to_date_cents: p.planned_to_date_cents,
        pacing_index: p.pacing_index,
        projected_cents: p.projected_cents,
        fiscal_year_end_cents: p.fiscal_year_end_cents,
        lapse_cents: p.lapse_cents,
        status: p.status,
        status_label: label_or_code(LabelKind::Decision, p.status, lang).into_owned(),
        series,
    })
}
