//! `GET /api/v1/campaigns/{campaign_id}/performance`.

use axum::Json;
use axum::extract::State;
use axum::http::Uri;

use super::CampaignId;
use crate::caller::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::params::Params;
use crate::state::AppState;
use crate::views::performance::{self, PerformanceRequest, PerformanceView};

/// Totals, breakdown groups, an optional series and the targets judged.
#[utoipa::path(get, path = "/api/v1/campaigns/{campaign_id}/performance", tag = "performance",
    params(("campaign_id" = String, Path),
        ("from" = Option<String>, Query, description = "YYYY-MM-DD; default the campaign's first day"),
        ("to" = Option<String>, Query, description = "YYYY-MM-DD, inclusive; default the campaign's last day or today"),
        ("by" = Option<String>, Query, description = "comma-separated: segment, channel, service_channel, region, language"),
        ("granularity" = Option<String>, Query, description = "hour, day or week: adds a series"),
        ("lang" = Option<String>, Query, description = "en (default) or fr")),
    responses(
        (status = 200, body = PerformanceView),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    caller: Caller,
    State(state): State<AppState>,
    CampaignId(id): CampaignId,
    uri: Uri,
) -> Result<Json<PerformanceView>, ApiError> {
    let p = Params::parse(&uri, &["from", "to", "by", "granularity", "lang"])?;
    let req = PerformanceRequest {
        from: p.date("from")?,
        to: p.date("to")?,
        by: p.by()?,
        granularity: p.granularity()?,
    };
    let lang = p.lang()?;
    Ok(Json(
        performance::performance(&state.sources, &caller, &id, &req, lang).await?,
    ))
}
