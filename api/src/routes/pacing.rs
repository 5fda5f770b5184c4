//! `GET /api/v1/campaigns/{campaign_id}/pacing`.

use axum::Json;
use axum::extract::State;
use axum::http::Uri;

use super::CampaignId;
use crate::caller::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::params::Params;
use crate::state::AppState;
use crate::views::pacing::{self, PacingView};

/// Spend to date against the plan, the projections and the status.
#[utoipa::path(get, path = "/api/v1/campaigns/{campaign_id}/pacing", tag = "performance",
    params(("campaign_id" = String, Path),
        ("lang" = Option<String>, Query, description = "en (default) or fr")),
    responses(
        (status = 200, body = PacingView),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    caller: Caller,
    State(state): State<AppState>,
    CampaignId(id): CampaignId,
    uri: Uri,
) -> Result<Json<PacingView>, ApiError> {
    let lang = Params::parse(&uri, &["lang"])?.lang()?;
    Ok(Json(
        pacing::view(&state.sources, &caller, &id, lang).await?,
    ))
}
