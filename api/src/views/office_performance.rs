//! An office's performance (contract/API.md v1.1, "Offices"): its signage
//! impressions by campaign, its in-person uptake by program and stage, and
//! its catchment's online share per program (completed online ÷ completed,
//! uptake whose `fsa` is one of the office's). Any token reads it.
//!
//! - **Range**: `from`/`to` local days of the reporting zone; by default
//!   the last 28 days through today.
//! - **Organisations**: a token with an organisation sees the impressions
//!   of its organisation's campaigns only (a campaign the registry does not
//!   hold has no owner and is not shown to it).
//! - **Publication** (docs/privacy.md): impressions are not client counts
//!   and are exact. Uptake counts are: a non-admin sees them through
//!   `cmp_kpi::Disclosure`, every visible count the sum of its daily atoms.
//!   The cells are keyed by the office: no campaign (`""`), the KPI
//!   `office_uptake_<stage>` (in person, one breakdown per stage over the
//!   office's programs) or `catchment_uptake_completed` (one breakdown over
//!   the programs for all channels, one for `online`), breakdown
//!   `office_id`, `program` (and `service_channel`). A share is shown only
//!   when both of its counts are (a ratio of a hidden count is hidden).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use cmp_kpi::{Cell, CellKey, DateRange, Disclosure, LabelKind, Lang, label_or_code, local_date};
use serde::Serialize;
use utoipa::ToSchema;

use super::kpis::Audience;
use super::offices::{OfficeView, current};
use crate::caller::Caller;
use crate::error::ApiError;
use crate::sources::Sources;

/// Days in the default range (through today).
pub const DEFAULT_DAYS: i64 = 28;

/// The stages, in contract order.
const STAGES: [&str; 3] = ["started", "submitted", "completed"];

/// Signage impressions of one campaign at the office.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CampaignImpressionsView {
    pub campaign_id: String,
    /// The campaign's name in the asked language (its id if unregistered).
    pub campaign_label: String,
    pub impressions: u64,
}

/// A client count as shown: `null` and `suppressed` when hidden.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CountView {
    pub value: Option<u64>,
    pub suppressed: bool,
}

impl From<Cell> for CountView {
    fn from(c: Cell) -> Self {
        CountView {
            value: c.value.map(|v| v.round().max(0.0) as u64),
            suppressed: c.suppressed,
        }
    }
}

/// One stage of a program's in-person uptake at the office.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct StageView {
    pub stage: String,
    pub stage_label: String,
    #[serde(flatten)]
    pub count: CountView,
}

/// A program's in-person uptake at the office.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct InPersonView {
    pub program: String,
    pub program_label: String,
    pub stages: Vec<StageView>,
}

/// A program's online share in the office's catchment.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct OnlineShareView {
    pub program: String,
    pub program_label: String,
    pub completed: CountView,
    pub completed_online: CountView,
    /// completed_online ÷ completed; `null` when either is hidden or none
    /// completed.
    pub program_online_share: Option<f64>,
    pub suppressed: bool,
}

/// `GET /api/v1/offices/{office_id}/performance`.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct OfficePerformanceView {
    pub office: OfficeView,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// By campaign id; the campaigns the caller may see.
    pub impressions: Vec<CampaignImpressionsView>,
    pub impressions_total: u64,
    /// By program.
    pub in_person: Vec<InPersonView>,
    /// By program.
    pub program_online_share: Vec<OnlineShareView>,
    /// The base non-admins' client counts are rounded to (`null`: exact).
    pub rounded: Option<u64>,
}

/// Daily counts of one cell.
type Days = BTreeMap<NaiveDate, u64>;

/// The published (or exact) cells of one breakdown over `programs`.
fn breakdown(
    office_id: &str,
    kpi: &str,
    channel: Option<&str>,
    programs: &[String],
    days: &BTreeMap<String, Days>,
    disclosure: Option<&Disclosure>,
) -> Vec<Cell> {
    let empty = Days::new();
    let of = |p: &String| days.get(p).unwrap_or(&empty);
    let mut cells: Vec<Cell> = programs
        .iter()
        .map(|p| Cell::new(Some(of(p).values().sum::<u64>() as f64)))
        .collect();
    if let Some(d) = disclosure {
        let pairs: Vec<Vec<(&str, &str)>> = programs
            .iter()
            .map(|p| {
                let mut b = vec![("office_id", office_id), ("program", p.as_str())];
                if let Some(ch) = channel {
                    b.push(("service_channel", ch));
                }
                b
            })
            .collect();
        let keys: Vec<CellKey<'_>> = pairs
            .iter()
            .map(|b| CellKey {
                campaign: "",
                kpi,
                breakdown: b,
            })
            .collect();
        let daily: Vec<Vec<(NaiveDate, f64)>> = programs
            .iter()
            .map(|p| of(p).iter().map(|(d, n)| (*d, *n as f64)).collect())
            .collect();
        d.publish_days(&mut cells, &keys, &daily);
    }
    cells
}

/// The asked range, or the last [`DEFAULT_DAYS`] days through `today`.
pub fn range(
    today: NaiveDate,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<DateRange, ApiError> {
    let to = to.unwrap_or(today);
    let from = from.unwrap_or(to - Duration::days(DEFAULT_DAYS - 1));
    Ok(DateRange::new(from, to)?)
}

/// The office's performance as the caller may see it.
pub async fn performance(
    sources: &Sources,
    caller: &Caller,
    office_id: &str,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    lang: Lang,
) -> Result<OfficePerformanceView, ApiError> {
    let store = &sources.store;
    let rules = sources.rules;
    let range = range(rules.today(), from, to)?;
    let office = current(store, office_id, lang).await?;
    let (start, end) = range.utc_bounds(rules.tz);
    let tz = rules.tz.name();
    let (seen, in_person, catchment, campaigns) = tokio::try_join!(
        cmp_store::office_impressions(store, office_id, start, end),
        cmp_store::office_in_person(store, tz, office_id, start, end),
        cmp_store::catchment_completed(store, tz, &office.office.fsas, start, end),
        cmp_store::campaigns(store),
    )?;
    let day = |s: u32| {
        let at = DateTime::<Utc>::from_timestamp(i64::from(s), 0).unwrap_or_default();
        local_date(at, rules.tz)
    };

    let impressions: Vec<CampaignImpressionsView> = seen
        .into_iter()
        .filter_map(|r| {
            let c = campaigns.iter().find(|c| c.id == r.campaign_id);
            let visible = match (&caller.0.organisation, c) {
                (None, _) => true,
                (Some(_), Some(c)) => caller.0.covers_owner(&c.owner),
                (Some(_), None) => false,
            };
            visible.then(|| CampaignImpressionsView {
                campaign_label: match (c, lang) {
                    (Some(c), Lang::En) => c.name_en.clone(),
                    (Some(c), Lang::Fr) => c.name_fr.clone(),
                    (None, _) => r.campaign_id.clone(),
                },
                campaign_id: r.campaign_id,
                impressions: r.impressions,
            })
        })
        .collect();

    let audience = Audience::of(&rules, caller.is_admin());
    let d = audience.disclosure.as_ref();

    let mut by_stage: BTreeMap<&str, BTreeMap<String, Days>> = BTreeMap::new();
    for r in &in_person {
        if let Some(stage) = STAGES.iter().find(|s| **s == r.stage) {
            *by_stage
                .entry(stage)
                .or_default()
                .entry(r.program.clone())
                .or_default()
                .entry(day(r.day))
                .or_default() += r.events;
        }
    }
    let programs: Vec<String> = sorted(in_person.iter().map(|r| &r.program));
    let empty = BTreeMap::new();
    let stage_cells: Vec<Vec<Cell>> = STAGES
        .iter()
        .map(|s| {
            let kpi = format!("office_uptake_{s}");
            let days = by_stage.get(s).unwrap_or(&empty);
            breakdown(office_id, &kpi, None, &programs, days, d)
        })
        .collect();
    let in_person_view = programs
        .iter()
        .enumerate()
        .map(|(i, p)| InPersonView {
            program: p.clone(),
            program_label: label_or_code(LabelKind::Program, p, lang).into_owned(),
            stages: STAGES
                .iter()
                .zip(&stage_cells)
                .map(|(s, cells)| StageView {
                    stage: (*s).to_owned(),
                    stage_label: label_or_code(LabelKind::Stage, s, lang).into_owned(),
                    count: cells[i].into(),
                })
                .collect(),
        })
        .collect();

    let mut all: BTreeMap<String, Days> = BTreeMap::new();
    let mut online: BTreeMap<String, Days> = BTreeMap::new();
    for r in &catchment {
        let d = day(r.day);
        *all.entry(r.program.clone())
            .or_default()
            .entry(d)
            .or_default() += r.events;
        if r.service_channel == "online" {
            *online
                .entry(r.program.clone())
                .or_default()
                .entry(d)
                .or_default() += r.events;
        }
    }
    let share_programs: Vec<String> = sorted(catchment.iter().map(|r| &r.program));
    let kpi = "catchment_uptake_completed";
    let all_cells = breakdown(office_id, kpi, None, &share_programs, &all, d);
    let online_cells = breakdown(office_id, kpi, Some("online"), &share_programs, &online, d);
    let shares = share_programs
        .iter()
        .zip(all_cells.iter().zip(&online_cells))
        .map(|(p, (a, o))| {
            let share = match (a.value, o.value) {
                (Some(a), Some(o)) if a > 0.0 => Some(o / a),
                _ => None,
            };
            OnlineShareView {
                program: p.clone(),
                program_label: label_or_code(LabelKind::Program, p, lang).into_owned(),
                completed: (*a).into(),
                completed_online: (*o).into(),
                program_online_share: share,
                suppressed: a.suppressed || o.suppressed,
            }
        })
        .collect();

    Ok(OfficePerformanceView {
        office,
        from: range.from,
        to: range.to,
        impressions_total: impressions.iter().map(|i| i.impressions).sum(),
        impressions,
        in_person: in_person_view,
        program_online_share: shares,
        rounded: audience.rounded(),
    })
}

/// The distinct values, sorted.
fn sorted<'a>(it: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut v: Vec<String> = it.cloned().collect();
    v.sort();
    v.dedup();
    v
}
