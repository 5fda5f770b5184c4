//! Target sets: the current one and every earlier version (who changed it
//! and when), replacing the whole set from the contract's JSON array, and
//! judging the current set on a day (the performance report, the
//! portfolio and the live feed all judge through [`judge`]).

use chrono::{DateTime, NaiveDate, Utc};
use cmp_kpi::{Lang, Target, parse_target_set};
use cmp_report::{Judged, evaluate_targets};
use cmp_store::{Campaign, Store, StoreError, TargetSetVersion};
use serde::Serialize;
use utoipa::ToSchema;

use super::campaign;
use super::kpis::kpi_label;
use crate::caller::Caller;
use crate::error::ApiError;
use crate::rules::Rules;
use crate::sources::Sources;

/// Most targets one set may hold.
pub const MAX_TARGETS: usize = 200;

/// A target as stored, with its KPI's name.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TargetDef {
    #[serde(flatten)]
    #[schema(inline)]
    pub target: TargetBody,
    pub kpi_label: String,
}

/// One target of a set (contract/API.md): a KPI value to reach over the
/// campaign's flight or the target's own `from`/`to`, possibly for a
/// narrower slice (`segment`, `channel`, `service_channel`, `region`,
/// `language`).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TargetBody {
    #[schema(example = "uptake_completed")]
    pub kpi: String,
    #[schema(example = 12000)]
    pub target: f64,
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<NaiveDate>,
}

impl TargetDef {
    fn of(t: &Target, lang: Lang) -> TargetDef {
        TargetDef {
            target: TargetBody {
                kpi: t.kpi.to_string(),
                target: t.target,
                segment: t.segment.clone(),
                channel: t.channel.clone(),
                service_channel: t.service_channel.clone(),
                region: t.region.clone(),
                language: t.language.clone(),
                from: t.from,
                to: t.to,
            },
            kpi_label: kpi_label(t.kpi, lang),
        }
    }
}

/// One version of a campaign's target set.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TargetSetView {
    pub campaign: String,
    pub targets: Vec<TargetDef>,
    /// The token name that stored this version (`null`: no set stored yet).
    pub changed_by: Option<String>,
    pub changed_at: Option<DateTime<Utc>>,
}

/// Every version of a campaign's target set, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TargetHistoryView {
    pub campaign: String,
    pub versions: Vec<TargetSetView>,
}

/// The answer of `GET .../targets`: the current set, or with
/// `history=true` every version.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(untagged)]
pub enum TargetsReply {
    Current(TargetSetView),
    History(TargetHistoryView),
}

fn version_view(id: &str, v: &TargetSetVersion, lang: Lang) -> TargetSetView {
    TargetSetView {
        campaign: id.to_owned(),
        targets: stored(id, &v.targets)
            .iter()
            .map(|t| TargetDef::of(t, lang))
            .collect(),
        changed_by: Some(v.changed_by.clone()),
        changed_at: Some(v.changed_at),
    }
}

/// A stored set, parsed (it was validated when stored; one that no longer
/// parses is logged and read as empty rather than failing every report).
pub fn stored(id: &str, json: &str) -> Vec<Target> {
    parse_target_set(json).unwrap_or_else(|e| {
        tracing::warn!(campaign = id, error = %e, "stored target set does not parse: read as empty");
        Vec::new()
    })
}

/// The current targets of a campaign (none when no set was stored).
pub async fn current_targets(store: &Store, id: &str) -> Result<Vec<Target>, StoreError> {
    Ok(cmp_store::target_set(store, id)
        .await?
        .map(|v| stored(id, &v.targets))
        .unwrap_or_default())
}

/// The current set.
pub async fn current(
    sources: &Sources,
    caller: &Caller,
    id: &str,
    lang: Lang,
) -> Result<TargetSetView, ApiError> {
    campaign::find(sources, caller, id).await?;
    Ok(match cmp_store::target_set(&sources.store, id).await? {
        Some(v) => version_view(id, &v, lang),
        None => TargetSetView {
            campaign: id.to_owned(),
            targets: Vec::new(),
            changed_by: None,
            changed_at: None,
        },
    })
}

/// Every version.
pub async fn history(
    sources: &Sources,
    caller: &Caller,
    id: &str,
    lang: Lang,
) -> Result<TargetHistoryView, ApiError> {
    campaign::find(sources, caller, id).await?;
    Ok(TargetHistoryView {
        campaign: id.to_owned(),
        versions: cmp_store::target_history(&sources.store, id)
            .await?
            .iter()
            .map(|v| version_view(id, v, lang))
            .collect(),
    })
}

/// Replaces the whole set; the previous one stays in the history.
pub async fn put(
    store: &Store,
    caller: &Caller,
    id: &str,
    body: &[u8],
    lang: Lang,
) -> Result<TargetSetView, ApiError> {
    let campaign = campaign::find_for_write(store, caller, id).await?;
    let targets = parse_body(&campaign, body)?;
    let json = serde_json::to_string(&targets)
        .map_err(|e| ApiError::bad("body", format!("cannot be stored: {e}")))?;
    cmp_store::put_targets(store, id, &json, &caller.0.name).await?;
    caller.audit("replace_targets", id);
    let now = cmp_store::target_set(store, id).await?;
    Ok(TargetSetView {
        campaign: id.to_owned(),
        targets: targets.iter().map(|t| TargetDef::of(t, lang)).collect(),
        changed_by: Some(caller.0.name.clone()),
        changed_at: now.map(|v| v.changed_at),
    })
}

/// A target set body: `cmp_kpi`'s rules (errors name `[i].field`), at
/// most [`MAX_TARGETS`], each target's own period inside the flight.
pub fn parse_body(campaign: &Campaign, body: &[u8]) -> Result<Vec<Target>, ApiError> {
    let text = std::str::from_utf8(body).map_err(|_| ApiError::bad("body", "is not UTF-8"))?;
    let targets = parse_target_set(text)?;
    if targets.len() > MAX_TARGETS {
        return Err(ApiError::bad(
            "targets",
            format!("holds {} targets; at most {MAX_TARGETS}", targets.len()),
        ));
    }
    for (i, t) in targets.iter().enumerate() {
        for (field, date) in [("from", t.from), ("to", t.to)] {
            if let Some(d) = date
                && !(campaign.start_date..=campaign.end_date).contains(&d)
            {
                return Err(ApiError::bad(
                    format!("[{i}].{field}"),
                    format!(
                        "{d} is outside the campaign's flight {}..{}",
                        campaign.start_date, campaign.end_date
                    ),
                ));
            }
        }
    }
    Ok(targets)
}

/// The current targets judged on `today`, in order.
pub async fn judge(
    store: &Store,
    rules: Rules,
    campaign: &Campaign,
    today: NaiveDate,
) -> Result<Vec<Judged>, StoreError> {
    let targets = current_targets(store, &campaign.id).await?;
    if targets.is_empty() {
        return Ok(Vec::new());
    }
    evaluate_targets(store, campaign, &targets, today, rules.tz, rules.thresholds).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn campaign() -> Campaign {
        Campaign {
            id: "c".into(),
            name_en: "C".into(),
            name_fr: "C".into(),
            program: "oas".into(),
            start_date: NaiveDate::from_ymd_opt(2026, 10, 1).expect("date"),
            end_date: NaiveDate::from_ymd_opt(2027, 3, 31).expect("date"),
            budget_cents: 1,
            flight_plan: String::new(),
            owner: "esdc".into(),
        }
    }

    fn named(body: &str) -> String {
        match parse_body(&campaign(), body.as_bytes()) {
            Err(ApiError::BadRequest { parameter, .. }) => parameter,
            other => panic!("{body}: {other:?}"),
        }
    }

    #[test]
    fn the_contract_example_is_accepted_and_bad_sets_are_named() {
        let good = r#"[{"kpi": "uptake_completed", "target": 12000},
 {"kpi": "uptake_completed", "target": 3000, "segment": "seniors"},
 {"kpi": "program_online_share", "target": 0.65},
 {"kpi": "cost_per_uptake_cents", "target": 2500},
 {"kpi": "reach", "target": 400000, "region": "QC", "from": "2026-10-01", "to": "2026-12-31"}]"#;
        assert_eq!(
            parse_body(&campaign(), good.as_bytes())
                .map(|t| t.len())
                .ok(),
            Some(5)
        );
        assert_eq!(named(r#"[{"kpi":"conversions","target":1}]"#), "targets");
        assert_eq!(
            named(r#"[{"kpi":"clicks","target":1,"from":"2026-09-30"}]"#),
            "[0].from"
        );
        assert_eq!(
            named(r#"[{"kpi":"clicks","target":1},{"kpi":"clicks","target":1,"to":"2027-04-01"}]"#),
            "[1].to"
        );
        assert_eq!(
            named(r#"[{"kpi":"clicks","target":1,"region":"ZZ"}]"#),
            "[0].region"
        );
        assert_eq!(
            named(r#"[{"kpi":"clicks","target":1,"from":"2026-13-01"}]"#),
            "targets"
        );
        let many: Vec<String> = (0..=MAX_TARGETS)
            .map(|i| format!(r#"{{"kpi":"clicks","target":{}}}"#, i + 1))
            .collect();
        // Same scope repeated is refused first; vary the segment instead.
        let many: Vec<String> = many
            .iter()
            .enumerate()
            .map(|(i, t)| t.replace("}", &format!(r#","segment":"s{i}"}}"#)))
            .collect();
        assert_eq!(named(&format!("[{}]", many.join(","))), "targets");
    }
}
