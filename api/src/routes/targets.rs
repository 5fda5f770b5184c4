//! `GET` and `PUT /api/v1/campaigns/{campaign_id}/targets`.

use axum::Json;
use axum::extract::State;
use axum::http::Uri;
use axum::response::{IntoResponse, Response};

use super::{CampaignId, JsonBody};
use crate::caller::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::params::Params;
use crate::state::AppState;
use crate::views::targets::{self, TargetBody, TargetSetView, TargetsReply};

/// The current target set, or with `history=true` every version, newest
/// first, each with who stored it and when.
#[utoipa::path(get, path = "/api/v1/campaigns/{campaign_id}/targets", tag = "targets",
    params(("campaign_id" = String, Path),
        ("history" = Option<bool>, Query, description = "true: every version, newest first"),
        ("lang" = Option<String>, Query, description = "en (default) or fr")),
    responses(
        (status = 200, description = "The current set (a TargetSetView), or with history=true every version (a TargetHistoryView)", body = TargetsReply),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    caller: Caller,
    State(state): State<AppState>,
    CampaignId(id): CampaignId,
    uri: Uri,
) -> Result<Response, ApiError> {
    let p = Params::parse(&uri, &["history", "lang"])?;
    let lang = p.lang()?;
    Ok(Json(if p.flag("history")? {
        TargetsReply::History(targets::history(&state.sources, &caller, &id, lang).await?)
    } else {
        TargetsReply::Current(targets::current(&state.sources, &caller, &id, lang).await?)
    })
    .into_response())
}

/// Replaces the campaign's whole target set (the previous one stays in
/// the history): managers of the campaign and admins.
#[utoipa::path(put, path = "/api/v1/campaigns/{campaign_id}/targets", tag = "targets",
    params(("campaign_id" = String, Path), ("lang" = Option<String>, Query, description = "en (default) or fr")),
    request_body = Vec<TargetBody>,
    responses(
        (status = 200, body = TargetSetView),
        (status = 400, description = "A bad target: `parameter` names it, e.g. `[2].region`", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn put(
    caller: Caller,
    State(state): State<AppState>,
    CampaignId(id): CampaignId,
    uri: Uri,
    JsonBody(body): JsonBody,
) -> Result<Json<TargetSetView>, ApiError> {
    let lang = Params::parse(&uri, &["lang"])?.lang()?;
    let set = targets::put(&state.sources.store, &caller, &id, &body, lang).await?;
    state.sources.memo.wrote();
    Ok(Json(set))
}
