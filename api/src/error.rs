//! The one error type of the API and its response: `{"error": {"code",
//! "message"}}` (plus `parameter` for a bad one) with a 4xx/5xx status.
//! Messages are written for the caller and never carry internals: a
//! ClickHouse failure is logged here, server-side, and answered with a
//! generic 500, or 503 when the store is unreachable. axum's own
//! rejections (path, query, body) are converted to the same shape.

use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use cmp_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A malformed parameter, path segment or body field, named.
    #[error("`{parameter}` {message}")]
    BadRequest { parameter: String, message: String },
    /// No token, or one the tokens file does not know.
    #[error("a valid bearer token is required")]
    Unauthorized,
    /// A known token without the right.
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("method not allowed on this route")]
    MethodNotAllowed,
    #[error("the request body must be JSON (Content-Type: application/json)")]
    UnsupportedMediaType,
    #[error("the request body is larger than {0} bytes")]
    PayloadTooLarge(usize),
    #[error("the request took too long")]
    Timeout,
    /// The store failed; the cause is logged, never shown.
    #[error("store: {0}")]
    Store(#[from] StoreError),
}

impl ApiError {
    /// A `400` naming `parameter`.
    pub fn bad(parameter: impl Into<String>, message: impl Into<String>) -> Self {
        Self::BadRequest {
            parameter: parameter.into(),
            message: message.into(),
        }
    }

    /// The `404` of a campaign that does not exist.
    pub fn no_campaign(id: &str) -> Self {
        Self::NotFound(format!("campaign `{id}` does not exist"))
    }

    fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Timeout => StatusCode::SERVICE_UNAVAILABLE,
            Self::Store(e) if e.is_transient() => StatusCode::SERVICE_UNAVAILABLE,
            Self::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::BadRequest { .. } => "bad_request",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound(_) => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::PayloadTooLarge(_) => "payload_too_large",
            Self::Timeout => "timeout",
            Self::Store(e) if e.is_transient() => "unavailable",
            Self::Store(_) => "internal",
        }
    }

    /// What the caller reads: never a store error's text.
    fn public_message(&self) -> String {
        match self {
            Self::BadRequest { message, .. } => message.clone(),
            Self::Store(e) if e.is_transient() => {
                "the data store is unreachable; retry shortly".to_owned()
            }
            Self::Store(_) => "internal error".to_owned(),
            other => other.to_string(),
        }
    }
}

/// The error body.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Machine-readable: `bad_request`, `unauthorized`, `forbidden`,
    /// `not_found`, `method_not_allowed`, `unsupported_media_type`,
    /// `payload_too_large`, `timeout`, `unavailable`, `internal`.
    pub code: String,
    /// For a person.
    pub message: String,
    /// The parameter, path segment or body field at fault (`400` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Self::Store(e) = &self {
            if e.is_transient() {
                tracing::warn!(error = %e, "request failed: store unreachable");
            } else {
                tracing::error!(error = %e, "request failed: store error");
            }
        }
        let status = self.status();
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code().to_owned(),
                message: self.public_message(),
                parameter: match &self {
                    Self::BadRequest { parameter, .. } => Some(parameter.clone()),
                    _ => None,
                },
            },
        };
        let mut response = (status, axum::Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}

impl From<cmp_kpi::Error> for ApiError {
    fn from(e: cmp_kpi::Error) -> Self {
        let parameter = e.field().to_owned();
        let message = match &e {
            cmp_kpi::Error::Invalid { reason, .. } => reason.clone(),
            other => other.to_string(),
        };
        Self::BadRequest { parameter, message }
    }
}

impl From<PathRejection> for ApiError {
    fn from(_: PathRejection) -> Self {
        Self::bad("campaign_id", "is not a valid path segment")
    }
}

impl From<QueryRejection> for ApiError {
    fn from(_: QueryRejection) -> Self {
        Self::bad("query", "is not a valid URL query string")
    }
}

impl From<BytesRejection> for ApiError {
    fn from(e: BytesRejection) -> Self {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Self::PayloadTooLarge(crate::BODY_LIMIT)
        } else {
            Self::bad("body", "could not be read")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body(e: ApiError) -> (StatusCode, serde_json::Value) {
        let r = e.into_response();
        let status = r.status();
        let bytes = http_body_util::BodyExt::collect(r.into_body())
            .await
            .expect("body")
            .to_bytes();
        (status, serde_json::from_slice(&bytes).expect("json"))
    }

    #[tokio::test]
    async fn store_errors_never_reach_the_caller() {
        let inner = StoreError::ClickHouse(clickhouse::error::Error::BadResponse(
            "Code: 60. DB::Exception: Table cmp.secret_table doesn't exist".into(),
        ));
        let (status, json) = body(ApiError::Store(inner)).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(json["error"]["code"], "internal");
        let text = json.to_string();
        assert!(
            !text.contains("secret_table") && !text.contains("DB::"),
            "{text}"
        );
        let (status, json) = body(ApiError::Store(StoreError::ClickHouse(
            clickhouse::error::Error::TimedOut,
        )))
        .await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(json["error"]["code"], "unavailable");
    }

    #[tokio::test]
    async fn a_bad_parameter_is_named() {
        let (status, json) = body(ApiError::from(cmp_kpi::Error::UnknownLang("de".into()))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(json["error"]["parameter"], "lang");
        assert!(
            json["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("`de`"))
        );
    }
}
