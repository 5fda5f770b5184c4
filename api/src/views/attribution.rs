//! `GET /api/v1/campaigns/{campaign_id}/attribution` (contract/API.md
//! v1.1, "Attribution to exposure"): per stage, the credit the campaign's
//! exposures earn for the program's uptake events in the range
//! (`cmp_report::attribution`, shared with the program's other campaigns so
//! that one uptake event's credits add up to 1), beside referral
//! (`referred`: the program's uptake events naming the campaign) and `both`
//! (naming it and with an eligible exposure to it, whatever the model).
//! `by` splits `credited` by the credited exposure's channel, variant,
//! segment, region or language, or the uptake's service channel. The
//! figures are the aggregator's kept rows (`kept.rs`), so a request reads
//! hours × groups, not events.
//!
//! Readers are the campaign's, as for its performance. Counts are client
//! counts: a non-admin sees them published as sums of daily atoms
//! (`cmp_kpi::Disclosure::publish_days`: small cells hidden on the range's
//! exact count, each day's count randomly rounded with its own coin, keyed
//! by campaign, measure, breakdown and day), so that two overlapping ranges
//! never give a day's exact count back; `referred` is published under the
//! `uptake_<stage>` KPI's key.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use cmp_kpi::{Cell, CellKey, Disclosure, LabelKind, Lang, label_or_code};
use cmp_report::attribution::{Model, Windows};
use cmp_store::CreditQuery;
use serde::Serialize;
use utoipa::ToSchema;

use super::campaign;
use super::kept::{Days, Kept, add, total};
use super::kpis::Audience;
use super::performance::{PerformanceRequest, range};
use crate::caller::Caller;
use crate::error::ApiError;
use crate::sources::Sources;

/// The stages, in the contract's order.
pub const STAGES: [&str; 3] = ["started", "submitted", "completed"];

/// What `by` splits the credit by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    Channel,
    Variant,
    Segment,
    Region,
    Language,
    ServiceChannel,
}

impl By {
    pub const ALL: [By; 6] = [
        By::Channel,
        By::Variant,
        By::Segment,
        By::Region,
        By::Language,
        By::ServiceChannel,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            By::Channel => "channel",
            By::Variant => "variant",
            By::Segment => "segment",
            By::Region => "region",
            By::Language => "language",
            By::ServiceChannel => "service_channel",
        }
    }

    pub fn parse(s: &str) -> Result<By, ApiError> {
        By::ALL.into_iter().find(|b| b.as_str() == s).ok_or_else(|| {
            ApiError::bad(
                "by",
                format!(
                    "has unknown value `{s}`; expected one of channel, variant, segment, region, language, service_channel"
                ),
            )
        })
    }

    fn label(self, code: &str, lang: Lang) -> String {
        let kind = match self {
            By::Channel => LabelKind::Channel,
            By::Segment => LabelKind::Segment,
            By::Region => LabelKind::Region,
            By::Language => LabelKind::Language,
            By::ServiceChannel => LabelKind::ServiceChannel,
            By::Variant => return code.to_owned(),
        };
        label_or_code(kind, code, lang).into_owned()
    }
}

/// What the caller asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributionRequest {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub model: Model,
    pub by: Option<By>,
}

/// One group of a stage's credit.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CreditGroup {
    /// The `by` value (`""`: the credited exposures lack it, e.g. no variant).
    pub key: String,
    pub key_label: String,
    /// Sum of the credit of this group; `null` when suppressed.
    pub credited: Option<f64>,
    pub suppressed: bool,
}

/// One stage's figures.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct StageAttribution {
    #[schema(example = "completed")]
    pub stage: String,
    pub stage_label: String,
    /// Sum of the credit of the stage's uptake events to this campaign.
    pub credited: Option<f64>,
    /// Uptake events of the stage naming this campaign.
    pub referred: Option<f64>,
    /// Uptake events naming this campaign with an eligible exposure to it.
    pub both: Option<f64>,
    /// Which of `credited`, `referred`, `both` are hidden (small cells).
    pub suppressed_fields: Vec<String>,
    /// `credited` split by `by`; empty without it.
    pub groups: Vec<CreditGroup>,
}

/// The attribution response.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AttributionView {
    pub campaign: String,
    pub program: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    #[schema(example = "last_touch")]
    pub model: String,
    pub model_label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// The windows of this campaign's exposures, days per action.
    pub windows: BTreeMap<String, u64>,
    /// Labels of `credited`, `referred` and `both` in the requested language.
    pub labels: BTreeMap<String, String>,
    pub stages: Vec<StageAttribution>,
    /// Counts shown are randomly rounded to a multiple of this
    /// (docs/privacy.md); absent when exact (admins).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = 5)]
    pub rounded: Option<u64>,
}

/// Exact figures of one stage, per local day.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    pub credited: Days,
    pub referred: Days,
    pub both: Days,
    pub groups: BTreeMap<String, Days>,
}

/// The exact figures per stage (in `STAGES` order) of what was kept.
pub fn tally(kept: &Kept, model: Model, by: Option<By>) -> [Tally; 3] {
    let mut out: [Tally; 3] = Default::default();
    let stage = |s: &str| STAGES.iter().position(|x| *x == s);
    for measure in [model.as_str(), "referred", "both"] {
        for (cell, days) in kept.cells(measure, "") {
            let Some(s) = stage(&cell.stage) else {
                continue;
            };
            let t = &mut out[s];
            let into = match measure {
                "referred" => &mut t.referred,
                "both" => &mut t.both,
                _ => &mut t.credited,
            };
            add(into, days);
        }
    }
    if let Some(b) = by {
        for (cell, days) in kept.cells(model.as_str(), b.as_str()) {
            if let Some(s) = stage(&cell.stage) {
                add(
                    out[s].groups.entry(cell.by_value.clone()).or_default(),
                    days,
                );
            }
        }
    }
    out
}

/// The campaign's attribution as the caller may see it.
pub async fn attribution(
    sources: &Sources,
    caller: &Caller,
    id: &str,
    req: &AttributionRequest,
    lang: Lang,
) -> Result<AttributionView, ApiError> {
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
    let mut by_kinds = vec![""];
    by_kinds.extend(req.by.map(By::as_str));
    let query = CreditQuery {
        program: &c.program,
        campaign: id,
        measures: &[req.model.as_str(), "referred", "both"],
        by_kinds: &by_kinds,
        bounds: dates.utc_bounds(rules.tz),
    };
    let kept = Kept::read(&sources.store, &query, rules.tz).await?;
    let tallies = tally(&kept, req.model, req.by);
    let windows = cmp_store::measurement_settings(&sources.store, &[id.to_owned()])
        .await?
        .into_iter()
        .next()
        .map_or_else(Windows::default, |s| {
            Windows::stored(&s.attribution_windows)
        });
    let audience = Audience::of(&rules, caller.is_admin());
    let stages = STAGES
        .iter()
        .zip(tallies)
        .map(|(stage, t)| show(id, stage, req, &t, audience.disclosure.as_ref(), lang))
        .collect();
    let labels = ["credited", "referred", "both"]
        .iter()
        .map(|m| {
            let l = label_or_code(LabelKind::Measure, m, lang).into_owned();
            ((*m).to_owned(), l)
        })
        .collect();
    Ok(AttributionView {
        campaign: id.to_owned(),
        program: c.program.clone(),
        from: dates.from,
        to: dates.to,
        model: req.model.as_str().to_owned(),
        model_label: label_or_code(LabelKind::Measure, req.model.as_str(), lang).into_owned(),
        by: req.by.map(|b| b.as_str().to_owned()),
        windows: windows.days(),
        labels,
        stages,
        rounded: audience.rounded(),
    })
}

fn days_of(days: &Days) -> Vec<(NaiveDate, f64)> {
    days.iter().map(|(d, v)| (*d, *v)).collect()
}

/// One stage as shown: exact for an admin (`disclosure` `None`).
fn show(
    campaign: &str,
    stage: &str,
    req: &AttributionRequest,
    t: &Tally,
    disclosure: Option<&Disclosure>,
    lang: Lang,
) -> StageAttribution {
    let credited_kpi = format!("credited_{}_{stage}", req.model.as_str());
    let measures = [
        ("credited", credited_kpi.clone(), &t.credited),
        ("referred", format!("uptake_{stage}"), &t.referred),
        ("both", format!("both_{stage}"), &t.both),
    ];
    let mut shown = Vec::with_capacity(3);
    let mut suppressed_fields = Vec::new();
    for (name, kpi, days) in &measures {
        let mut cell = [Cell::new(Some(total(days)))];
        if let Some(d) = disclosure {
            let key = CellKey {
                campaign,
                kpi,
                breakdown: &[],
            };
            d.publish_days(&mut cell, &[key], &[days_of(days)]);
        }
        if cell[0].suppressed {
            suppressed_fields.push((*name).to_owned());
        }
        shown.push(cell[0].value);
    }
    let groups = match req.by {
        None => Vec::new(),
        Some(by) => {
            let mut cells: Vec<Cell> = t
                .groups
                .values()
                .map(|days| Cell::new(Some(total(days))))
                .collect();
            if let Some(d) = disclosure {
                let pairs: Vec<[(&str, &str); 1]> = t
                    .groups
                    .keys()
                    .map(|k| [(by.as_str(), k.as_str())])
                    .collect();
                let keys: Vec<CellKey<'_>> = pairs
                    .iter()
                    .map(|b| CellKey {
                        campaign,
                        kpi: &credited_kpi,
                        breakdown: b,
                    })
                    .collect();
                let days: Vec<Vec<(NaiveDate, f64)>> = t.groups.values().map(days_of).collect();
                d.publish_days(&mut cells, &keys, &days);
            }
            t.groups
                .keys()
                .zip(cells)
                .map(|(k, cell)| CreditGroup {
                    key: k.clone(),
                    key_label: by.label(k, lang),
                    credited: cell.value,
                    suppressed: cell.suppressed,
                })
                .collect()
        }
    };
    StageAttribution {
        stage: stage.to_owned(),
        stage_label: label_or_code(LabelKind::Stage, stage, lang).into_owned(),
        credited: shown[0],
        referred: shown[1],
        both: shown[2],
        suppressed_fields,
        groups,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::kept::Cell as KeptCell;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).expect("date")
    }

    fn cell(measure: &str, by_kind: &str, stage: &str, by_value: &str) -> KeptCell {
        KeptCell {
            measure: measure.to_owned(),
            by_kind: by_kind.to_owned(),
            stage: stage.to_owned(),
            by_value: by_value.to_owned(),
            by_language: String::new(),
        }
    }

    #[test]
    fn each_measure_and_group_keeps_its_days_and_other_models_are_left_out() {
        let kept = Kept(BTreeMap::from([
            (
                cell("last_touch", "", "completed", ""),
                Days::from([(day(1), 1.0), (day(2), 0.5)]),
            ),
            (
                cell("linear", "", "completed", ""),
                Days::from([(day(1), 9.0)]),
            ),
            (
                cell("referred", "", "completed", ""),
                Days::from([(day(2), 2.0)]),
            ),
            (cell("both", "", "started", ""), Days::from([(day(3), 1.0)])),
            (
                cell("last_touch", "channel", "completed", "web"),
                Days::from([(day(1), 1.0)]),
            ),
            (
                cell("last_touch", "channel", "completed", "tv"),
                Days::from([(day(2), 0.5)]),
            ),
            (
                cell("last_touch", "region", "completed", "ON"),
                Days::from([(day(2), 0.5)]),
            ),
            (
                cell("last_touch", "", "renewed", ""),
                Days::from([(day(2), 7.0)]),
            ),
        ]));
        let t = tally(&kept, Model::LastTouch, Some(By::Channel));
        let completed = &t[2];
        assert_eq!(total(&completed.credited), 1.5);
        assert_eq!(completed.credited[&day(2)], 0.5);
        assert_eq!(total(&completed.referred), 2.0);
        assert_eq!(total(&t[0].both), 1.0);
        assert_eq!(
            completed.groups.keys().collect::<Vec<_>>(),
            vec!["tv", "web"]
        );
        assert_eq!(total(&tally(&kept, Model::Linear, None)[2].credited), 9.0);
        assert!(tally(&kept, Model::Linear, None)[2].groups.is_empty());
    }
}
