//! How KPI values and judged targets are shown: every KPI of a row as a
//! JSON field (counts as integers, ratios as numbers, `null` when
//! undefined or suppressed, with `"suppressed": true` on the row), and a
//! target's result with its labels. Every role but `admin` sees client
//! counts published (`cmp_report::publish`: small ones hidden,
//! the others randomly rounded, ratios from the published counts); a
//! target is judged again for them from its slice's published sums, so
//! its actual, attainment, pace, projection and status come from the
//! published actual, and a hidden actual hides what would reveal it (a
//! hidden actual is judged as no actual).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use cmp_kpi::{
    DateRange, Dimension, Disclosure, Kpi, LabelKind, Lang, Measures, Status, Target, Thresholds,
    evaluate, label_or_code,
};
use cmp_report::{Judged, Row, Shown, publish};
use cmp_store::Campaign;
use serde::Serialize;
use utoipa::ToSchema;

use crate::rules::Rules;

/// Every KPI of one row (totals, a breakdown group, a series bucket).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct KpiValues {
    pub impressions: Option<u64>,
    pub clicks: Option<u64>,
    pub engagements: Option<u64>,
    pub shares: Option<u64>,
    pub video_completes: Option<u64>,
    pub visits: Option<u64>,
    /// clicks ÷ impressions; `null` without impressions.
    pub ctr: Option<f64>,
    /// Distinct clients (an estimate, see `reach_rse`). Like every client
    /// count, randomly rounded for non-admins (the response's `rounded`).
    pub reach: Option<u64>,
    /// Relative standard error of `reach`.
    pub reach_rse: Option<f64>,
    pub spend_cents: Option<u64>,
    pub uptake_started: Option<u64>,
    pub uptake_submitted: Option<u64>,
    pub uptake_completed: Option<u64>,
    /// spend_cents ÷ uptake_completed (the published count for non-admins);
    /// `null` without a completed uptake, or hidden with the count.
    pub cost_per_uptake_cents: Option<f64>,
    pub program_uptake_completed: Option<u64>,
    /// Share of program_uptake_completed through `online` (from published
    /// counts for non-admins, hidden with them).
    pub program_online_share: Option<f64>,
    /// Some value of this row is hidden as a small cell.
    pub suppressed: bool,
    /// Which KPIs are hidden (absent when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suppressed_kpis: Vec<String>,
}

impl KpiValues {
    /// The row as shown (suppression already applied to `shown`).
    pub fn of(shown: &Shown, measures: &Measures) -> KpiValues {
        let v = |k: Kpi| shown.values.get(&k).copied().flatten();
        // Counts are exact integers in an f64 (well below 2^53).
        let n = |k: Kpi| v(k).map(|x| x.round().max(0.0) as u64);
        KpiValues {
            impressions: n(Kpi::Impressions),
            clicks: n(Kpi::Clicks),
            engagements: n(Kpi::Engagements),
            shares: n(Kpi::Shares),
            video_completes: n(Kpi::VideoCompletes),
            visits: n(Kpi::Visits),
            ctr: v(Kpi::Ctr),
            reach: n(Kpi::Reach),
            reach_rse: measures.reach.map(|r| r.rse),
            spend_cents: n(Kpi::SpendCents),
            uptake_started: n(Kpi::UptakeStarted),
            uptake_submitted: n(Kpi::UptakeSubmitted),
            uptake_completed: n(Kpi::UptakeCompleted),
            cost_per_uptake_cents: v(Kpi::CostPerUptakeCents),
            program_uptake_completed: n(Kpi::ProgramUptakeCompleted),
            program_online_share: v(Kpi::ProgramOnlineShare),
            suppressed: !shown.suppressed.is_empty(),
            suppressed_kpis: shown.suppressed.iter().map(|k| k.to_string()).collect(),
        }
    }
}

/// Every KPI's name in `lang`, by code.
pub fn kpi_labels(lang: Lang) -> BTreeMap<String, String> {
    Kpi::ALL
        .iter()
        .map(|k| (k.to_string(), kpi_label(*k, lang)))
        .collect()
}

pub fn kpi_label(kpi: Kpi, lang: Lang) -> String {
    label_or_code(LabelKind::Kpi, kpi.as_str(), lang).into_owned()
}

/// The label table of a dimension's values.
pub fn dimension_kind(d: Dimension) -> LabelKind {
    match d {
        Dimension::Segment => LabelKind::Segment,
        Dimension::Channel => LabelKind::Channel,
        Dimension::ServiceChannel => LabelKind::ServiceChannel,
        Dimension::Region => LabelKind::Region,
        Dimension::Language => LabelKind::Language,
    }
}

/// A campaign's name in `lang`.
pub fn campaign_name(c: &Campaign, lang: Lang) -> &str {
    match lang {
        Lang::En => &c.name_en,
        Lang::Fr => &c.name_fr,
    }
}

/// One target judged.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TargetResult {
    /// Position of the target in the campaign's target set (0 first).
    pub position: usize,
    #[schema(value_type = String, example = "uptake_completed")]
    pub kpi: Kpi,
    pub kpi_label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_channel: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Labels of the narrowing values, by field (absent when none).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub narrowing_labels: BTreeMap<String, String>,
    /// First day of the target's period (its own `from`, else the flight's).
    pub from: NaiveDate,
    /// Last day, inclusive.
    pub to: NaiveDate,
    pub target: f64,
    pub actual: Option<f64>,
    /// actual ÷ target (inverted for lower-is-better KPIs).
    pub attainment: Option<f64>,
    /// target × share of the period elapsed (the target for a ratio KPI).
    pub expected_to_date: f64,
    /// actual ÷ expected_to_date (inverted for lower-is-better KPIs).
    pub pace: Option<f64>,
    /// The value at the period's end at the current rate.
    pub projected: Option<f64>,
    #[schema(value_type = String, example = "on_track")]
    pub status: Status,
    pub status_label: String,
    /// The actual is a small cell (or a ratio of one), hidden with what
    /// would reveal it; the status is then judged as without an actual.
    pub suppressed: bool,
}

/// What a caller is shown of client counts, and how targets are judged.
#[derive(Debug, Clone, Copy)]
pub struct Audience {
    /// `None`: exact values (admins); else the published ones.
    pub disclosure: Option<Disclosure>,
    pub thresholds: Thresholds,
}

impl Audience {
    pub fn of(rules: &Rules, admin: bool) -> Audience {
        Audience {
            disclosure: (!admin).then_some(rules.disclosure),
            thresholds: rules.thresholds,
        }
    }

    /// The rounding base of the client counts shown, when they are rounded
    /// (the responses' `rounded` field).
    pub fn rounded(&self) -> Option<u64> {
        self.disclosure.map(|d| d.base()).filter(|b| *b > 1)
    }

    /// One breakdown of `campaign`'s rows as shown.
    pub fn publish(&self, campaign: &str, rows: &[Row<'_>]) -> Vec<Shown> {
        publish(campaign, rows, self.disclosure.as_ref())
    }
}

/// The narrowing of a target as a breakdown key.
fn narrowing(t: &Target) -> Vec<(&'static str, &str)> {
    Dimension::ALL
        .iter()
        .filter_map(|d| t.narrowing(*d).map(|v| (d.as_str(), v)))
        .collect()
}

/// The campaign's judged targets as shown to a caller, judged on `today`.
pub fn target_results(
    campaign: &Campaign,
    judged: &[Judged],
    audience: Audience,
    today: NaiveDate,
    lang: Lang,
) -> Vec<TargetResult> {
    let flight = DateRange {
        from: campaign.start_date,
        to: campaign.end_date,
    };
    judged
        .iter()
        .enumerate()
        .map(|(position, j)| {
            let t = &j.target;
            let period = t.period(flight);
            let (e, hide) = match audience.disclosure {
                None => (j.evaluation, false),
                Some(_) => {
                    let row = Row {
                        breakdown: narrowing(t),
                        measures: &j.sums,
                        days: Some(&j.days),
                    };
                    let shown = audience.publish(&campaign.id, &[row]).remove(0);
                    let actual = shown.values.get(&t.kpi).copied().flatten();
                    let hide = shown.suppressed.contains(&t.kpi);
                    let e = evaluate(t, actual, period, today, audience.thresholds);
                    (e, hide)
                }
            };
            TargetResult {
                position,
                kpi: t.kpi,
                kpi_label: kpi_label(t.kpi, lang),
                segment: t.segment.clone(),
                channel: t.channel.clone(),
                service_channel: t.service_channel.clone(),
                region: t.region.clone(),
                language: t.language.clone(),
                narrowing_labels: Dimension::ALL
                    .iter()
                    .filter_map(|d| {
                        t.narrowing(*d).map(|v| {
                            (
                                d.as_str().to_owned(),
                                label_or_code(dimension_kind(*d), v, lang).into_owned(),
                            )
                        })
                    })
                    .collect(),
                from: period.from,
                to: period.to,
                target: t.target,
                actual: e.actual,
                attainment: e.attainment,
                expected_to_date: e.expected_to_date,
                pace: e.pace,
                projected: e.projected,
                status: e.status,
                status_label: e.status.label(lang).to_owned(),
                suppressed: hide,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn campaign() -> Campaign {
        Campaign {
            id: "c".into(),
            name_en: "Apply for OAS online".into(),
            name_fr: "Demandez la SV en ligne".into(),
            program: "oas".into(),
            start_date: NaiveDate::from_ymd_opt(2026, 10, 1).expect("date"),
            end_date: NaiveDate::from_ymd_opt(2027, 3, 31).expect("date"),
            budget_cents: 1,
            flight_plan: String::new(),
            owner: "esdc".into(),
        }
    }

    fn judged(t: Target, sums: Measures, today: NaiveDate, flight: DateRange) -> Judged {
        let e = evaluate(
            &t,
            sums.value(t.kpi),
            t.period(flight),
            today,
            Thresholds::default(),
        );
        Judged {
            target: t,
            sums,
            // All on the first day.
            days: vec![(flight.from, sums)],
            evaluation: e,
        }
    }

    #[test]
    fn targets_are_judged_from_published_sums_except_for_admins() {
        let c = campaign();
        let today = NaiveDate::from_ymd_opt(2026, 11, 1).expect("date");
        let flight = DateRange {
            from: c.start_date,
            to: c.end_date,
        };
        let mut quebec = Target::new(Kpi::UptakeCompleted, 300.0);
        quebec.region = Some("QC".into());
        let mut cost = Target::new(Kpi::CostPerUptakeCents, 50_000.0);
        cost.region = Some("QC".into());
        let small = Measures {
            uptake_completed: 4,
            spend_cents: 200_000,
            ..Measures::default()
        };
        let big = Measures {
            uptake_completed: 43,
            ..small
        };
        let clicks = Measures {
            clicks: 4,
            ..Measures::default()
        };
        let all = [
            judged(quebec.clone(), small, today, flight),
            judged(cost.clone(), small, today, flight),
            judged(Target::new(Kpi::Clicks, 300.0), clicks, today, flight),
            judged(quebec, big, today, flight),
            judged(cost, big, today, flight),
        ];
        let rules = Rules {
            tz: chrono_tz::America::Toronto,
            thresholds: Thresholds::default(),
            disclosure: Disclosure::new(10, 5, b"test"),
        };
        let manager = Audience::of(&rules, false);
        assert_eq!(manager.rounded(), Some(5));
        let shown = target_results(&c, &all, manager, today, Lang::Fr);
        for hidden in &shown[..2] {
            assert!(hidden.suppressed, "{hidden:?}");
            assert_eq!(
                (
                    hidden.actual,
                    hidden.attainment,
                    hidden.pace,
                    hidden.projected
                ),
                (None, None, None, None),
                "spend ÷ cost per uptake would give the 4 back"
            );
            assert_eq!(hidden.status_label, "Hors trajectoire");
        }
        assert_eq!(shown[0].kpi_label, "Demandes complétées");
        assert_eq!(shown[0].narrowing_labels["region"], "Québec");
        assert_eq!(shown[2].actual, Some(4.0), "clicks are not client counts");
        let count = shown[3].actual.expect("shown");
        assert!(count == 40.0 || count == 45.0, "{count}");
        assert_eq!(shown[3].attainment, Some(count / 300.0));
        assert_eq!(
            shown[4].actual,
            Some(200_000.0 / count),
            "the ratio of the published count"
        );
        let admin = target_results(&c, &all, Audience::of(&rules, true), today, Lang::En);
        assert_eq!(admin[0].actual, Some(4.0));
        assert!(!admin[0].suppressed);
        assert_eq!(admin[1].actual, Some(50_000.0));
        assert_eq!(admin[3].actual, Some(43.0));
        assert_eq!(admin[0].status_label, "Off track");
    }
}
