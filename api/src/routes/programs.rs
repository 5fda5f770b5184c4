//! The v1.1 routes of programs (contract/API.md, "Channel shift and the
//! cost of service"): `GET`/`PUT /api/v1/programs/{program}/service-costs`,
//! `GET /api/v1/programs/{program}/channel-shift` and
//! `GET /api/v1/service-inventory`. Kept in their own router, merged into
//! the API's under its metrics and timeout.

use axum::extract::{FromRequestParts, Path, State};
use axum::http::Uri;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

use super::JsonBody;
use crate::caller::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::params::{self, Format, Params};
use crate::state::AppState;
use crate::views::costs::{self, CostBody, CostsReply, CostsView};
use crate::views::inventory::{self, InventoryView};
use crate::views::shift::{self, Asked, ChannelShiftView};

/// These routes, as the router and the OpenAPI document name them.
pub const ROUTES: [&str; 3] = [
    "/api/v1/programs/{program}/service-costs",
    "/api/v1/programs/{program}/channel-shift",
    "/api/v1/service-inventory",
];

/// The routes (merged into the API's router).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(ROUTES[0], get(get_costs).put(put_costs))
        .route(ROUTES[1], get(channel_shift))
        .route(ROUTES[2], get(service_inventory))
}

/// The `{program}` of the path, a checked slug.
#[derive(Debug)]
pub struct Program(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Program {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(program) = Path::<String>::from_request_parts(parts, state).await?;
        params::program(&program)?;
        Ok(Program(program))
    }
}

/// A program's unit costs of service, or with `history=true` every
/// version, newest first, each with who stored it and when: the
/// program's readers (admins, executives, managers of one of its
/// campaigns).
#[utoipa::path(get, path = "/api/v1/programs/{program}/service-costs", tag = "programs",
    params(("program" = String, Path, description = "The program's slug, e.g. oas"),
        ("history" = Option<bool>, Query, description = "true: every version, newest first"),
        ("lang" = Option<String>, Query, description = "en (default) or fr")),
    responses(
        (status = 200, description = "The current list (a CostsView), or with history=true every version (a CostsHistoryView)", body = CostsReply),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, description = "No campaign, unit cost or uptake names the program", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_costs(
    caller: Caller,
    State(state): State<AppState>,
    Program(program): Program,
    uri: Uri,
) -> Result<Json<CostsReply>, ApiError> {
    let p = Params::parse(&uri, &["history", "lang"])?;
    let lang = p.lang()?;
    let history = p.flag("history")?;
    Ok(Json(
        costs::get(&state.sources.store, &caller, &program, history, lang).await?,
    ))
}

/// Replaces the program's whole list of unit costs (the previous one stays
/// in the history): admins only.
#[utoipa::path(put, path = "/api/v1/programs/{program}/service-costs", tag = "programs",
    params(("program" = String, Path, description = "The program's slug, e.g. oas"),
        ("lang" = Option<String>, Query, description = "en (default) or fr")),
    request_body = Vec<CostBody>,
    responses(
        (status = 200, body = CostsView),
        (status = 400, description = "A bad cost: `parameter` names it, e.g. `[2].cost_cents`", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn put_costs(
    caller: Caller,
    State(state): State<AppState>,
    Program(program): Program,
    uri: Uri,
    JsonBody(body): JsonBody,
) -> Result<Json<CostsView>, ApiError> {
    let lang = Params::parse(&uri, &["lang"])?.lang()?;
    Ok(Json(
        costs::put(&state.sources.store, &caller, &program, &body, lang).await?,
    ))
}

/// The program's uptake by service channel over a period and a baseline,
/// what it cost and what the shift saved: the program's readers.
#[utoipa::path(get, path = "/api/v1/programs/{program}/channel-shift", tag = "programs",
    params(("program" = String, Path, description = "The program's slug, e.g. oas"),
        ("from" = Option<String>, Query, description = "First day; default 12 months before the day after `to`"),
        ("to" = Option<String>, Query, description = "Last day, inclusive; default the last day of the previous month"),
        ("baseline_from" = Option<String>, Query, description = "First day of the baseline; default 12 months before `from`"),
        ("baseline_to" = Option<String>, Query, description = "Last day of the baseline; default the day before `from`"),
        ("lang" = Option<String>, Query, description = "en (default) or fr")),
    responses(
        (status = 200, body = ChannelShiftView),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, description = "No campaign, unit cost or uptake names the program", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn channel_shift(
    caller: Caller,
    State(state): State<AppState>,
    Program(program): Program,
    uri: Uri,
) -> Result<Json<ChannelShiftView>, ApiError> {
    let p = Params::parse(
        &uri,
        &["from", "to", "baseline_from", "baseline_to", "lang"],
    )?;
    let asked = Asked {
        from: p.date("from")?,
        to: p.date("to")?,
        baseline_from: p.date("baseline_from")?,
        baseline_to: p.date("baseline_to")?,
    };
    let lang = p.lang()?;
    Ok(Json(
        shift::channel_shift(&state.sources, &caller, &program, asked, lang).await?,
    ))
}

/// Applications submitted per program and service channel in a fiscal
/// year, under the Government of Canada Service Inventory's field names,
/// with the online share; `format=csv` gives RFC 4180 CSV. Rows: the
/// programs the caller reads.
#[utoipa::path(get, path = "/api/v1/service-inventory", tag = "programs",
    params(
        ("fiscal_year" = String, Query, description = "2026-27 or 2026: the year from 1 April 2026"),
        ("format" = Option<String>, Query, description = "json (default) or csv"),
        ("lang" = Option<String>, Query, description = "en (default) or fr")),
    responses(
        (status = 200, content(
            (InventoryView = "application/json"),
            (String = "text/csv"))),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn service_inventory(
    caller: Caller,
    State(state): State<AppState>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let p = Params::parse(&uri, &["fiscal_year", "format", "lang"])?;
    let fy = p.fiscal_year()?;
    let format = p.format()?;
    let lang = p.lang()?;
    let view = inventory::inventory(&state.sources, &caller, fy, lang).await?;
    Ok(match format {
        Format::Json => Json(view).into_response(),
        Format::Csv => crate::csv::download(
            &format!("service-inventory-{}-{lang}.csv", view.fiscal_year),
            inventory::to_csv(&view, lang),
        ),
    })
}
