//! The ADM's portfolio (contract/API.md, "Portfolio"): every target of
//! every campaign the caller may read whose flight overlaps the fiscal
//! year (owned by one organisation when asked, v1.1), judged today, riskiest first, as JSON or RFC 4180 CSV with a
//! header row in the chosen language.
//!
//! Riskiest first: by status (`Status::risk_rank`: off track, not met, at
//! risk, on track, not started, met), then lowest pace (none first: nothing
//! shows progress), then lowest attainment, then campaign and position.
//! Campaigns are judged a few at a time, concurrently.
//!
//! Beside the targets: each campaign's budget pacing and, for a campaign
//! with a registered geographic experiment, its newest experiment's
//! incremental result as the experiment route shows it. Which campaigns
//! have experiments is one read of the (small) `experiments` table; a
//! result is computed only for those, from ledger reads kept like the
//! judged targets (up to `PORTFOLIO_STALE` old).

use std::cmp::Ordering;
use std::collections::BTreeSet;

use chrono::NaiveDate;
use cmp_kpi::{DateRange, FiscalYear, LabelKind, Lang, label, label_or_code};
use futures_util::{StreamExt, TryStreamExt, stream};
use serde::Serialize;
use utoipa::ToSchema;

use super::experiment_result::Bounds;
use super::kpis::{Audience, TargetResult, campaign_name, target_results};
use super::{campaign, experiments, pacing, targets};
use crate::caller::Caller;
use crate::csv::Csv;
use crate::error::ApiError;
use crate::memo::{JudgedKey, PORTFOLIO_STALE};
use crate::sources::Sources;

/// Campaigns judged at once.
const CONCURRENCY: usize = 4;

/// One target of the portfolio.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PortfolioRow {
    /// The campaign id.
    pub campaign: String,
    pub campaign_name: String,
    #[serde(flatten)]
    pub target: TargetResult,
}

/// The portfolio response.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PortfolioView {
    #[schema(example = "2026-27")]
    pub fiscal_year: String,
    /// The day the targets were judged on (reporting time zone).
    pub judged_on: NaiveDate,
    /// Client-count actuals (and what is computed from them) are randomly
    /// rounded to a multiple of this (absent: exact).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = 5)]
    pub rounded: Option<u64>,
    pub rows: Vec<PortfolioRow>,
    /// Each campaign's budget pacing, by campaign id.
    pub pacing: Vec<CampaignPacing>,
    /// The incremental result of each campaign with a registered
    /// geographic experiment (its newest), by campaign id; campaigns
    /// without one are absent.
    pub incremental: Vec<CampaignIncrement>,
}

/// A campaign's incremental result in the portfolio: its newest
/// experiment (the one whose test starts last) with the figures of
/// `GET .../experiments/{experiment_id}`'s `result`, counts published the
/// same way.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CampaignIncrement {
    pub campaign: String,
    pub campaign_name: String,
    pub experiment_id: String,
    /// The experiment's KPI and its label.
    #[schema(example = "program_uptake_completed")]
    pub kpi: String,
    pub kpi_label: String,
    /// The test period (inclusive).
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Treated minus counterfactual over the observed test, in the KPI's
    /// unit (`null`: no result yet, or hidden as built on a small count).
    pub estimate: Option<f64>,
    pub relative_lift: Option<f64>,
    /// The 90 % interval of `estimate`.
    pub interval: Option<Bounds>,
    /// The same interval as a relative lift.
    pub relative_interval: Option<Bounds>,
    /// `too_early`, `effect`, `no_effect`, `inconclusive`,
    /// `pre_trend_failed`; `null` when there is no result yet.
    #[schema(example = "effect")]
    pub status: Option<String>,
    pub status_label: Option<String>,
    /// Why there is no result (as the experiment route says it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
    /// Some figure is hidden as built on a small count.
    pub suppressed: bool,
}

impl CampaignIncrement {
    fn of(name: &str, e: experiments::ExperimentView) -> Self {
        let r = e.result.as_ref();
        CampaignIncrement {
            campaign: e.campaign,
            campaign_name: name.to_owned(),
            experiment_id: e.experiment_id,
            kpi: e.definition.kpi.as_str().to_owned(),
            kpi_label: e.kpi_label,
            from: e.definition.from,
            to: e.definition.to,
            estimate: r.and_then(|r| r.estimate),
            relative_lift: r.and_then(|r| r.relative_lift),
            interval: r.and_then(|r| r.interval),
            relative_interval: r.and_then(|r| r.relative_interval),
            status: r.map(|r| r.status.clone()),
            status_label: r.map(|r| r.status_label.clone()),
            suppressed: r.is_some_and(|r| r.suppressed),
            explanation: e.explanation,
        }
    }
}

/// One campaign's budget pacing in the portfolio (the pacing route's
/// figures without the series).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CampaignPacing {
    pub campaign: String,
    pub campaign_name: String,
    pub budget_cents: u64,
    pub spent_cents: u64,
    pub planned_to_date_cents: u64,
    pub pacing_index: Option<f64>,
    pub projected_cents: u64,
    pub fiscal_year_end_cents: u64,
    pub lapse_cents: u64,
    #[schema(example = "on_pace")]
    pub status: &'static str,
    pub status_label: String,
}

/// The portfolio of `fy` as the caller may see it.
pub async fn portfolio(
    sources: &Sources,
    caller: &Caller,
    fy: FiscalYear,
    organisation: Option<&str>,
    lang: Lang,
) -> Result<PortfolioView, ApiError> {
    let store = &sources.store;
    let rules = sources.rules;
    let today = rules.today();
    let year = fy.range();
    let campaigns: Vec<_> = campaign::list(sources, caller)
        .await?
        .into_iter()
        .filter(|c| {
            DateRange {
                from: c.start_date,
                to: c.end_date,
            }
            .overlaps(&year)
                && organisation.is_none_or(|o| c.owner == o)
        })
        .collect();
    let audience = Audience::of(&rules, caller.is_admin());
    let experimented: BTreeSet<String> = if campaigns.is_empty() {
        BTreeSet::new()
    } else {
        cmp_store::experiment_campaigns(store)
            .await?
            .into_iter()
            .collect()
    };
    let experimented = &experimented;
    type Judged = (Vec<PortfolioRow>, CampaignPacing, Option<CampaignIncrement>);
    let judged: Vec<Judged> = stream::iter(campaigns)
        .map(|c| async move {
            let key = JudgedKey {
                campaign: c.clone(),
                today,
            };
            let judged = sources
                .memo
                .judged(
                    key,
                    PORTFOLIO_STALE,
                    targets::judge(store, rules, &c, today),
                )
                .await?;
            let (p, _, _) = pacing::judge(sources, &c, today).await?;
            let name = campaign_name(&c, lang).to_owned();
            let incremental = if experimented.contains(&c.id) {
                experiments::newest(sources, caller, &c, PORTFOLIO_STALE, lang)
                    .await?
                    .map(|e| CampaignIncrement::of(&name, e))
            } else {
                None
            };
            let rows = target_results(&c, &judged, audience, today, lang)
                .into_iter()
                .map(|target| PortfolioRow {
                    campaign: c.id.clone(),
                    campaign_name: name.clone(),
                    target,
                })
                .collect();
            let pacing = CampaignPacing {
                campaign: c.id.clone(),
                campaign_name: name,
                budget_cents: p.budget_cents,
                spent_cents: p.spent_cents,
                planned_to_date_cents: p.planned_to_date_cents,
                pacing_index: p.pacing_index,
                projected_cents: p.projected_cents,
                fiscal_year_end_cents: p.fiscal_year_end_cents,
                lapse_cents: p.lapse_cents,
                status: p.status,
                status_label: label_or_code(LabelKind::Decision, p.status, lang).into_owned(),
            };
            Ok::<_, ApiError>((rows, pacing, incremental))
        })
        .buffer_unordered(CONCURRENCY)
        .try_collect()
        .await?;
    let (mut rows, mut pacing, mut incremental) = (Vec::new(), Vec::new(), Vec::new());
    for (r, p, i) in judged {
        rows.extend(r);
        pacing.push(p);
        incremental.extend(i);
    }
    rows.sort_by(riskiest_first);
    pacing.sort_by(|a, b| a.campaign.cmp(&b.campaign));
    incremental.sort_by(|a: &CampaignIncrement, b| a.campaign.cmp(&b.campaign));
    Ok(PortfolioView {
        fiscal_year: fy.to_string(),
        judged_on: today,
        rounded: audience.rounded(),
        rows,
        pacing,
        incremental,
    })
}

fn riskiest_first(a: &PortfolioRow, b: &PortfolioRow) -> Ordering {
    let (x, y) = (&a.target, &b.target);
    // `None` (no measure of progress) before any number.
    let low = |p: Option<f64>, q: Option<f64>| match (p, q) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(p), Some(q)) => p.total_cmp(&q),
    };
    x.status
        .risk_rank()
        .cmp(&y.status.risk_rank())
        .then_with(|| low(x.pace, y.pace))
        .then_with(|| low(x.attainment, y.attainment))
        .then_with(|| a.campaign.cmp(&b.campaign))
        .then_with(|| x.position.cmp(&y.position))
}

/// Column headers not in LABELS.md, in both languages.
const MORE_WORDS: &[(&str, &str, &str)] = &[
    ("campaign_id", "Campaign ID", "Identifiant de la campagne"),
    ("kpi", "KPI", "Indicateur"),
    ("channel", "Outreach channel", "Canal de sensibilisation"),
    ("service_channel", "Service channel", "Mode de prestation"),
    ("region", "Region", "Région"),
    ("language", "Language", "Langue"),
    ("from", "From", "Du"),
    ("to", "To", "Au"),
];

fn word(code: &str, lang: Lang) -> String {
    label(LabelKind::Word, code, lang)
        .or_else(|| {
            MORE_WORDS
                .iter()
                .find(|(c, _, _)| *c == code)
                .map(|&(_, en, fr)| match lang {
                    Lang::En => en,
                    Lang::Fr => fr,
                })
        })
        .unwrap_or(code)
        .to_owned()
}

/// The CSV columns, by code.
const COLUMNS: [&str; 18] = [
    "fiscal_year",
    "campaign_id",
    "campaign",
    "kpi",
    "segment",
    "channel",
    "service_channel",
    "region",
    "language",
    "from",
    "to",
    "target",
    "actual",
    "attainment",
    "expected_to_date",
    "pace",
    "projected",
    "status",
];

/// The portfolio as RFC 4180 CSV: a header row of labels in `lang`, then
/// one record per row. Codes are shown as their labels; numbers in plain
/// decimal notation (`.` separator); a suppressed actual reads
/// "Suppressed (small number)" and the values it would reveal are empty.
pub fn to_csv(view: &PortfolioView, lang: Lang) -> String {
    let mut csv = Csv::new();
    csv.row(COLUMNS.iter().map(|c| word(c, lang)));
    let num = |v: Option<f64>| v.map_or(String::new(), |x| x.to_string());
    for r in &view.rows {
        let t = &r.target;
        let narrowing = |field: &str, v: &Option<String>| {
            t.narrowing_labels
                .get(field)
                .cloned()
                .or_else(|| v.clone())
                .unwrap_or_default()
        };
        let actual = if t.suppressed {
            word("suppressed", lang)
        } else {
            num(t.actual)
        };
        csv.row([
            view.fiscal_year.clone(),
            r.campaign.clone(),
            r.campaign_name.clone(),
            t.kpi_label.clone(),
            narrowing("segment", &t.segment),
            narrowing("channel", &t.channel),
            narrowing("service_channel", &t.service_channel),
            narrowing("region", &t.region),
            narrowing("language", &t.language),
            t.from.to_string(),
            t.to.to_string(),
            t.target.to_string(),
            actual,
            num(t.attainment),
            t.expected_to_date.to_string(),
            num(t.pace),
            num(t.projected),
            t.status_label.clone(),
        ]);
    }
    csv.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Rules;
    use cmp_kpi::{Disclosure, Kpi, Measures, Status, Target, Thresholds};
    use cmp_report::Judged;
    use cmp_store::Campaign;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn rows(name: &str, judged: &[(Kpi, f64, Option<f64>)], lang: Lang) -> Vec<PortfolioRow> {
        let c = Campaign {
            id: "c-1".into(),
            name_en: name.into(),
            name_fr: format!("{name} (fr)"),
            program: "oas".into(),
            start_date: d("2026-10-01"),
            end_date: d("2027-03-31"),
            budget_cents: 1,
            flight_plan: String::new(),
            owner: "esdc".into(),
        };
        let flight = DateRange {
            from: c.start_date,
            to: c.end_date,
        };
        let judged: Vec<Judged> = judged
            .iter()
            .map(|(kpi, goal, actual)| {
                let mut t = Target::new(*kpi, *goal);
                t.region = Some("QC".into());
                let n = actual.map_or(0, |a| a as u64);
                let sums = match kpi {
                    Kpi::Clicks => Measures {
                        clicks: n,
                        ..Measures::default()
                    },
                    Kpi::Visits => Measures {
                        visits: n,
                        ..Measures::default()
                    },
                    Kpi::UptakeCompleted => Measures {
                        uptake_completed: n,
                        ..Measures::default()
                    },
                    _ => Measures::default(),
                };
                let evaluation = cmp_kpi::evaluate(
                    &t,
                    sums.value(*kpi),
                    t.period(flight),
                    d("2026-11-01"),
                    Thresholds::default(),
                );
                Judged {
                    target: t,
                    sums,
                    // All on the first day.
                    days: vec![(flight.from, sums)],
                    evaluation,
                }
            })
            .collect();
        let rules = Rules {
            tz: chrono_tz::America::Toronto,
            thresholds: Thresholds::default(),
            disclosure: Disclosure::new(10, 5, b"test"),
        };
        let manager = Audience::of(&rules, false);
        target_results(&c, &judged, manager, d("2026-11-01"), lang)
            .into_iter()
            .map(|target| PortfolioRow {
                campaign: c.id.clone(),
                campaign_name: campaign_name(&c, lang).to_owned(),
                target,
            })
            .collect()
    }

    #[test]
    fn riskiest_come_first() {
        let mut r = rows(
            "C",
            &[
                (Kpi::Clicks, 100.0, Some(100.0)),
                (Kpi::Clicks, 1000.0, Some(1.0)),
                (Kpi::Ctr, 0.5, None),
                (Kpi::Visits, 1000.0, Some(150.0)),
            ],
            Lang::En,
        );
        r.sort_by(riskiest_first);
        let order: Vec<(usize, Status)> = r
            .iter()
            .map(|r| (r.target.position, r.target.status))
            .collect();
        assert_eq!(
            order,
            vec![
                (2, Status::OffTrack),
                (1, Status::OffTrack),
                (3, Status::AtRisk),
                (0, Status::OnTrack)
            ]
        );
    }

    #[test]
    fn csv_escapes_names_and_speaks_french() {
        let name = "Demandez, \"vite\"\nla SV — Île";
        let view = PortfolioView {
            fiscal_year: "2026-27".into(),
            judged_on: d("2026-11-01"),
            rounded: Some(5),
            rows: rows(
                name,
                &[
                    (Kpi::UptakeCompleted, 1000.0, Some(4.0)),
                    (Kpi::Clicks, 2000.0, Some(61.0)),
                ],
                Lang::Fr,
            ),
            pacing: Vec::new(),
            incremental: Vec::new(),
        };
        let text = to_csv(&view, Lang::Fr);
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "\u{feff}Exercice financier,Identifiant de la campagne,Campagne,Indicateur,Segment,Canal de sensibilisation,Mode de prestation,Région,Langue,Du,Au,Cible,Résultat,Taux d'atteinte,Attendu à ce jour,Rythme,Projection à la fin,État"
        );
        let quoted = "\"Demandez, \"\"vite\"\"\nla SV — Île (fr)\"";
        assert!(text.contains(&format!("2026-27,c-1,{quoted},Demandes complétées,,,,Québec,,2026-10-01,2027-03-31,1000,Donnée supprimée (petit nombre),,")), "{text}");
        assert!(
            text.contains(&format!(
                "2026-27,c-1,{quoted},Clics,,,,Québec,,2026-10-01,2027-03-31,2000,61,0.0305,"
            )),
            "{text}"
        );
        assert!(text.ends_with("Hors trajectoire\r\n"), "{text}");
        let en = to_csv(&view, Lang::En);
        assert!(
            en.starts_with("\u{feff}Fiscal year,Campaign ID,Campaign,KPI,"),
            "{en}"
        );
    }
}
