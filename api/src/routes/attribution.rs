//! The v1.1 routes of what a campaign caused (contract/API.md, "Attribution
//! to exposure" and "Message tests"):
//! `GET /api/v1/campaigns/{campaign_id}/attribution` and
//! `GET /api/v1/campaigns/{campaign_id}/variants`. Kept in their own
//! router, merged into the API's under its metrics and timeout.

use axum::extract::State;
use axum::http::Uri;
use axum::routing::get;
use axum::{Json, Router};
use cmp_report::attribution::Model;

use super::CampaignId;
use crate::caller::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::params::Params;
use crate::state::AppState;
use crate::views::attribution::{self, AttributionRequest, AttributionView, By};
use crate::views::variants::{self, VariantsRequest, VariantsView};

/// These routes, as the router and the OpenAPI document name them.
pub const ROUTES: [&str; 2] = [
    "/api/v1/campaigns/{campaign_id}/attribution",
    "/api/v1/campaigns/{campaign_id}/variants",
];

/// The routes (merged into the API's router).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(ROUTES[0], get(get_attribution))
        .route(ROUTES[1], get(get_variants))
}

/// Per stage: the credit the campaign's exposures earn for the program's
/// uptake (shared with the program's other campaigns: one uptake event's
/// credits add up to 1), the uptake referred by the campaign, and both.
#[utoipa::path(get, path = "/api/v1/campaigns/{campaign_id}/attribution", tag = "attribution",
    params(("campaign_id" = String, Path),
        ("from" = Option<String>, Query, description = "YYYY-MM-DD (uptake event time); default the campaign's first day"),
        ("to" = Option<String>, Query, description = "YYYY-MM-DD, inclusive; default the campaign's last day or today"),
        ("model" = Option<String>, Query, description = "last_touch (default) or linear"),
        ("by" = Option<String>, Query, description = "one of channel, variant, segment, region, language (of the credited exposure) or service_channel (of the uptake)"),
        ("lang" = Option<String>, Query, description = "en (default) or fr")),
    responses(
        (status = 200, body = AttributionView),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_attribution(
    caller: Caller,
    State(state): State<AppState>,
    CampaignId(id): CampaignId,
    uri: Uri,
) -> Result<Json<AttributionView>, ApiError> {
    let p = Params::parse(&uri, &["from", "to", "model", "by", "lang"])?;
    let model = match p.get("model") {
        None => Model::LastTouch,
        Some(m) => Model::parse(m).ok_or_else(|| {
            ApiError::bad(
                "model",
                format!("has unknown value `{m}`; expected last_touch or linear"),
            )
        })?,
    };
    let req = AttributionRequest {
        from: p.date("from")?,
        to: p.date("to")?,
        model,
        by: p.get("by").map(By::parse).transpose()?,
    };
    let lang = p.lang()?;
    Ok(Json(
        attribution::attribution(&state.sources, &caller, &id, &req, lang).await?,
    ))
}

/// Per variant and language (and combined): exposure, clicks, last-touch
/// completions, conversion, lift over control with its always-valid 95 %
/// interval, the sample-ratio check and a decision.
#[utoipa::path(get, path = "/api/v1/campaigns/{campaign_id}/variants", tag = "attribution",
    params(("campaign_id" = String, Path),
        ("from" = Option<String>, Query, description = "YYYY-MM-DD; default the campaign's first day"),
        ("to" = Option<String>, Query, description = "YYYY-MM-DD, inclusive; default the campaign's last day or today"),
        ("control" = Option<String>, Query, description = "the control variant; default `control`, else the alphabetically first"),
        ("metric" = Option<String>, Query, description = "conversion (the default and only one)"),
        ("lang" = Option<String>, Query, description = "en (default) or fr")),
    responses(
        (status = 200, body = VariantsView),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_variants(
    caller: Caller,
    State(state): State<AppState>,
    CampaignId(id): CampaignId,
    uri: Uri,
) -> Result<Json<VariantsView>, ApiError> {
    let p = Params::parse(&uri, &["from", "to", "control", "metric", "lang"])?;
    if let Some(m) = p.get("metric").filter(|m| *m != "conversion") {
        return Err(ApiError::bad(
            "metric",
            format!("has unknown value `{m}`; expected conversion"),
        ));
    }
    let control = p.get("control").map(str::to_owned);
    if let Some(c) = &control
        && !cmp_model::rules::is_slug(c)
    {
        return Err(ApiError::bad(
            "control",
            "must be a slug: 1-64 characters of a-z 0-9 _ -, starting with a letter or digit",
        ));
    }
    let req = VariantsRequest {
        from: p.date("from")?,
        to: p.date("to")?,
        control,
    };
    let lang = p.lang()?;
    Ok(Json(
        variants::variants(&state.sources, &caller, &id, &req, lang).await?,
    ))
}
