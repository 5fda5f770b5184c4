//! The dashboard's stylesheet and script (`api/assets/`, hand-written,
//! compiled into the binary). Pages link them with `?v=` and a digest of
//! their content, so a browser may keep them for a year (`immutable`) and
//! still gets a new version the moment the binary changes; any other `v`
//! (or none) is served with `no-cache` and an `ETag`.

use std::sync::LazyLock;

use axum::http::header::{
    CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// One file and its version.
#[derive(Debug)]
pub struct Asset {
    path: &'static str,
    content_type: &'static str,
    body: &'static str,
    version: LazyLock<String>,
}

impl Asset {
    /// The address pages use: the path with the content's version.
    pub fn href(&self) -> String {
        format!("{}?v={}", self.path, *self.version)
    }

    /// Its content.
    pub fn body(&self) -> &'static str {
        self.body
    }

    fn serve(&self, asked: Option<&str>, headers: &HeaderMap) -> Response {
        let etag = format!("\"{}\"", *self.version);
        let cache = if asked == Some(self.version.as_str()) {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        let common = [
            (CACHE_CONTROL, cache.to_owned()),
            (ETAG, etag.clone()),
            (X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ];
        let fresh = headers
            .get(IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|e| e.trim() == etag));
        if fresh {
            return (StatusCode::NOT_MODIFIED, common).into_response();
        }
        (common, [(CONTENT_TYPE, self.content_type)], self.body).into_response()
    }
}

fn version(body: &str) -> String {
    hex::encode(&Sha256::digest(body.as_bytes())[..6])
}

/// `/assets/app.css`.
pub static CSS: Asset = Asset {
    path: "/assets/app.css",
    content_type: "text/css; charset=utf-8",
    body: include_str!("../../assets/app.css"),
    version: LazyLock::new(|| version(include_str!("../../assets/app.css"))),
};

/// `/assets/app.js`.
pub static JS: Asset = Asset {
    path: "/assets/app.js",
    content_type: "text/javascript; charset=utf-8",
    body: include_str!("../../assets/app.js"),
    version: LazyLock::new(|| version(include_str!("../../assets/app.js"))),
};

/// The `v` an asset was asked with.
fn asked(uri: &Uri) -> Option<String> {
    form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "v")
        .map(|(_, v)| v.into_owned())
}

/// The stylesheet.
#[utoipa::path(get, path = "/assets/app.css", tag = "dashboard",
    params(("v" = Option<String>, Query, description = "the version pages link; with it the file is cacheable for a year")),
    responses((status = 200, description = "The dashboard's stylesheet", body = String, content_type = "text/css"),
        (status = 304, description = "Not modified (If-None-Match)")))]
pub async fn css(uri: Uri, headers: HeaderMap) -> Response {
    CSS.serve(asked(&uri).as_deref(), &headers)
}

/// The script (enhancements only: the pages work without it).
#[utoipa::path(get, path = "/assets/app.js", tag = "dashboard",
    params(("v" = Option<String>, Query, description = "the version pages link; with it the file is cacheable for a year")),
    responses((status = 200, description = "The dashboard's script", body = String, content_type = "text/javascript"),
        (status = 304, description = "Not modified (If-None-Match)")))]
pub async fn js(uri: Uri, headers: HeaderMap) -> Response {
    JS.serve(asked(&uri).as_deref(), &headers)
}
