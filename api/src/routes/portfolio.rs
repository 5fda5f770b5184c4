//! `GET /api/v1/attainment?fiscal_year=…[&format=csv]`.

use axum::Json;
use axum::extract::State;
use axum::http::Uri;
use axum::response::{IntoResponse, Response};

use crate::caller::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::params::{Format, Params};
use crate::state::AppState;
use crate::views::portfolio::{self, PortfolioView};

/// Every target of every campaign the caller may read whose flight
/// overlaps the fiscal year (of one organisation with `organisation`),
/// riskiest first, with each campaign's budget pacing (`pacing`) and, for
/// a campaign with a registered geographic experiment, its newest
/// experiment's incremental result (`incremental`: the lift, its 90 %
/// interval and the decision, as the experiment route gives them);
/// `format=csv` gives RFC 4180 CSV of the targets with a header row in the
/// chosen language.
#[utoipa::path(get, path = "/api/v1/attainment", tag = "portfolio",
    params(
        ("fiscal_year" = String, Query, description = "2026-27 or 2026: the year from 1 April 2026"),
        ("format" = Option<String>, Query, description = "json (default) or csv"),
        ("organisation" = Option<String>, Query, description = "only the campaigns this organisation owns (a slug, e.g. ircc)"),
        ("lang" = Option<String>, Query, description = "en (default) or fr")),
    responses(
        (status = 200, content(
            (PortfolioView = "application/json"),
            (String = "text/csv"))),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    caller: Caller,
    State(state): State<AppState>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let p = Params::parse(&uri, &["fiscal_year", "format", "organisation", "lang"])?;
    let fy = p.fiscal_year()?;
    let organisation = p.organisation()?;
    let format = p.format()?;
    let lang = p.lang()?;
    let view =
        portfolio::portfolio(&state.sources, &caller, fy, organisation.as_deref(), lang).await?;
    Ok(match format {
        Format::Json => Json(view).into_response(),
        Format::Csv => crate::csv::download(
            &format!("attainment-{}-{lang}.csv", view.fiscal_year),
            portfolio::to_csv(&view, lang),
        ),
    })
}
