//! The HTTP edge: the router, the extractors that turn path and body into
//! checked values (or an [`ApiError`]), and one module of handlers per
//! resource. Handlers only translate HTTP: parameters in, a view from
//! [`crate::views`] out.

pub mod anomalies;
pub mod attribution;
pub mod campaigns;
pub mod experiments;
pub mod history;
pub mod live;
pub mod offices;
pub mod ops;
pub mod pacing;
pub mod performance;
pub mod portfolio;
pub mod programs;
pub mod targets;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Path, Request, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::error::ApiError;
use crate::state::AppState;
use crate::{BODY_LIMIT, metrics, openapi, params};

/// Every route, as the router and the OpenAPI document name it.
pub const ROUTES: [&str; 14] = [
    "/healthz",
    "/readyz",
    "/api/v1/openapi.json",
    "/api/v1/campaigns",
    "/api/v1/campaigns/{campaign_id}",
    "/api/v1/campaigns/{campaign_id}/targets",
    "/api/v1/campaigns/{campaign_id}/performance",
    "/api/v1/campaigns/{campaign_id}/attainment-history",
    "/api/v1/campaigns/{campaign_id}/live",
    "/api/v1/attainment",
    "/api/v1/campaigns/{campaign_id}/experiments",
    "/api/v1/campaigns/{campaign_id}/experiments/{experiment_id}",
    "/api/v1/campaigns/{campaign_id}/pacing",
    "/api/v1/campaigns/{campaign_id}/anomalies",
];

/// The router of the API.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route(ROUTES[0], get(ops::healthz))
        .route(ROUTES[1], get(ops::readyz))
        .route(ROUTES[2], get(openapi::document))
        .route(ROUTES[3], get(campaigns::list))
        .route(ROUTES[4], get(campaigns::get).put(campaigns::put))
        .route(ROUTES[5], get(targets::get).put(targets::put))
        .route(ROUTES[6], get(performance::get))
        .route(ROUTES[7], get(history::get))
        .route(ROUTES[8], get(live::get))
        .route(ROUTES[9], get(portfolio::get))
        .merge(programs::routes())
        .merge(attribution::routes())
        .merge(offices::routes())
        .route(ROUTES[10], get(experiments::list))
        .route(ROUTES[11], get(experiments::get).put(experiments::put))
        .route(ROUTES[12], get(pacing::get))
        .route(ROUTES[13], get(anomalies::get))
        .merge(crate::pages::routes())
        .route_layer(middleware::from_fn_with_state(state.clone(), timeout))
        .route_layer(middleware::from_fn_with_state(
            state.metrics.clone(),
            metrics::track,
        ))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::NotFound("no such route".into())
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

/// A request that takes longer than the state's timeout gets a `503`
/// (a live stream is only timed until its response head).
async fn timeout(State(state): State<AppState>, req: Request, next: Next) -> Response {
    match tokio::time::timeout(state.request_timeout, next.run(req)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(after = ?state.request_timeout, "request timed out");
            ApiError::Timeout.into_response()
        }
    }
}

/// The `{campaign_id}` of the path, a checked slug.
#[derive(Debug)]
pub struct CampaignId(pub String);

impl<S: Send + Sync> FromRequestParts<S> for CampaignId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(id) = Path::<String>::from_request_parts(parts, state).await?;
        params::campaign_id(&id)?;
        Ok(CampaignId(id))
    }
}

/// A JSON request body: `Content-Type: application/json`, at most
/// [`BODY_LIMIT`] bytes (a larger `Content-Length` is refused before
/// reading); parsed by the data function that knows its fields.
#[derive(Debug)]
pub struct JsonBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
        if !json {
            return Err(ApiError::UnsupportedMediaType);
        }
        // Refused at once, not after waiting for a body that may never come.
        let announced = req
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if announced.is_some_and(|n| n > BODY_LIMIT as u64) {
            return Err(ApiError::PayloadTooLarge(BODY_LIMIT));
        }
        Ok(JsonBody(Bytes::from_request(req, state).await?))
    }
}

#[cfg(test)]
mod tests;
