//! Channel shift and the cost of service of one program (contract/API.md
//! v1.1): per service channel, the period's started, submitted and
//! completed uptake, completion rate, share of completed, unit cost and
//! total cost; overall, digital take-up and cost per transaction; the same
//! for the baseline period; and the savings of the period's mix against
//! the baseline's. The rules are `cmp_kpi::shift`'s; this module reads the
//! counts (`cmp_report::program_uptake`) and the unit costs, publishes the
//! counts for non-admins (`program_counts.rs`) and labels what it shows.
//!
//! Decisions where the contract is silent:
//! - The channels listed are those with any uptake of the program in the
//!   period or the baseline, and those with a unit cost in the fiscal
//!   year used, in LABELS.md's order; a channel with neither is absent
//!   (it has nothing to cost). Each listed channel without a unit cost is
//!   in `missing_costs`, and makes the costs and the savings that need it
//!   `null`.
//! - Unit costs are those of the fiscal year containing `to` (the
//!   contract's rule), for both periods; `costs` lists them with their
//!   sources.
//! - For non-admins every figure comes from the published counts: shares
//!   and take-up divide by the published total, costs multiply the
//!   published counts, the savings use the published counts of both
//!   periods; a figure that rests on a hidden count is hidden
//!   (`suppressed_fields`).

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use cmp_kpi::{
    Cell, ChannelFigures, FiscalYear, LabelKind, Lang, MixFigures, ShiftPeriods, codes,
    costs_of_year, label, label_or_code, mix, savings,
};
use serde::Serialize;
use utoipa::ToSchema;

use super::costs::{CostView, stored};
use super::kpis::Audience;
use super::program_counts::{count, find_program, shown};
use crate::caller::Caller;
use crate::error::ApiError;
use crate::sources::Sources;

/// The dates a request names (each may default, see `ShiftPeriods`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Asked {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub baseline_from: Option<NaiveDate>,
    pub baseline_to: Option<NaiveDate>,
}

/// One service channel over a period.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ChannelView {
    #[schema(example = "online")]
    pub service_channel: String,
    pub service_channel_label: String,
    pub started: Option<u64>,
    pub submitted: Option<u64>,
    pub completed: Option<u64>,
    /// completed ÷ started.
    pub completion_rate: Option<f64>,
    /// completed ÷ the period's completed through every channel.
    pub share: Option<f64>,
    /// The unit cost in force (`null`: none registered, see `missing_costs`).
    pub cost_cents: Option<u64>,
    /// Where the unit cost comes from.
    pub cost_source: Option<String>,
    /// completed × cost_cents.
    pub total_cost_cents: Option<u64>,
    /// Some figure of this row is hidden as, or computed from, a small cell.
    pub suppressed: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suppressed_fields: Vec<String>,
}

/// A period's channel mix and what it cost.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct MixView {
    pub from: NaiveDate,
    /// Inclusive.
    pub to: NaiveDate,
    pub channels: Vec<ChannelView>,
    pub started: Option<u64>,
    pub submitted: Option<u64>,
    pub completed: Option<u64>,
    /// Online completed ÷ completed (the GOV.UK Performance Platform's
    /// digital take-up).
    pub digital_take_up: Option<f64>,
    /// Σ of the channels' total costs.
    pub total_cost_cents: Option<u64>,
    /// total_cost_cents ÷ completed.
    pub cost_per_transaction_cents: Option<f64>,
    /// Some figure of this object (not of its channels) is hidden.
    pub suppressed: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suppressed_fields: Vec<String>,
}

/// The channel-shift response.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ChannelShiftView {
    #[schema(example = "oas")]
    pub program: String,
    pub program_label: String,
    /// The period (its fields flattened here).
    #[serde(flatten)]
    #[schema(inline)]
    pub period: MixView,
    /// The same figures over the baseline period.
    pub baseline: MixView,
    /// Σ over channels of (completed × baseline share − completed in the
    /// channel) × unit cost, rounded to the cent: positive when the
    /// period's completions cost less than at the baseline's mix.
    pub savings_cents: Option<i64>,
    /// The fiscal year whose unit costs are used (the one containing `to`).
    #[schema(example = "2026-27")]
    pub costs_fiscal_year: String,
    /// The unit costs used, each with its source.
    pub costs: Vec<CostView>,
    /// Listed channels without a unit cost in that year.
    pub missing_costs: Vec<String>,
    /// Client counts (and what is computed from them) are randomly rounded
    /// to a multiple of this (absent: exact).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = 5)]
    pub rounded: Option<u64>,
    /// What a person reads for each field, in the chosen language.
    pub labels: BTreeMap<String, String>,
}

/// Hidden figures' names, in the order given.
fn hidden(cells: &[(&str, Cell)]) -> Vec<String> {
    cells
        .iter()
        .filter(|(_, c)| c.suppressed)
        .map(|(name, _)| (*name).to_owned())
        .collect()
}

fn channel_view(f: &ChannelFigures, sources: &BTreeMap<&str, &str>, lang: Lang) -> ChannelView {
    let suppressed_fields = hidden(&[
        ("started", f.counts.started),
        ("submitted", f.counts.submitted),
        ("completed", f.counts.completed),
        ("completion_rate", f.completion_rate),
        ("share", f.share),
        ("total_cost_cents", f.total_cost_cents),
    ]);
    ChannelView {
        service_channel: f.service_channel.clone(),
        service_channel_label: label_or_code(LabelKind::ServiceChannel, &f.service_channel, lang)
            .into_owned(),
        started: count(f.counts.started),
        submitted: count(f.counts.submitted),
        completed: count(f.counts.completed),
        completion_rate: f.completion_rate.value,
        share: f.share.value,
        cost_cents: f.cost_cents,
        cost_source: sources
            .get(f.service_channel.as_str())
            .map(|s| (*s).to_owned()),
        total_cost_cents: count(f.total_cost_cents),
        suppressed: !suppressed_fields.is_empty(),
        suppressed_fields,
    }
}

fn mix_view(
    m: &MixFigures,
    from: NaiveDate,
    to: NaiveDate,
    sources: &BTreeMap<&str, &str>,
    lang: Lang,
) -> MixView {
    let suppressed_fields = hidden(&[
        ("started", m.totals.started),
        ("submitted", m.totals.submitted),
        ("completed", m.totals.completed),
        ("digital_take_up", m.digital_take_up),
        ("total_cost_cents", m.total_cost_cents),
        ("cost_per_transaction_cents", m.cost_per_transaction_cents),
    ]);
    MixView {
        from,
        to,
        channels: m
            .channels
            .iter()
            .map(|f| channel_view(f, sources, lang))
            .collect(),
        started: count(m.totals.started),
        submitted: count(m.totals.submitted),
        completed: count(m.totals.completed),
        digital_take_up: m.digital_take_up.value,
        total_cost_cents: count(m.total_cost_cents),
        cost_per_transaction_cents: m.cost_per_transaction_cents.value,
        suppressed: !suppressed_fields.is_empty(),
        suppressed_fields,
    }
}

/// The labels of the response's fields in `lang`.
fn labels(lang: Lang) -> BTreeMap<String, String> {
    let pick = |kind, code: &str| label(kind, code, lang).unwrap_or_default().to_owned();
    [
        ("started", pick(LabelKind::Kpi, "uptake_started")),
        ("submitted", pick(LabelKind::Kpi, "uptake_submitted")),
        ("completed", pick(LabelKind::Kpi, "uptake_completed")),
        (
            "completion_rate",
            pick(LabelKind::Measure, "completion_rate"),
        ),
        ("share", pick(LabelKind::Ui, "share")),
        (
            "digital_take_up",
            pick(LabelKind::Measure, "digital_take_up"),
        ),
        (
            "cost_per_transaction_cents",
            pick(LabelKind::Measure, "cost_per_transaction_cents"),
        ),
        ("savings_cents", pick(LabelKind::Measure, "savings_cents")),
        ("cost_cents", pick(LabelKind::Ui, "unit_cost")),
        ("total_cost_cents", pick(LabelKind::Ui, "total_cost")),
        ("cost_source", pick(LabelKind::Ui, "cost_source")),
        ("baseline", pick(LabelKind::Ui, "baseline_period")),
        ("missing_costs", pick(LabelKind::Ui, "missing_costs")),
        ("service_channel", pick(LabelKind::Ui, "service_channel")),
        ("program", pick(LabelKind::Ui, "program")),
        ("costs_fiscal_year", pick(LabelKind::Word, "fiscal_year")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// The channel shift of `program` as the caller may see it.
pub async fn channel_shift(
    sources: &Sources,
    caller: &Caller,
    program: &str,
    asked: Asked,
    lang: Lang,
) -> Result<ChannelShiftView, ApiError> {
    let store = &sources.store;
    let rules = sources.rules;
    let periods = ShiftPeriods::resolve(
        rules.today(),
        asked.from,
        asked.to,
        asked.baseline_from,
        asked.baseline_to,
    )?;
    find_program(store, caller, program).await?;
    let fy = FiscalYear::containing(periods.period.to);
    let (now, before, stored_costs) = tokio::try_join!(
        cmp_report::program_uptake(store, Some(program), periods.period, rules.tz),
        cmp_report::program_uptake(store, Some(program), periods.baseline, rules.tz),
        cmp_store::service_costs(store, program),
    )?;
    let all_costs = stored_costs
        .map(|v| stored(program, &v.costs))
        .unwrap_or_default();
    let year = costs_of_year(&all_costs, fy);
    let unit: BTreeMap<&str, u64> = year.iter().map(|(ch, c)| (*ch, c.cost_cents)).collect();
    let source: BTreeMap<&str, &str> = year
        .iter()
        .map(|(ch, c)| (*ch, c.source.as_str()))
        .collect();
    let empty = BTreeMap::new();
    let now = now.get(program).unwrap_or(&empty);
    let before = before.get(program).unwrap_or(&empty);
    let used: BTreeSet<&str> = now
        .keys()
        .chain(before.keys())
        .map(String::as_str)
        .chain(unit.keys().copied())
        .collect();
    let channels: Vec<String> = codes(LabelKind::ServiceChannel)
        .filter(|c| used.contains(c))
        .map(str::to_owned)
        .collect();
    let audience = Audience::of(&rules, caller.is_admin());
    let d = audience.disclosure.as_ref();
    let (p_channels, p_totals) = shown(program, now, &channels, d);
    let (b_channels, b_totals) = shown(program, before, &channels, d);
    let period = mix(&p_channels, p_totals, &unit);
    let baseline = mix(&b_channels, b_totals, &unit);
    let saved = savings(&period, &baseline);
    let mut period_view = mix_view(
        &period,
        periods.period.from,
        periods.period.to,
        &source,
        lang,
    );
    if saved.suppressed {
        period_view.suppressed = true;
        period_view.suppressed_fields.push("savings_cents".into());
    }
    Ok(ChannelShiftView {
        program: program.to_owned(),
        program_label: label_or_code(LabelKind::Program, program, lang).into_owned(),
        period: period_view,
        baseline: mix_view(
            &baseline,
            periods.baseline.from,
            periods.baseline.to,
            &source,
            lang,
        ),
        savings_cents: saved.value.map(|v| v.round() as i64),
        costs_fiscal_year: fy.to_string(),
        costs: codes(LabelKind::ServiceChannel)
            .filter_map(|ch| year.get(ch))
            .map(|c| CostView::of(c, lang))
            .collect(),
        missing_costs: channels
            .iter()
            .filter(|c| !unit.contains_key(c.as_str()))
            .cloned()
            .collect(),
        rounded: audience.rounded(),
        labels: labels(lang),
    })
}
