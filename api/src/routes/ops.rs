//! The probes on the API's own address, without a token: `/healthz` (the
//! process serves) and `/readyz` (ClickHouse answers).

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;

use crate::state::AppState;

#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The process serves", body = String, content_type = "text/plain")))]
pub async fn healthz() -> &'static str {
    "ok\n"
}

#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "ClickHouse answers", body = String, content_type = "text/plain"),
        (status = 503, description = "ClickHouse is unreachable", body = String, content_type = "text/plain")))]
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    if cmp_store::ping(&state.sources.store, Duration::from_secs(2)).await {
        (StatusCode::OK, "ready\n")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "clickhouse unreachable\n")
    }
}
