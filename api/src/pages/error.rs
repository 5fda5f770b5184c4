//! A failed page: the API's error (same status, same server-side logging)
//! shown as a page in the viewer's language; a missing or unknown token
//! sends the browser to the sign-in page, which comes back here after.

use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use cmp_kpi::{Disclosure, Lang};
use maud::html;

use super::layout::{Nav, Shell, page};
use super::words::{fill, t};
use super::{respond, url};
use crate::caller::Caller;
use crate::error::ApiError;

/// Why a page could not be shown (boxed: handlers return it by value).
#[derive(Debug)]
pub struct PageError(pub Box<Failure>);

impl From<Failure> for PageError {
    fn from(f: Failure) -> Self {
        PageError(Box::new(f))
    }
}

/// Why a page could not be shown, and to whom.
#[derive(Debug)]
pub struct Failure {
    pub error: ApiError,
    pub lang: Lang,
    pub uri: Uri,
    pub viewer: Option<Caller>,
    pub disclosure: Disclosure,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let this = *self.0;
        let lang = this.lang;
        if matches!(this.error, ApiError::Unauthorized) {
            return Redirect::to(&url::sign_in(&this.uri, lang)).into_response();
        }
        let message = match &this.error {
            ApiError::BadRequest { parameter, .. } => fill("bad_request", lang, &[parameter]),
            ApiError::Forbidden(_) => t("forbidden", lang).to_owned(),
            ApiError::NotFound(_) => t("not_found", lang).to_owned(),
            _ => String::new(),
        };
        // The API's own answer gives the status and logs a store failure.
        let status = this.error.into_response().status();
        let message = if message.is_empty() {
            t("unavailable", lang).to_owned()
        } else {
            message
        };
        let shell = Shell {
            lang,
            uri: &this.uri,
            title: t("error_title", lang),
            viewer: this.viewer.as_ref(),
            nav: Nav::None,
            disclosure: this.disclosure,
        };
        let body = html! {
            p.error { (message) }
            p { a href=(url::with_lang("/dashboard", lang)) { (t("campaigns", lang)) } }
        };
        respond(status_or_500(status), page(&shell, body))
    }
}

fn status_or_500(s: StatusCode) -> StatusCode {
    if s.is_client_error() || s.is_server_error() {
        s
    } else {
        StatusCode::INTERNAL_SERVER_ERROR
    }
}
