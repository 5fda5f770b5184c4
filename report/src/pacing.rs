//! What budget pacing (`cmp_kpi::pacing`) needs of a campaign: its weekly
//! flight plan (stored as the JSON the API validated) and its spend per day
//! of the reporting zone, read as the daily series of a report over the
//! flight through today and the 7 days before today.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;
use cmp_kpi::{Flight, Granularity, PlanWeek, local_date, parse_plan};
use cmp_store::Campaign;

use crate::{Query, Report};

/// The campaign's weekly flight plan; empty: the budget evenly over the
/// flight (or a stored plan that no longer parses, which the API refused
/// when it was written).
pub fn plan_weeks(c: &Campaign) -> Vec<PlanWeek> {
    serde_json::from_str(&c.flight_plan)
        .ok()
        .and_then(|v| parse_plan(&v).ok())
        .unwrap_or_default()
}

/// The flight of `c` with its plan `weeks` (from [`plan_weeks`]).
pub fn flight<'a>(c: &Campaign, weeks: &'a [PlanWeek]) -> Flight<'a> {
    Flight {
        start: c.start_date,
        end: c.end_date,
        budget_cents: c.budget_cents,
        plan: weeks,
    }
}

/// The report whose daily series holds the spend pacing needs on `today`.
pub fn spend_query(c: &Campaign, today: NaiveDate, tz: Tz) -> Query {
    let from = c.start_date.min(today - Duration::days(7));
    let to = today.min(c.end_date).max(from);
    Query {
        campaign: c.clone(),
        from,
        to,
        by: Vec::new(),
        granularity: Some(Granularity::Day),
        tz,
    }
}

/// Spend per day of a daily series.
pub fn daily_spend(report: &Report, tz: Tz) -> BTreeMap<NaiveDate, u64> {
    report
        .series
        .iter()
        .map(|p| (local_date(p.start, tz), p.measures.spend_cents))
        .collect()
}
