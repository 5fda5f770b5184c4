//! `GET /api/v1/campaigns/{campaign_id}/anomalies`.

use axum::Json;
use axum::extract::State;
use axum::http::Uri;

use super::CampaignId;
use crate::caller::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::params::Params;
use crate::state::AppState;
use crate::views::anomalies::{self, AnomaliesView};

/// The days a daily KPI left its expected band.
#[utoipa::path(get, path = "/api/v1/campaigns/{campaign_id}/anomalies", tag = "performance",
    params(("campaign_id" = String, Path),
        ("from" = Option<String>, Query, description = "YYYY-MM-DD; default 27 days before `to`, within the flight"),
        ("to" = Option<String>, Query, description = "YYYY-MM-DD, inclusive; default yesterday, within the flight"),
        ("lang" = Option<String>, Query, description = "en (default) or fr")),
    responses(
        (status = 200, body = AnomaliesView),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    caller: Caller,
    State(state): State<AppState>,
    CampaignId(id): CampaignId,
    uri: Uri,
) -> Result<Json<AnomaliesView>, ApiError> {
    let p = Params::parse(&uri, &["from", "to", "lang"])?;
    let asked = (p.date("from")?, p.date("to")?);
    let lang = p.lang()?;
    Ok(Json(
        anomalies::view(&state.sources, &caller, &id, asked, lang).await?,
    ))
}
