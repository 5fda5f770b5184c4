//! Unit costs of service (contract/API.md v1.1): a program's current cost
//! list or every version (who and when), and replacing the whole list
//! (admins only). Each cost is shown with its source and its channel's
//! label; the pipeline never invents a cost, so a channel without one is
//! simply absent here (the channel-shift route lists it as missing).

use chrono::{DateTime, Utc};
use cmp_kpi::{LabelKind, Lang, ServiceCost, label_or_code, parse_costs};
use cmp_store::{CostsVersion, Store};
use serde::Serialize;
use utoipa::ToSchema;

use super::program_counts::find_program;
use crate::caller::Caller;
use crate::error::ApiError;

/// One unit cost as sent in a `PUT` body.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CostBody {
    #[schema(example = "2026-27")]
    pub fiscal_year: String,
    /// `online`, `phone`, `in_person` or `mail`.
    #[schema(example = "online")]
    pub service_channel: String,
    /// Cents per transaction through the channel.
    #[schema(example = 95)]
    pub cost_cents: u64,
    /// Where the figure comes from.
    #[schema(example = "program cost model 2026")]
    pub source: String,
}

/// One unit cost as shown.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CostView {
    #[serde(flatten)]
    #[schema(inline)]
    pub cost: CostBody,
    pub service_channel_label: String,
}

impl CostView {
    pub fn of(c: &ServiceCost, lang: Lang) -> CostView {
        CostView {
            cost: CostBody {
                fiscal_year: c.fiscal_year.to_string(),
                service_channel: c.service_channel.clone(),
                cost_cents: c.cost_cents,
                source: c.source.clone(),
            },
            service_channel_label: label_or_code(
                LabelKind::ServiceChannel,
                &c.service_channel,
                lang,
            )
            .into_owned(),
        }
    }
}

/// One version of a program's cost list.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CostsView {
    pub program: String,
    pub program_label: String,
    pub costs: Vec<CostView>,
    /// The token name that stored this version (`null`: none stored yet).
    pub changed_by: Option<String>,
    pub changed_at: Option<DateTime<Utc>>,
}

/// Every version of a program's cost list, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CostsHistoryView {
    pub program: String,
    pub program_label: String,
    pub versions: Vec<CostsView>,
}

/// The answer of `GET …/service-costs`: the current list, or with
/// `history=true` every version.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(untagged)]
pub enum CostsReply {
    Current(CostsView),
    History(CostsHistoryView),
}

/// A stored list, parsed (it was checked when stored; one that no longer
/// parses is logged and read as empty: no cost rather than a wrong one).
pub fn stored(program: &str, json: &str) -> Vec<ServiceCost> {
    parse_costs(json).unwrap_or_else(|e| {
        tracing::warn!(program, error = %e, "stored cost list does not parse: read as empty");
        Vec::new()
    })
}

fn view(program: &str, v: Option<&CostsVersion>, lang: Lang) -> CostsView {
    CostsView {
        program: program.to_owned(),
        program_label: label_or_code(LabelKind::Program, program, lang).into_owned(),
        costs: v
            .map(|v| stored(program, &v.costs))
            .unwrap_or_default()
            .iter()
            .map(|c| CostView::of(c, lang))
            .collect(),
        changed_by: v.map(|v| v.changed_by.clone()),
        changed_at: v.map(|v| v.changed_at),
    }
}

/// The current list, or every version.
pub async fn get(
    store: &Store,
    caller: &Caller,
    program: &str,
    history: bool,
    lang: Lang,
) -> Result<CostsReply, ApiError> {
    find_program(store, caller, program).await?;
    Ok(if history {
        CostsReply::History(CostsHistoryView {
            program: program.to_owned(),
            program_label: label_or_code(LabelKind::Program, program, lang).into_owned(),
            versions: cmp_store::service_cost_history(store, program)
                .await?
                .iter()
                .map(|v| view(program, Some(v), lang))
                .collect(),
        })
    } else {
        let current = cmp_store::service_costs(store, program).await?;
        CostsReply::Current(view(program, current.as_ref(), lang))
    })
}

/// Replaces the program's whole list (admins); the previous one stays in
/// the history.
pub async fn put(
    store: &Store,
    caller: &Caller,
    program: &str,
    body: &[u8],
    lang: Lang,
) -> Result<CostsView, ApiError> {
    if !caller.is_admin() {
        return Err(ApiError::Forbidden(format!(
            "token `{}` ({}) may not change unit costs: admins only",
            caller.0.name,
            caller.0.role.as_str()
        )));
    }
    let text = std::str::from_utf8(body).map_err(|_| ApiError::bad("body", "is not UTF-8"))?;
    let costs = parse_costs(text)?;
    let json = serde_json::to_string(&costs)
        .map_err(|e| ApiError::bad("body", format!("cannot be stored: {e}")))?;
    cmp_store::put_service_costs(store, program, &json, &caller.0.name).await?;
    caller.audit_program("replace_service_costs", program);
    let now = cmp_store::service_costs(store, program).await?;
    Ok(view(program, now.as_ref(), lang))
}
