//! The dashboard: HTML pages rendered on the server from the same views
//! as the JSON routes (rights, suppression, labels and judgements are
//! theirs), so every page and table works without JavaScript; `app.js`
//! only adds live totals and a pause button. Charts are inline SVG, each
//! with its data table. Every word comes in both official languages and
//! every page links to itself in the other one.
//!
//! Pages need a signed-in viewer: the bearer token of the API, or the
//! session cookie set by the sign-in page ([`crate::session`]); without
//! one the browser is sent to sign in. A page answers with a restrictive
//! Content-Security-Policy (scripts, styles and requests to this origin
//! only; no inline script or style) and is never cached.

pub mod anomalies;
pub mod assets;
pub mod campaign;
pub mod chart;
pub mod effect;
pub mod error;
pub mod experiments;
pub mod format;
pub mod layout;
pub mod list;
pub mod offices;
pub mod pacing;
pub mod portfolio;
pub mod sign_in;
pub mod table;
pub mod url;
pub mod words;

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequestParts};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::request::Parts;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use cmp_kpi::{Disclosure, Lang};
use maud::Markup;

use crate::caller::{self, Caller};
use crate::error::ApiError;
use crate::params::Params;
use crate::state::AppState;
use error::{Failure, PageError};

/// The dashboard's routes, as the router and the OpenAPI document name them.
pub const ROUTES: [&str; 8] = [
    "/",
    "/dashboard",
    "/dashboard/campaigns/{campaign_id}",
    "/dashboard/portfolio",
    "/dashboard/sign-in",
    "/dashboard/sign-out",
    "/assets/app.css",
    "/assets/app.js",
];

/// Largest sign-in form accepted (a token and a return address).
pub const FORM_LIMIT: usize = 4 * 1024;

/// The pages' routes (merged into the API's router, under its metrics).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(ROUTES[0], get(home))
        .route(ROUTES[1], get(list::get))
        .route(ROUTES[2], get(campaign::get))
        .route(ROUTES[3], get(portfolio::get))
        .route(
            ROUTES[4],
            get(sign_in::form)
                .post(sign_in::submit)
                .layer(DefaultBodyLimit::max(FORM_LIMIT)),
        )
        .route(ROUTES[5], post(sign_in::sign_out))
        .route(ROUTES[6], get(assets::css))
        .route(ROUTES[7], get(assets::js))
        .merge(offices::routes())
}

/// The site's root: the dashboard.
#[utoipa::path(get, path = "/", tag = "dashboard",
    responses((status = 303, description = "To the dashboard (`/dashboard`)")))]
pub async fn home() -> Redirect {
    Redirect::to("/dashboard")
}

/// What pages allow (no inline script or style, nothing from elsewhere).
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// A page as a response: HTML, never cached, under the pages' CSP.
pub fn respond(status: StatusCode, page: Markup) -> Response {
    (
        status,
        [
            (CONTENT_TYPE, "text/html; charset=utf-8"),
            (CACHE_CONTROL, "no-store"),
            (CONTENT_SECURITY_POLICY, CSP),
            (X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (REFERRER_POLICY, "same-origin"),
        ],
        page.into_string(),
    )
        .into_response()
}

/// The language a page was asked in, leniently (for its error page).
fn lang_of(uri: &Uri) -> Lang {
    form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "lang")
        .and_then(|(_, v)| Lang::parse(&v).ok())
        .unwrap_or_default()
}

/// A signed-in viewer of a page, or a redirect to the sign-in page.
#[derive(Debug)]
pub struct Viewer(pub Caller);

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        caller::authenticate(parts, &state.tokens)
            .map(Viewer)
            .ok_or_else(|| {
                Redirect::to(&url::sign_in(&parts.uri, lang_of(&parts.uri))).into_response()
            })
    }
}

/// One page request: who, in which language, at which address; its
/// parameters parsed strictly (an unknown one is a `400` naming it).
#[derive(Debug)]
pub struct Ctx {
    pub caller: Caller,
    pub lang: Lang,
    pub uri: Uri,
    pub params: Params,
    pub disclosure: Disclosure,
}

impl Ctx {
    /// The context of a page taking `allowed` parameters (and `lang`).
    pub fn new(
        caller: Caller,
        state: &AppState,
        uri: Uri,
        allowed: &[&str],
    ) -> Result<Ctx, PageError> {
        let lang = lang_of(&uri);
        let mut names = vec!["lang"];
        names.extend_from_slice(allowed);
        let parsed = Params::parse(&uri, &names).and_then(|p| {
            p.lang()?;
            Ok(p)
        });
        match parsed {
            Ok(params) => Ok(Ctx {
                caller,
                lang,
                uri,
                params,
                disclosure: state.sources.rules.disclosure,
            }),
            Err(error) => Err(Failure {
                error,
                lang,
                uri,
                viewer: Some(caller),
                disclosure: state.sources.rules.disclosure,
            }
            .into()),
        }
    }

    /// This request's error page for `error`.
    pub fn fail(&self, error: impl Into<ApiError>) -> PageError {
        Failure {
            error: error.into(),
            lang: self.lang,
            uri: self.uri.clone(),
            viewer: Some(self.caller.clone()),
            disclosure: self.disclosure,
        }
        .into()
    }

    /// The frame of this request's page.
    pub fn shell<'a>(&'a self, title: &'a str, nav: layout::Nav) -> layout::Shell<'a> {
        layout::Shell {
            lang: self.lang,
            uri: &self.uri,
            title,
            viewer: Some(&self.caller),
            nav,
            disclosure: self.disclosure,
        }
    }
}

#[cfg(test)]
mod tests;
