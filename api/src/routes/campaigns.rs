//! `GET /api/v1/campaigns`, `GET` and `PUT /api/v1/campaigns/{campaign_id}`.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, Uri};

use super::{CampaignId, JsonBody};
use crate::caller::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::params::Params;
use crate::state::AppState;
use crate::views::campaign::{self, CampaignBody, CampaignView};

/// The campaigns the caller may read (a manager: its own), by id.
#[utoipa::path(get, path = "/api/v1/campaigns", tag = "campaigns",
    params(("lang" = Option<String>, Query, description = "en (default) or fr")),
    responses(
        (status = 200, body = Vec<CampaignView>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    caller: Caller,
    State(state): State<AppState>,
    uri: Uri,
) -> Result<Json<Vec<CampaignView>>, ApiError> {
    let lang = Params::parse(&uri, &["lang"])?.lang()?;
    let all = campaign::list(&state.sources, &caller).await?;
    Ok(Json(
        all.iter().map(|c| CampaignView::of(c, lang)).collect(),
    ))
}

/// One campaign.
#[utoipa::path(get, path = "/api/v1/campaigns/{campaign_id}", tag = "campaigns",
    params(("campaign_id" = String, Path), ("lang" = Option<String>, Query, description = "en (default) or fr")),
    responses(
        (status = 200, body = CampaignView),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    caller: Caller,
    State(state): State<AppState>,
    CampaignId(id): CampaignId,
    uri: Uri,
) -> Result<Json<CampaignView>, ApiError> {
    let lang = Params::parse(&uri, &["lang"])?.lang()?;
    let c = campaign::find(&state.sources, &caller, &id).await?;
    Ok(Json(CampaignView::of(&c, lang)))
}

/// Creates (`201`) or replaces (`200`) a campaign: managers of it (or of
/// `*`) and admins.
#[utoipa::path(put, path = "/api/v1/campaigns/{campaign_id}", tag = "campaigns",
    params(("campaign_id" = String, Path), ("lang" = Option<String>, Query, description = "en (default) or fr")),
    request_body = CampaignBody,
    responses(
        (status = 200, description = "Replaced", body = CampaignView),
        (status = 201, description = "Created", body = CampaignView),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn put(
    caller: Caller,
    State(state): State<AppState>,
    CampaignId(id): CampaignId,
    uri: Uri,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<CampaignView>), ApiError> {
    let lang = Params::parse(&uri, &["lang"])?.lang()?;
    let (created, c) = campaign::put(&state.sources.store, &caller, &id, &body).await?;
    state.sources.memo.wrote();
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(CampaignView::of(&c, lang))))
}
