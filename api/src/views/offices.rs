//! The office registry (contract/API.md v1.1, "Offices"): every office's
//! current record, one office's record or every version (who and when),
//! and replacing a record (admins only). Readable by any token: the
//! registry holds no client data.

use chrono::{DateTime, Utc};
use cmp_kpi::{LabelKind, Lang, label_or_code};
use cmp_store::{OfficeVersion, Store};
use serde::Serialize;
use utoipa::ToSchema;

use super::office_body::{self, OfficeBody};
use crate::caller::Caller;
use crate::error::ApiError;

/// One version of an office's record.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct OfficeView {
    #[schema(example = "ON-0001")]
    pub office_id: String,
    #[serde(flatten)]
    #[schema(inline)]
    pub office: OfficeBody,
    /// The name in the asked language.
    pub label: String,
    pub region_label: String,
    /// The token name that stored this version.
    pub changed_by: String,
    pub changed_at: DateTime<Utc>,
}

/// Every office's current record, by office_id.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct OfficesView {
    pub offices: Vec<OfficeView>,
}

/// Every version of an office's record, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct OfficeHistoryView {
    pub office_id: String,
    pub versions: Vec<OfficeView>,
}

/// The answer of `GET /api/v1/offices/{office_id}`: the current record,
/// or with `history=true` every version.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(untagged)]
pub enum OfficeReply {
    Current(OfficeView),
    History(OfficeHistoryView),
}

/// A stored record, parsed (it was checked when stored; one that no
/// longer parses is logged and skipped).
pub fn view(v: &OfficeVersion, lang: Lang) -> Option<OfficeView> {
    let office = office_body::parse(v.office.as_bytes())
        .map_err(|e| {
            tracing::warn!(office_id = %v.office_id, error = %e, "stored office does not parse: skipped");
        })
        .ok()?;
    Some(OfficeView {
        office_id: v.office_id.clone(),
        label: match lang {
            Lang::En => office.name.en.clone(),
            Lang::Fr => office.name.fr.clone(),
        },
        region_label: label_or_code(LabelKind::Region, &office.region, lang).into_owned(),
        office,
        changed_by: v.changed_by.clone(),
        changed_at: v.changed_at,
    })
}

/// Every office's current record.
pub async fn list(store: &Store, lang: Lang) -> Result<OfficesView, ApiError> {
    Ok(OfficesView {
        offices: cmp_store::offices(store)
            .await?
            .iter()
            .filter_map(|v| view(v, lang))
            .collect(),
    })
}

/// The current record of `office_id`, or `404`.
pub async fn current(store: &Store, office_id: &str, lang: Lang) -> Result<OfficeView, ApiError> {
    cmp_store::office(store, office_id)
        .await?
        .and_then(|v| view(&v, lang))
        .ok_or_else(|| ApiError::NotFound(format!("office `{office_id}` is not registered")))
}

/// The current record, or every version.
pub async fn get(
    store: &Store,
    office_id: &str,
    history: bool,
    lang: Lang,
) -> Result<OfficeReply, ApiError> {
    if !history {
        return Ok(OfficeReply::Current(current(store, office_id, lang).await?));
    }
    let versions: Vec<OfficeView> = cmp_store::office_history(store, office_id)
        .await?
        .iter()
        .filter_map(|v| view(v, lang))
        .collect();
    if versions.is_empty() {
        return Err(ApiError::NotFound(format!(
            "office `{office_id}` is not registered"
        )));
    }
    Ok(OfficeReply::History(OfficeHistoryView {
        office_id: office_id.to_owned(),
        versions,
    }))
}

/// Replaces the office's record (admins); the previous one stays in the
/// history.
pub async fn put(
    store: &Store,
    caller: &Caller,
    office_id: &str,
    body: &[u8],
    lang: Lang,
) -> Result<OfficeView, ApiError> {
    if !caller.is_admin() {
        return Err(ApiError::Forbidden(format!(
            "token `{}` ({}) may not change offices: admins only",
            caller.0.name,
            caller.0.role.as_str()
        )));
    }
    let office = office_body::parse(body)?;
    let json = serde_json::to_string(&office)
        .map_err(|e| ApiError::bad("body", format!("cannot be stored: {e}")))?;
    cmp_store::put_office(store, office_id, &json, &caller.0.name).await?;
    tracing::info!(
        target: "cmp_api::audit",
        token = %caller.0.name,
        role = caller.0.role.as_str(),
        action = "replace_office",
        office_id,
        "audit"
    );
    current(store, office_id, lang).await
}
