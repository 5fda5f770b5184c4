//! Signing in and out of the dashboard. The sign-in form takes the token a
//! person was given for the API, checks it exactly as the API does (its
//! SHA-256 against the tokens file) and, when valid, stores it in the
//! session cookie and returns to the page that asked ([`url::safe_next`]:
//! only a page of this dashboard). Each sign-in and refusal is in the
//! audit log with the token's name, never the token. Signing out clears
//! the cookie.

use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::header::{CACHE_CONTROL, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use cmp_kpi::Lang;
use maud::{Markup, html};
use serde::Deserialize;
use utoipa::ToSchema;

use super::layout::{Nav, Shell, page};
use super::words::t;
use super::{lang_of, respond, url};
use crate::error::ApiError;
use crate::params::Params;
use crate::session;
use crate::state::AppState;

/// The sign-in form's fields: `token`, `next` (a dashboard page), `lang`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SignIn {
    token: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    lang: String,
}

fn form_page(state: &AppState, uri: &Uri, lang: Lang, next: &str, refused: bool) -> Markup {
    let shell = Shell {
        lang,
        uri,
        title: t("sign_in", lang),
        viewer: None,
        nav: Nav::None,
        disclosure: state.sources.rules.disclosure,
    };
    let body = html! {
        form.signin method="post" action="/dashboard/sign-in" {
            @if refused {
                p.error #token-error role="alert" { (t("sign_in_failed", lang)) }
            }
            input type="hidden" name="next" value=(url::safe_next(next));
            input type="hidden" name="lang" value=(lang.as_str());
            label for="token" { (t("token", lang)) }
            p.hint #token-help { (t("token_help", lang)) }
            input #token type="password" name="token" required autocomplete="off" spellcheck="false"
                aria-describedby=(if refused { "token-error token-help" } else { "token-help" })
                aria-invalid=[refused.then_some("true")];
            button type="submit" { (t("sign_in", lang)) }
        }
    };
    page(&shell, body)
}

/// The sign-in form.
#[utoipa::path(get, path = "/dashboard/sign-in", tag = "dashboard",
    params(("next" = Option<String>, Query, description = "the dashboard page to return to"),
        ("lang" = Option<String>, Query, description = "en (default) or fr")),
    responses((status = 200, description = "The sign-in form", body = String, content_type = "text/html"),
        (status = 400, description = "A bad parameter", body = String, content_type = "text/html")))]
pub async fn form(State(state): State<AppState>, uri: Uri) -> Result<Response, Response> {
    let lang = lang_of(&uri);
    let p = Params::parse(&uri, &["lang", "next"])
        .and_then(|p| p.lang().map(|_| p))
        .map_err(|e| bad(&state, &uri, lang, e))?;
    let next = p.get("next").unwrap_or("/dashboard").to_owned();
    Ok(respond(
        StatusCode::OK,
        form_page(&state, &uri, lang, &next, false),
    ))
}

fn bad(state: &AppState, uri: &Uri, lang: Lang, error: ApiError) -> Response {
    super::error::PageError::from(super::error::Failure {
        error,
        lang,
        uri: uri.clone(),
        viewer: None,
        disclosure: state.sources.rules.disclosure,
    })
    .into_response()
}

/// Checks the token; on success sets the session cookie and returns to
/// `next`; otherwise shows the form again (`401`).
#[utoipa::path(post, path = "/dashboard/sign-in", tag = "dashboard",
    request_body(content = SignIn, content_type = "application/x-www-form-urlencoded"),
    responses((status = 303, description = "Signed in: the session cookie is set (HttpOnly, SameSite=Strict)"),
        (status = 401, description = "The token is not valid: the form again", body = String, content_type = "text/html"),
        (status = 400, description = "Not a sign-in form", body = String, content_type = "text/html"),
        (status = 413, description = "The form is larger than 4 KiB", body = String, content_type = "text/html")))]
pub async fn submit(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    form: Result<Form<SignIn>, FormRejection>,
) -> Response {
    let Form(form) = match form {
        Ok(f) => f,
        Err(e) => {
            let error = if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge(super::FORM_LIMIT)
            } else {
                ApiError::bad("body", "is not a sign-in form")
            };
            return bad(&state, &uri, lang_of(&uri), error);
        }
    };
    let lang = Lang::parse(&form.lang).unwrap_or_default();
    let principal = state.tokens.authenticate(form.token.trim());
    let secure = headers
        .get("x-forwarded-proto")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"));
    match principal.and_then(|p| Some((p, session::set(form.token.trim(), secure)?))) {
        Some((p, cookie)) => {
            tracing::info!(
                target: "cmp_api::audit",
                token = %p.name,
                role = p.role.as_str(),
                action = "sign_in",
                "audit"
            );
            let to = url::safe_next(&form.next).parse::<Uri>().map_or_else(
                |_| url::with_lang("/dashboard", lang),
                |u| url::switch_lang(&u, lang),
            );
            (
                [(SET_COOKIE, cookie)],
                [(CACHE_CONTROL, "no-store")],
                Redirect::to(&to),
            )
                .into_response()
        }
        None => {
            tracing::info!(target: "cmp_api::audit", action = "sign_in_refused", "audit");
            respond(
                StatusCode::UNAUTHORIZED,
                form_page(&state, &uri, lang, &form.next, true),
            )
        }
    }
}

/// Clears the session cookie and shows the sign-in form.
#[utoipa::path(post, path = "/dashboard/sign-out", tag = "dashboard",
    params(("lang" = Option<String>, Query, description = "en (default) or fr")),
    responses((status = 303, description = "Signed out: the session cookie is cleared")))]
pub async fn sign_out(State(state): State<AppState>, uri: Uri, headers: HeaderMap) -> Response {
    // Who it was, for the audit log only: nothing is authorized here.
    if let Some(p) = session::token(&headers).and_then(|t| state.tokens.authenticate(t)) {
        tracing::info!(
            target: "cmp_api::audit",
            token = %p.name,
            role = p.role.as_str(),
            action = "sign_out",
            "audit"
        );
    }
    (
        [(SET_COOKIE, session::clear())],
        [(CACHE_CONTROL, "no-store")],
        Redirect::to(&url::with_lang("/dashboard/sign-in", lang_of(&uri))),
    )
        .into_response()
}
