//! `GET /api/v1/campaigns/{campaign_id}/attribution` (contract/API.md
//! v1.1, "Attribution to exposure"): per stage, the credit the campaign's
//! exposures earn for the program's uptake events in the range
//! (`credit.rs`, shared with the program's other campaigns so that one
//! uptake event's credits add up to 1), beside referral (`referred`: the
//! uptake events naming the campaign, as the `uptake_*` KPIs count them)
//! and `both` (naming it and with an eligible exposure to it, whatever the
//! model). `by` splits `credited` by the credited exposure's channel,
//! variant, segment, region or language, or the uptake's service channel.
//!
//! Readers are the campaign's, as for its performance. Counts are client
//! counts: a non-admin sees them published (`cmp_kpi::Disclosure`: small
//! cells hidden, the rest randomly rounded, keyed by campaign, measure and
//! breakdown); `referred` is published under the `uptake_<stage>` KPI's
//! key, so it reads as the performance route shows the same count.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use cmp_kpi::{Cell, CellKey, Disclosure, LabelKind, Lang, label_or_code};
use cmp_store::{Exposure, UptakeTouch};
use serde::Serialize;
use utoipa::ToSchema;

use super::campaign;
use super::credit::Model;
use super::exposures::Touches;
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

    /// The group of one credit.
    fn value<'a>(self, up: &'a UptakeTouch, x: &'a Exposure) -> &'a str {
        match self {
            By::Channel => &x.channel,
            By::Variant => &x.variant,
            By::Segment => &x.segment,
            By::Region => &x.region,
            By::Language => &x.language,
            By::ServiceChannel => &up.service_channel,
        }
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

/// Exact figures of one stage.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    pub credited: f64,
    pub referred: u64,
    pub both: u64,
    pub groups: BTreeMap<String, f64>,
}

/// The exact figures of `campaign` per stage (in `STAGES` order).
pub fn tally(t: &Touches, campaign: &str, model: Model, by: Option<By>) -> [Tally; 3] {
    let mut out: [Tally; 3] = Default::default();
    let stage = |up: &UptakeTouch| STAGES.iter().position(|s| *s == up.stage);
    for c in t.credits(model) {
        let (up, x) = (&t.uptakes[c.uptake], &t.exposures[c.exposure]);
        let Some(s) = stage(up) else { continue };
        if x.campaign_id != campaign {
            continue;
        }
        out[s].credited += c.credit;
        if let Some(b) = by {
            *out[s].groups.entry(b.value(up, x).to_owned()).or_default() += c.credit;
        }
    }
    let mut exposed = vec![false; t.uptakes.len()];
    for c in t.credits(Model::Linear) {
        if t.exposures[c.exposure].campaign_id == campaign {
            exposed[c.uptake] = true;
        }
    }
    for (up, exposed) in t.uptakes.iter().zip(exposed) {
        let Some(s) = stage(up) else { continue };
        if up.campaign_id == campaign {
            out[s].referred += 1;
            out[s].both += u64::from(exposed);
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
    let c = campaign::find(&sources.store, caller, id).await?;
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
    let touches = Touches::read(&sources.store, &c, dates.utc_bounds(rules.tz)).await?;
    let tallies = tally(&touches, id, req.model, req.by);
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
        windows: touches.windows.get(id).copied().unwrap_or_default().days(),
        labels,
        stages,
        rounded: audience.rounded(),
    })
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
        ("credited", credited_kpi.clone(), t.credited),
        ("referred", format!("uptake_{stage}"), t.referred as f64),
        ("both", format!("both_{stage}"), t.both as f64),
    ];
    let mut shown = Vec::with_capacity(3);
    let mut suppressed_fields = Vec::new();
    for (name, kpi, value) in &measures {
        let mut cell = [Cell::new(Some(*value))];
        if let Some(d) = disclosure {
            let key = CellKey {
                campaign,
                kpi,
                breakdown: &[],
            };
            d.publish(&mut cell, &[key]);
        }
        if cell[0].suppressed {
            suppressed_fields.push((*name).to_owned());
        }
        shown.push(cell[0].value);
    }
    let groups = match req.by {
        None => Vec::new(),
        Some(by) => {
            let mut cells: Vec<Cell> = t.groups.values().map(|v| Cell::new(Some(*v))).collect();
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
                d.publish(&mut cells, &keys);
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
    use std::collections::HashMap;

    use super::*;

    const DAY: i64 = 86_400_000;

    fn up(id: &str, client: &str, campaign: &str, stage: &str) -> UptakeTouch {
        UptakeTouch {
            event_id: id.to_owned(),
            event_ms: 10 * DAY,
            client_hash: client.to_owned(),
            campaign_id: campaign.to_owned(),
            stage: stage.to_owned(),
            service_channel: "online".to_owned(),
        }
    }

    fn x(client: &str, campaign: &str, channel: &str, days_before: i64) -> Exposure {
        Exposure {
            event_id: format!("{client}{campaign}{days_before}"),
            event_ms: 10 * DAY - days_before * DAY,
            client_hash: client.to_owned(),
            campaign_id: campaign.to_owned(),
            channel: channel.to_owned(),
            action: "click".to_owned(),
            variant: String::new(),
            segment: "unspecified".to_owned(),
            region: "ON".to_owned(),
            language: "fr".to_owned(),
        }
    }

    #[test]
    fn referred_both_and_credit_are_counted_apart() {
        let t = Touches {
            uptakes: vec![
                // Names a, last touched by b: referred and both for a, credit to b.
                up("u1", "c1", "a", "completed"),
                // Names a, no client: referred only.
                up("u2", "", "a", "completed"),
                // Names nothing, touched by a twice (web then social).
                up("u3", "c3", "", "started"),
            ],
            exposures: vec![
                x("c1", "a", "web", 5),
                x("c1", "b", "tv", 1),
                x("c3", "a", "web", 4),
                x("c3", "a", "social", 2),
            ],
            windows: HashMap::new(),
        };
        let last = tally(&t, "a", Model::LastTouch, Some(By::Channel));
        let completed = &last[2];
        assert_eq!(
            (completed.credited, completed.referred, completed.both),
            (0.0, 2, 1)
        );
        let started = &last[0];
        assert_eq!(started.credited, 1.0);
        assert_eq!(started.groups, BTreeMap::from([("social".to_owned(), 1.0)]));
        let linear = tally(&t, "a", Model::Linear, Some(By::Channel));
        assert_eq!(linear[2].credited, 0.5);
        assert_eq!(
            linear[0].groups,
            BTreeMap::from([("social".to_owned(), 0.5), ("web".to_owned(), 0.5)])
        );
        assert_eq!(tally(&t, "b", Model::LastTouch, None)[2].credited, 1.0);
    }
}
