//! `GET /api/v1/campaigns/{campaign_id}/attainment-history`.

use axum::Json;
use axum::extract::State;
use axum::http::Uri;

use super::CampaignId;
use crate::caller::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::params::Params;
use crate::state::AppState;
use crate::views::history::{self, HistoryRequest, HistoryView};

/// Each target's recorded actual, attainment, pace and status over time
/// (snapshots every few minutes and at each day's end).
#[utoipa::path(get, path = "/api/v1/campaigns/{campaign_id}/attainment-history", tag = "targets",
    params(("campaign_id" = String, Path),
        ("from" = Option<String>, Query, description = "YYYY-MM-DD; default 30 days before `to`"),
        ("to" = Option<String>, Query, description = "YYYY-MM-DD, inclusive; default today"),
        ("target" = Option<u16>, Query, description = "one target's position in the set (0 first); default all"),
        ("end_of_day" = Option<bool>, Query, description = "true: only the day-end snapshots"),
        ("lang" = Option<String>, Query, description = "en (default) or fr")),
    responses(
        (status = 200, body = HistoryView),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    caller: Caller,
    State(state): State<AppState>,
    CampaignId(id): CampaignId,
    uri: Uri,
) -> Result<Json<HistoryView>, ApiError> {
    let p = Params::parse(&uri, &["from", "to", "target", "end_of_day", "lang"])?;
    let req = HistoryRequest {
        from: p.date("from")?,
        to: p.date("to")?,
        target: p.index("target")?,
        end_of_day: p.flag("end_of_day")?,
    };
    let lang = p.lang()?;
    Ok(Json(
        history::history(&state.sources, &caller, &id, &req, lang).await?,
    ))
}
