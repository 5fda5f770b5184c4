//! The reporting API. This first cut serves the health probes on
//! `CMP_API_ADDR` and metrics on `CMP_METRICS_ADDR`; the routes of
//! contract/API.md land with the API issue.

use std::time::Duration;

use anyhow::Context;
use axum::{Router, extract::State, http::StatusCode, routing::get};
use cmp_config::Settings;
use cmp_process::{Readiness, Shutdown, serve_probes};
use cmp_store::Store;

/// The router of the API.
pub fn app(store: Store) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(readyz))
        .with_state(store)
}

async fn readyz(State(store): State<Store>) -> (StatusCode, &'static str) {
    if cmp_store::ping(&store, Duration::from_secs(2)).await {
        (StatusCode::OK, "ready\n")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "clickhouse unreachable\n")
    }
}

/// Serves until `shutdown`.
pub async fn run(settings: Settings, mut shutdown: Shutdown) -> anyhow::Result<()> {
    let store = Store::new(&settings);
    cmp_store::check_schema(&store)
        .await
        .context("schema check")?;
    let registry = prometheus::Registry::new();
    serve_probes(
        settings.metrics_addr,
        registry,
        Readiness::default(),
        shutdown.clone(),
    )
    .await
    .with_context(|| {
        format!(
            "cannot listen on CMP_METRICS_ADDR {}",
            settings.metrics_addr
        )
    })?;
    let listener = tokio::net::TcpListener::bind(settings.api_addr)
        .await
        .with_context(|| format!("cannot listen on CMP_API_ADDR {}", settings.api_addr))?;
    tracing::info!(addr = %listener.local_addr()?, "api listening");
    axum::serve(listener, app(store))
        .with_graceful_shutdown(async move { shutdown.wait().await })
        .await?;
    Ok(())
}
