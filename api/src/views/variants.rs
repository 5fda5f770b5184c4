//! `GET /api/v1/campaigns/{campaign_id}/variants` (contract/API.md v1.1,
//! "Message tests"): per variant of the campaign's engagement events in the
//! range, `exposed` (distinct clients) and `clicks` from the message test's
//! rollup (`variant_hourly`: the hours' exact client sets merged), `ctr`,
//! `completed`
//! (completed uptake in the range credited last-touch, as attribution
//! credits it, to exposures of the variant: the aggregator's kept rows,
//! `kept.rs`),
//! `conversion`; against control the relative lift with its always-valid
//! 95 % confidence sequence, the sample-ratio check and a decision, all
//! from `cmp_measure::message_test` (docs/attribution.md, "Message tests"
//! says which sequence and its tuning). Strata are the exposures'
//! languages (`en`, `fr`, and `und` when some exposures had none), each
//! evaluated on its own counts; `combined` sums them (a client seen in two
//! languages counts in each).
//!
//! Readers are the campaign's. A non-admin sees `exposed` published
//! (`cmp_kpi::Disclosure`: distinct clients do not add up over days, so the
//! range's count is rounded) and `completed` as a sum of daily atoms, and
//! every figure of a stratum is
//! computed from the published counts; a stratum with a hidden count shows
//! no lift, interval or split check (they would give it back) and decides
//! `keep_running`. `metric` is `conversion` (the only one: clicks are
//! events, not clients, so CTR has no binomial test).

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use cmp_kpi::{Cell, CellKey, Disclosure, LabelKind, Lang, label_or_code};
use cmp_measure::{
    Decision, MessageTestParams, Stratum, StratumResult, VariantCounts, message_test,
};
use cmp_store::CreditQuery;
use serde::Serialize;
use utoipa::ToSchema;

use super::campaign;
use super::kept::{Days, Kept, add, total};
use super::kpis::Audience;
use super::performance::{PerformanceRequest, range};
use super::split;
use crate::caller::Caller;
use crate::error::ApiError;
use crate::sources::Sources;

/// What the caller asked for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VariantsRequest {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub control: Option<String>,
}

/// An interval of the relative lift.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub struct LiftInterval {
    pub low: f64,
    pub high: f64,
}

/// The sample-ratio-mismatch check of a stratum.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub struct SplitCheck {
    /// Pearson's χ² of the exposed counts against the planned split
    /// (`planned_split`, equal by default).
    pub statistic: f64,
    pub degrees_of_freedom: usize,
    pub p_value: f64,
    /// `p_value` < 0.001.
    pub flagged: bool,
}

/// One variant in one stratum.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct VariantView {
    pub variant: String,
    /// Distinct clients with an engagement event of the variant.
    pub exposed: Option<f64>,
    pub clicks: u64,
    /// clicks ÷ exposed.
    pub ctr: Option<f64>,
    /// Completed uptake credited last-touch to the variant's exposures.
    pub completed: Option<f64>,
    /// completed ÷ exposed.
    pub conversion: Option<f64>,
    /// Relative lift of `conversion` over control's (`null` for control).
    pub lift: Option<f64>,
    /// Always-valid 95 % interval of the lift (a confidence sequence).
    pub lift_interval: Option<LiftInterval>,
    pub decision: Option<String>,
    pub decision_label: Option<String>,
    /// Which of `exposed`, `completed` are hidden (small cells).
    pub suppressed_fields: Vec<String>,
}

/// One language, or all of them (`combined`).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct StratumView {
    #[schema(example = "fr")]
    pub name: String,
    pub name_label: String,
    pub variants: Vec<VariantView>,
    /// `null` when a count it rests on is hidden.
    pub sample_ratio: Option<SplitCheck>,
    #[schema(example = "keep_running")]
    pub decision: String,
    pub decision_label: String,
    /// The better variant of largest lift when `decision` is `variant_better`.
    pub leader: Option<String>,
}

/// The message-test response.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct VariantsView {
    pub campaign: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    #[schema(example = "conversion")]
    pub metric: String,
    /// The control variant (`null`: the campaign has no variant in the range).
    pub control: Option<String>,
    /// Per language (`en`, `fr`, and `und` when present).
    pub strata: Vec<StratumView>,
    pub combined: Option<StratumView>,
    /// The planned shares the split check tests against: the campaign's
    /// `variant_split` when it names every variant, else `null` (equal).
    pub planned_split: Option<BTreeMap<String, f64>>,
    /// The combined decision (`keep_running` without data).
    pub decision: String,
    pub decision_label: String,
    /// The confidence sequence: method, level and the exposed count it is
    /// tightest at.
    pub sequence: SequenceInfo,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = 5)]
    pub rounded: Option<u64>,
}

/// How the intervals are computed.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SequenceInfo {
    #[schema(example = "asymptotic_confidence_sequence_log_ratio")]
    pub method: String,
    pub level: f64,
    pub planned_exposed: u64,
    pub srm_alpha: f64,
}

/// Exact counts of one variant in one language.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counts {
    pub exposed: u64,
    pub clicks: u64,
    /// Last-touch credit per local day (fractional only with tied exposures).
    pub completed: Days,
}

/// Exact counts by (language, variant).
pub type Table = BTreeMap<(String, String), Counts>;

/// The exact counts of a campaign's variants: exposure from `rows`,
/// completions from its kept last-touch credit by variant and language.
pub fn counts(rows: &[cmp_store::VariantExposure], kept: &Kept) -> Table {
    let mut t = Table::new();
    for r in rows {
        let c = t
            .entry((r.language.clone(), r.variant.clone()))
            .or_default();
        c.exposed += r.exposed;
        c.clicks += r.clicks;
    }
    for (cell, days) in kept.cells("last_touch", "variant") {
        if cell.stage != "completed" || cell.by_value.is_empty() {
            continue;
        }
        let key = (cell.by_language.clone(), cell.by_value.clone());
        add(&mut t.entry(key).or_default().completed, days);
    }
    t
}

/// The campaign's message test as the caller may see it.
pub async fn variants(
    sources: &Sources,
    caller: &Caller,
    id: &str,
    req: &VariantsRequest,
    lang: Lang,
) -> Result<VariantsView, ApiError> {
    let c = campaign::find(sources, caller, id).await?;
    let rules = sources.rules;
    let dates = range(
        &c,
        &PerformanceRequest {
            from: req.from,
            to: req.to,
            ..PerformanceRequest::default()
        },
        rules.today(),
    )?;
    let bounds = dates.utc_bounds(rules.tz);
    let rows = cmp_store::variant_exposure(&sources.store, id, bounds).await?;
    let query = CreditQuery {
        program: &c.program,
        campaign: id,
        measures: &["last_touch"],
        by_kinds: &["variant"],
        bounds,
    };
    let kept = Kept::read(&sources.store, &query, rules.tz).await?;
    let table = counts(&rows, &kept);
    let audience = Audience::of(&rules, caller.is_admin());
    let params = MessageTestParams::default();
    let names: BTreeSet<&str> = table.keys().map(|(_, v)| v.as_str()).collect();
    let control = match (&req.control, names.is_empty()) {
        (Some(c), _) if !names.contains(c.as_str()) => {
            return Err(ApiError::bad(
                "control",
                format!("`{c}` is not a variant of the campaign in this range"),
            ));
        }
        (Some(c), _) => Some(c.clone()),
        (None, true) => None,
        (None, false) if names.contains("control") => Some("control".to_owned()),
        (None, false) => names.first().map(|n| (*n).to_owned()),
    };
    let mut languages: BTreeSet<&str> = ["en", "fr"].into();
    languages.extend(table.keys().map(|(l, _)| l.as_str()));
    let (mut strata, mut combined) = (Vec::new(), None);
    let planned = cmp_store::measurement_settings(&sources.store, &[id.to_owned()])
        .await?
        .into_iter()
        .next()
        .and_then(|s| split::stored(&s.variant_split))
        .filter(|s| names.iter().all(|n| s.iter().any(|(v, _)| v == n)));
    if let Some(control) = &control {
        let test = Test {
            campaign: id,
            control,
            split: planned.as_deref(),
            disclosure: audience.disclosure.as_ref(),
            params,
            lang,
        };
        let mut sum: BTreeMap<&str, Counts> =
            names.iter().map(|n| (*n, Counts::default())).collect();
        for l in &languages {
            let cells: Vec<(&str, Counts)> = names
                .iter()
                .map(|n| {
                    let c = table
                        .get(&((*l).to_owned(), (*n).to_owned()))
                        .cloned()
                        .unwrap_or_default();
                    let s = sum.entry(n).or_default();
                    s.exposed += c.exposed;
                    s.clicks += c.clicks;
                    add(&mut s.completed, &c.completed);
                    (*n, c)
                })
                .collect();
            let name = label_or_code(LabelKind::Language, l, lang).into_owned();
            let (view, _) = test.stratum(l, name, Some(l), &cells)?;
            strata.push(view);
        }
        let cells: Vec<(&str, Counts)> = sum.into_iter().collect();
        let name = label_or_code(LabelKind::Ui, "all_languages", lang).into_owned();
        combined = Some(test.stratum("combined", name, None, &cells)?);
    }
    let decision = combined
        .as_ref()
        .map_or(Decision::KeepRunning, |(_, d)| *d)
        .code();
    Ok(VariantsView {
        campaign: id.to_owned(),
        from: dates.from,
        to: dates.to,
        metric: "conversion".to_owned(),
        control,
        strata,
        combined: combined.map(|(view, _)| view),
        planned_split: planned.map(|s| s.into_iter().collect()),
        decision: decision.to_owned(),
        decision_label: label_or_code(LabelKind::Decision, decision, lang).into_owned(),
        sequence: SequenceInfo {
            method: "asymptotic_confidence_sequence_log_ratio".to_owned(),
            level: 1.0 - params.alpha,
            planned_exposed: params.planned_exposed,
            srm_alpha: params.srm_alpha,
        },
        rounded: audience.rounded(),
    })
}

/// What every stratum of one request is tested with.
struct Test<'a> {
    campaign: &'a str,
    control: &'a str,
    /// The campaign's planned split when it names every variant.
    split: Option<&'a [(String, f64)]>,
    disclosure: Option<&'a Disclosure>,
    params: MessageTestParams,
    lang: Lang,
}

impl Test<'_> {
    /// One stratum as shown: counts published for a non-admin, then tested.
    fn stratum(
        &self,
        name: &str,
        name_label: String,
        language: Option<&str>,
        cells: &[(&str, Counts)],
    ) -> Result<(StratumView, Decision), ApiError> {
        let Test {
            campaign,
            control,
            split,
            disclosure,
            params,
            lang,
        } = *self;
        let exact = |f: fn(&Counts) -> f64| -> Vec<Cell> {
            cells
                .iter()
                .map(|(_, c)| Cell::new(Some(f(c).round())))
                .collect()
        };
        let mut exposed = exact(|c| c.exposed as f64);
        let mut completed = exact(|c| total(&c.completed));
        if let Some(d) = disclosure {
            let breakdowns: Vec<Vec<(&str, &str)>> = cells
                .iter()
                .map(|(v, _)| {
                    let mut b = vec![("variant", *v)];
                    b.extend(language.map(|l| ("language", l)));
                    b
                })
                .collect();
            let keys = |kpi| -> Vec<CellKey<'_>> {
                breakdowns
                    .iter()
                    .map(|b| CellKey {
                        campaign,
                        kpi,
                        breakdown: b,
                    })
                    .collect()
            };
            d.publish(&mut exposed, &keys("exposed"));
            let days: Vec<Vec<(NaiveDate, f64)>> = cells
                .iter()
                .map(|(_, c)| c.completed.iter().map(|(d, v)| (*d, *v)).collect())
                .collect();
            d.publish_days(&mut completed, &keys("variant_completed"), &days);
        }
        let hidden = exposed.iter().chain(&completed).any(|c| c.suppressed);
        let counts: Vec<VariantCounts> = cells
            .iter()
            .zip(exposed.iter().zip(&completed))
            .map(|((v, c), (e, k))| VariantCounts {
                variant: (*v).to_owned(),
                exposed: e.value.unwrap_or(0.0) as u64,
                clicks: c.clicks,
                completed: k.value.unwrap_or(0.0) as u64,
            })
            .collect();
        let test = message_test(
            &[Stratum {
                name: name.to_owned(),
                variants: counts,
            }],
            Some(control),
            split,
            &params,
        )
        .map_err(|e| ApiError::bad("control", e.to_string()))?;
        let result: StratumResult = test.combined;
        let variants = result
            .variants
            .iter()
            .zip(exposed.iter().zip(&completed))
            .map(|(r, (e, k))| {
                let mut suppressed_fields = Vec::new();
                if e.suppressed {
                    suppressed_fields.push("exposed".to_owned());
                }
                if k.suppressed {
                    suppressed_fields.push("completed".to_owned());
                }
                let shown = |x: Option<f64>| if hidden { None } else { x };
                let decision = if hidden {
                    r.decision.map(|_| Decision::KeepRunning)
                } else {
                    r.decision
                };
                VariantView {
                    variant: r.counts.variant.clone(),
                    exposed: e.value,
                    clicks: r.counts.clicks,
                    ctr: if e.suppressed { None } else { r.ctr },
                    completed: k.value,
                    conversion: if e.suppressed || k.suppressed {
                        None
                    } else {
                        r.conversion
                    },
                    lift: shown(r.lift),
                    lift_interval: shown(r.interval.map(|i| i.low))
                        .zip(shown(r.interval.map(|i| i.high)))
                        .map(|(low, high)| LiftInterval { low, high }),
                    decision: decision.map(|d| d.code().to_owned()),
                    decision_label: decision
                        .map(|d| label_or_code(LabelKind::Decision, d.code(), lang).into_owned()),
                    suppressed_fields,
                }
            })
            .collect();
        let decision = if hidden {
            Decision::KeepRunning
        } else {
            result.decision
        };
        let view = StratumView {
            name: name.to_owned(),
            name_label,
            variants,
            sample_ratio: (!hidden).then_some(SplitCheck {
                statistic: result.sample_ratio.statistic,
                degrees_of_freedom: result.sample_ratio.degrees_of_freedom,
                p_value: result.sample_ratio.p_value,
                flagged: result.sample_ratio.flagged,
            }),
            decision: decision.code().to_owned(),
            decision_label: label_or_code(LabelKind::Decision, decision.code(), lang).into_owned(),
            leader: if hidden { None } else { result.leader },
        };
        Ok((view, decision))
    }
}
