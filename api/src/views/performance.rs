//! A campaign's performance (contract/API.md, "Performance of one
//! campaign"): totals, breakdown groups, an optional series, and every
//! target judged, from the report engine, with client counts published
//! for non-admins (small cells hidden, the others sums of randomly rounded
//! daily atoms, see `cmp_report::publish`; an hour of an hourly series
//! shows them no client counts). Totals, each breakdown and the series are
//! each published as one breakdown, so no hidden cell can be worked out
//! from its total.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use cmp_kpi::{DateRange, Dimension, Granularity, Lang, label_or_code};
use cmp_report::{Query, Row};
use cmp_store::Campaign;
use serde::Serialize;
use utoipa::ToSchema;

use super::kpis::{
    Audience, KpiValues, TargetResult, campaign_name, dimension_kind, kpi_labels, target_results,
};
use super::{campaign, targets};
use crate::caller::Caller;
use crate::error::ApiError;
use crate::memo::{JudgedKey, ReportKey};
use crate::sources::Sources;

/// Most buckets a series may have (about 13 months of hours).
pub const MAX_BUCKETS: i64 = 10_000;

/// What the caller asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PerformanceRequest {
    /// Default: the campaign's first day.
    pub from: Option<NaiveDate>,
    /// Default: the campaign's last day or today, whichever is earlier.
    pub to: Option<NaiveDate>,
    pub by: Vec<Dimension>,
    pub granularity: Option<Granularity>,
}

/// One breakdown row.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct GroupView {
    /// A value for each `by` dimension (`""`: the KPIs' events lack it).
    pub key: BTreeMap<String, String>,
    /// The key's values as labels in the requested language.
    pub key_labels: BTreeMap<String, String>,
    #[serde(flatten)]
    pub kpis: KpiValues,
}

/// One bucket of the series.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PointView {
    /// The bucket's first instant (a week's Monday may precede `from`).
    pub start: DateTime<Utc>,
    #[serde(flatten)]
    pub kpis: KpiValues,
}

/// The performance response.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PerformanceView {
    /// The campaign id.
    pub campaign: String,
    pub campaign_name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The start of the newest hour of data included (`null`: none).
    pub as_of: Option<DateTime<Utc>>,
    /// The client counts shown (and the ratios and targets computed from
    /// them) are sums of daily counts each randomly rounded to a multiple
    /// of this (docs/privacy.md; an hourly series hides them); absent when
    /// exact (admins).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = 5)]
    pub rounded: Option<u64>,
    /// Every KPI's name in the requested language, by code.
    pub kpi_labels: BTreeMap<String, String>,
    pub totals: KpiValues,
    /// One per breakdown key with data; empty without `by`.
    pub groups: Vec<GroupView>,
    /// One per bucket, when a granularity was asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub series: Option<Vec<PointView>>,
    pub targets: Vec<TargetResult>,
}

/// The range a request covers: its own dates, defaulting to the flight
/// clipped to today (the flight's first day alone before it starts).
pub fn range(
    c: &Campaign,
    req: &PerformanceRequest,
    today: NaiveDate,
) -> Result<DateRange, ApiError> {
    let from = req.from.unwrap_or(c.start_date);
    let to = req.to.unwrap_or_else(|| c.end_date.min(today).max(from));
    checked(from, to, req.granularity)
}

/// `from..=to`, refused when inverted or when the series would be too long.
fn checked(
    from: NaiveDate,
    to: NaiveDate,
    granularity: Option<Granularity>,
) -> Result<DateRange, ApiError> {
    let range = DateRange::new(from, to)?;
    if let Some(g) = granularity {
        let days = range.days();
        let buckets = match g {
            Granularity::Hour => days * 25,
            Granularity::Day => days,
            Granularity::Week => days / 7 + 2,
        };
        if buckets > MAX_BUCKETS {
            return Err(ApiError::bad(
                "granularity",
                format!(
                    "{} over {days} days gives more than {MAX_BUCKETS} buckets: narrow from/to or pick a coarser granularity",
                    g.as_str()
                ),
            ));
        }
    }
    Ok(range)
}

/// The campaign's performance as the caller may see it.
pub async fn performance(
    sources: &Sources,
    caller: &Caller,
    id: &str,
    req: &PerformanceRequest,
    lang: Lang,
) -> Result<PerformanceView, ApiError> {
    let store = &sources.store;
    let rules = sources.rules;
    if let (Some(from), Some(to)) = (req.from, req.to) {
        checked(from, to, req.granularity)?;
    }
    let c = campaign::find(sources, caller, id).await?;
    let today = rules.today();
    let range = range(&c, req, today)?;
    let query = Query {
        campaign: c.clone(),
        from: range.from,
        to: range.to,
        by: req.by.clone(),
        granularity: req.granularity,
        tz: rules.tz,
    };
    let mut by = req.by.clone();
    by.sort_unstable();
    by.dedup();
    let report_key = ReportKey {
        campaign: c.clone(),
        from: range.from,
        to: range.to,
        by,
        granularity: req.granularity,
    };
    let judged_key = JudgedKey {
        campaign: c.clone(),
        today,
    };
    let memo = &sources.memo;
    // Owned computations: a held snapshot's refresh runs in the background.
    // Both read at one version, sharing their identical queries.
    let at = memo.at();
    let shared = at.store(store);
    let report = {
        let store = shared.clone();
        async move { cmp_report::performance(&store, &query).await }
    };
    let judge = {
        let c = c.clone();
        async move { targets::judge(&shared, rules, &c, today).await }
    };
    let (r, judged) = tokio::try_join!(
        memo.report(&at, report_key, report),
        memo.judged_held(&at, judged_key, judge),
    )?;
    let audience = Audience::of(&rules, caller.is_admin());
    let totals = audience
        .publish(&c.id, &[Row::total(&r.totals, Some(&r.total_days))])
        .remove(0);
    let group_rows: Vec<Row<'_>> = r
        .groups
        .iter()
        .map(|g| Row::group(&g.key, &g.measures, &g.days))
        .collect();
    let groups = audience.publish(&c.id, &group_rows);
    let point_rows: Vec<Row<'_>> = r
        .series
        .iter()
        .map(|p| Row::total(&p.measures, p.days.as_deref()))
        .collect();
    let points = audience.publish(&c.id, &point_rows);
    Ok(PerformanceView {
        campaign: c.id.clone(),
        campaign_name: campaign_name(&c, lang).to_owned(),
        from: range.from,
        to: range.to,
        as_of: r.as_of,
        rounded: audience.rounded(),
        kpi_labels: kpi_labels(lang),
        totals: KpiValues::of(&totals, &r.totals),
        groups: r
            .groups
            .iter()
            .zip(&groups)
            .map(|(g, shown)| GroupView {
                key: g
                    .key
                    .iter()
                    .map(|(d, v)| (d.as_str().to_owned(), v.clone()))
                    .collect(),
                key_labels: g
                    .key
                    .iter()
                    .map(|(d, v)| {
                        let label = if v.is_empty() {
                            String::new()
                        } else {
                            label_or_code(dimension_kind(*d), v, lang).into_owned()
                        };
                        (d.as_str().to_owned(), label)
                    })
                    .collect(),
                kpis: KpiValues::of(shown, &g.measures),
            })
            .collect(),
        series: req.granularity.map(|_| {
            r.series
                .iter()
                .zip(&points)
                .map(|(p, shown)| PointView {
                    start: p.start,
                    kpis: KpiValues::of(shown, &p.measures),
                })
                .collect()
        }),
        targets: target_results(&c, &judged, audience, today, lang),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn campaign() -> Campaign {
        Campaign {
            id: "c".into(),
            name_en: "C".into(),
            name_fr: "C".into(),
            program: "oas".into(),
            start_date: d("2026-10-01"),
            end_date: d("2027-03-31"),
            budget_cents: 1,
            flight_plan: String::new(),
            owner: "esdc".into(),
        }
    }

    fn named(r: Result<DateRange, ApiError>) -> String {
        match r {
            Err(ApiError::BadRequest { parameter, .. }) => parameter,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_range_defaults_to_the_flight_clipped_to_today() {
        let c = campaign();
        let none = PerformanceRequest::default();
        let r = |from: &str, to: &str| DateRange {
            from: d(from),
            to: d(to),
        };
        assert_eq!(
            range(&c, &none, d("2026-11-15")).ok(),
            Some(r("2026-10-01", "2026-11-15"))
        );
        assert_eq!(
            range(&c, &none, d("2027-06-01")).ok(),
            Some(r("2026-10-01", "2027-03-31"))
        );
        assert_eq!(
            range(&c, &none, d("2026-01-01")).ok(),
            Some(r("2026-10-01", "2026-10-01"))
        );
        let asked = PerformanceRequest {
            from: Some(d("2026-12-01")),
            ..none.clone()
        };
        assert_eq!(
            range(&c, &asked, d("2026-11-15")).ok(),
            Some(r("2026-12-01", "2026-12-01"))
        );
        let inverted = PerformanceRequest {
            from: Some(d("2026-12-02")),
            to: Some(d("2026-12-01")),
            ..none.clone()
        };
        assert_eq!(named(range(&c, &inverted, d("2026-11-15"))), "from");
        let hourly_year = PerformanceRequest {
            to: Some(d("2027-12-31")),
            granularity: Some(Granularity::Hour),
            ..none.clone()
        };
        assert_eq!(
            named(range(&c, &hourly_year, d("2026-11-15"))),
            "granularity"
        );
        let daily_year = PerformanceRequest {
            granularity: Some(Granularity::Day),
            ..hourly_year
        };
        assert!(range(&c, &daily_year, d("2026-11-15")).is_ok());
    }
}
