//! Anomalies of one campaign (contract/API.md v1.1, "Anomalies"): the days
//! a daily KPI left its expected band, as `cmp_report::anomalies` finds
//! them (rules in `cmp_kpi`), labelled in the caller's language.
//!
//! Decisions where the contract is silent:
//! - Default range: the 28 whole days up to yesterday (today is not over),
//!   within the flight (none before its first whole day); at most 366 days.
//! - `driver` is an object: the dimension, its value and the value's label.
//! - Non-admins: a flag on a client count (`uptake_completed`) or on a
//!   share of them (`program_online_share`) shows its day, kind and driver
//!   but not its numbers (`null`, `"suppressed": true`): the observed and
//!   expected counts of one day are exactly what small-cell rules protect.

use chrono::{Duration, NaiveDate};
use cmp_kpi::{DateRange, Dimension, Flag, LabelKind, Lang, label_or_code};
use serde::Serialize;
use utoipa::ToSchema;

use super::campaign;
use super::kpis::dimension_kind;
use crate::caller::Caller;
use crate::error::ApiError;
use crate::sources::Sources;

/// Longest range asked, in days.
const MAX_DAYS: i64 = 366;
/// Days of the default range.
const DEFAULT_DAYS: i64 = 28;

/// A campaign's anomalies over a range of days.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AnomaliesView {
    pub campaign_id: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub anomalies: Vec<AnomalyView>,
}

/// A day a KPI left its band.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AnomalyView {
    pub day: NaiveDate,
    #[schema(example = "impressions")]
    pub kpi: &'static str,
    pub kpi_label: String,
    pub observed: Option<f64>,
    pub expected: Option<f64>,
    /// `[low, high]`.
    pub band: Option<[f64; 2]>,
    /// The numbers are hidden (a client count, for a non-admin).
    pub suppressed: bool,
    #[schema(example = "drop")]
    pub kind: &'static str,
    pub label: String,
    pub driver: Option<DriverView>,
}

/// The dimension value that explains most of the deviation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DriverView {
    #[schema(example = "channel")]
    pub dimension: String,
    #[schema(example = "tv")]
    pub value: String,
    pub value_label: String,
}

/// The range of a request: the asked days, else the default, clipped to
/// the flight; a `400` names the parameter at fault.
pub fn range(
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    flight: DateRange,
    today: NaiveDate,
) -> Result<DateRange, ApiError> {
    let asked = from.is_some() || to.is_some();
    let to = to.unwrap_or_else(|| (today - Duration::days(1)).min(flight.to));
    let from = from.unwrap_or_else(|| (to - Duration::days(DEFAULT_DAYS - 1)).max(flight.from));
    if to < from && !asked {
        // The flight has no whole day yet: nothing to judge.
        return Ok(DateRange { from, to });
    }
    if to < from {
        return Err(ApiError::bad("to", format!("{to} is before from {from}")));
    }
    if (to - from).num_days() + 1 > MAX_DAYS {
        return Err(ApiError::bad(
            "to",
            format!("at most {MAX_DAYS} days from `from`"),
        ));
    }
    Ok(DateRange { from, to })
}

fn shown(f: Flag, admin: bool, lang: Lang) -> AnomalyView {
    let hidden = !admin && matches!(f.kpi, "uptake_completed" | "program_online_share");
    let number = |v: f64| (!hidden).then_some(v);
    let driver = f.driver.map(|(dimension, value)| {
        let value_label = Dimension::parse(&dimension)
            .map(|d| label_or_code(dimension_kind(d), &value, lang).into_owned())
            .unwrap_or_else(|_| value.clone());
        DriverView {
            dimension,
            value,
            value_label,
        }
    });
    AnomalyView {
        day: f.day,
        kpi: f.kpi,
        kpi_label: label_or_code(LabelKind::Kpi, f.kpi, lang).into_owned(),
        observed: number(f.observed),
        expected: number(f.band.expected),
        band: (!hidden).then_some([f.band.low, f.band.high]),
        suppressed: hidden,
        kind: f.kind,
        label: label_or_code(LabelKind::Decision, f.kind, lang).into_owned(),
        driver,
    }
}

/// The campaign's anomalies as the caller may see them (its readers).
pub async fn view(
    sources: &Sources,
    caller: &Caller,
    id: &str,
    asked: (Option<NaiveDate>, Option<NaiveDate>),
    lang: Lang,
) -> Result<AnomaliesView, ApiError> {
    let c = campaign::find(sources, caller, id).await?;
    let rules = sources.rules;
    let flight = DateRange {
        from: c.start_date,
        to: c.end_date,
    };
    let range = range(asked.0, asked.1, flight, rules.today())?;
    let k = rules.disclosure.k() as f64;
    let flags = cmp_report::anomalies(&sources.store, &c, range, rules.tz, k).await?;
    Ok(AnomaliesView {
        campaign_id: c.id.clone(),
        from: range.from,
        to: range.to,
        anomalies: flags
            .into_iter()
            .map(|f| shown(f, caller.is_admin(), lang))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn the_default_range_is_four_weeks_to_yesterday_within_the_flight() {
        let flight = DateRange {
            from: d("2026-10-01"),
            to: d("2027-03-31"),
        };
        let r = range(None, None, flight, d("2026-12-07")).expect("range");
        assert_eq!((r.from, r.to), (d("2026-11-09"), d("2026-12-06")));
        let r = range(None, None, flight, d("2026-10-05")).expect("range");
        assert_eq!((r.from, r.to), (d("2026-10-01"), d("2026-10-04")));
        let bad = range(
            Some(d("2026-12-01")),
            Some(d("2026-11-01")),
            flight,
            d("2026-12-07"),
        );
        assert!(matches!(bad, Err(ApiError::BadRequest { parameter, .. }) if parameter == "to"));
        let long = range(
            Some(d("2025-01-01")),
            Some(d("2026-12-01")),
            flight,
            d("2026-12-07"),
        );
        assert!(long.is_err());
    }

    #[test]
    fn client_counts_lose_their_numbers_for_non_admins() {
        let f = Flag {
            day: d("2026-12-01"),
            kpi: "uptake_completed",
            observed: 3.0,
            band: cmp_kpi::Band {
                expected: 40.0,
                low: 20.0,
                high: 60.0,
            },
            kind: "drop",
            driver: Some(("region".into(), "QC".into())),
        };
        let manager = shown(f.clone(), false, Lang::Fr);
        assert_eq!(
            (manager.observed, manager.band, manager.suppressed),
            (None, None, true)
        );
        assert_eq!(manager.label, "Baisse inhabituelle");
        assert_eq!(manager.driver.expect("driver").value_label, "Québec");
        let admin = shown(f, true, Lang::En);
        assert_eq!(admin.observed, Some(3.0));
    }
}
