//! The v1.1 routes of offices (contract/API.md, "Offices"):
//! `GET /api/v1/offices`, `GET`/`PUT /api/v1/offices/{office_id}` and
//! `GET /api/v1/offices/{office_id}/performance`. Kept in their own
//! router, merged into the API's under its metrics and timeout.

use axum::extract::{FromRequestParts, Path, State};
use axum::http::Uri;
use axum::http::request::Parts;
use axum::routing::get;
use axum::{Json, Router};

use super::JsonBody;
use crate::caller::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::params::Params;
use crate::state::AppState;
use crate::views::office_body::{self, OfficeBody};
use crate::views::office_performance::{self, OfficePerformanceView};
use crate::views::offices::{self, OfficeReply, OfficeView, OfficesView};

/// These routes, as the router and the OpenAPI document name them.
pub const ROUTES: [&str; 3] = [
    "/api/v1/offices",
    "/api/v1/offices/{office_id}",
    "/api/v1/offices/{office_id}/performance",
];

/// The routes (merged into the API's router).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(ROUTES[0], get(list))
        .route(ROUTES[1], get(get_office).put(put_office))
        .route(ROUTES[2], get(performance))
}

/// The `{office_id}` of the path, checked and upper-cased as ingest
/// stores it.
#[derive(Debug)]
pub struct OfficeId(pub String);

impl<S: Send + Sync> FromRequestParts<S> for OfficeId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(id) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::bad("office_id", "is not a valid path segment"))?;
        Ok(OfficeId(office_body::office_id(&id)?))
    }
}

/// Every registered office's current record: any token.
#[utoipa::path(get, path = "/api/v1/offices", tag = "offices",
    params(("lang" = Option<String>, Query, description = "en (default) or fr")),
    responses((status = 200, body = OfficesView),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    _caller: Caller,
    State(state): State<AppState>,
    uri: Uri,
) -> Result<Json<OfficesView>, ApiError> {
    let lang = Params::parse(&uri, &["lang"])?.lang()?;
    Ok(Json(offices::list(&state.sources.store, lang).await?))
}

/// An office's current record, or with `history=true` every version,
/// newest first, each with who stored it and when: any token.
#[utoipa::path(get, path = "/api/v1/offices/{office_id}", tag = "offices",
    params(("office_id" = String, Path, description = "The office's code, e.g. ON-0001 (any case)"),
        ("history" = Option<bool>, Query, description = "true: every version, newest first"),
        ("lang" = Option<String>, Query, description = "en (default) or fr")),
    responses(
        (status = 200, description = "The current record (an OfficeView), or with history=true every version (an OfficeHistoryView)", body = OfficeReply),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_office(
    _caller: Caller,
    State(state): State<AppState>,
    OfficeId(office_id): OfficeId,
    uri: Uri,
) -> Result<Json<OfficeReply>, ApiError> {
    let p = Params::parse(&uri, &["history", "lang"])?;
    let lang = p.lang()?;
    let history = p.flag("history")?;
    Ok(Json(
        offices::get(&state.sources.store, &office_id, history, lang).await?,
    ))
}

/// Registers an office or replaces its record (the previous one stays in
/// the history): admins only.
#[utoipa::path(put, path = "/api/v1/offices/{office_id}", tag = "offices",
    params(("office_id" = String, Path, description = "The office's code, e.g. ON-0001 (any case)"),
        ("lang" = Option<String>, Query, description = "en (default) or fr")),
    request_body = OfficeBody,
    responses(
        (status = 200, body = OfficeView),
        (status = 400, description = "A bad field: `parameter` names it, e.g. `fsas[1]`", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn put_office(
    caller: Caller,
    State(state): State<AppState>,
    OfficeId(office_id): OfficeId,
    uri: Uri,
    JsonBody(body): JsonBody,
) -> Result<Json<OfficeView>, ApiError> {
    let lang = Params::parse(&uri, &["lang"])?.lang()?;
    Ok(Json(
        offices::put(&state.sources.store, &caller, &office_id, &body, lang).await?,
    ))
}

/// The office's signage impressions by campaign (of the caller's
/// organisation), in-person uptake by program and stage, and its
/// catchment's online share per program: any token; client counts are
/// published for non-admins (docs/privacy.md).
#[utoipa::path(get, path = "/api/v1/offices/{office_id}/performance", tag = "offices",
    params(("office_id" = String, Path, description = "The office's code, e.g. ON-0001 (any case)"),
        ("from" = Option<String>, Query, description = "First day; default 27 days before `to`"),
        ("to" = Option<String>, Query, description = "Last day, inclusive; default today (reporting time zone)"),
        ("lang" = Option<String>, Query, description = "en (default) or fr")),
    responses(
        (status = 200, body = OfficePerformanceView),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, description = "The office is not registered", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn performance(
    caller: Caller,
    State(state): State<AppState>,
    OfficeId(office_id): OfficeId,
    uri: Uri,
) -> Result<Json<OfficePerformanceView>, ApiError> {
    let p = Params::parse(&uri, &["from", "to", "lang"])?;
    let (from, to) = (p.date("from")?, p.date("to")?);
    let lang = p.lang()?;
    Ok(Json(
        office_performance::performance(&state.sources, &caller, &office_id, from, to, lang)
            .await?,
    ))
}
