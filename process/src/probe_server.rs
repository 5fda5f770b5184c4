//! The operations endpoints of a process on its own address:
//! `/metrics` (Prometheus text), `/healthz` (the process runs) and
//! `/readyz` (its dependencies answer, as the process judges them).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::{Router, extract::State, http::StatusCode, routing::get};
use prometheus::{Encoder, Registry, TextEncoder};

use crate::Shutdown;

/// Whether the process is ready, set by the process as it sees its dependencies.
#[derive(Clone, Debug, Default)]
pub struct Readiness(Arc<AtomicBool>);

impl Readiness {
    pub fn set(&self, ready: bool) {
        self.0.store(ready, Ordering::Relaxed);
    }

    pub fn get(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

#[derive(Clone)]
struct ProbeState {
    registry: Registry,
    ready: Readiness,
}

async fn metrics(State(s): State<ProbeState>) -> (StatusCode, String) {
    let mut buf = Vec::new();
    match TextEncoder::new().encode(&s.registry.gather(), &mut buf) {
        Ok(()) => (StatusCode::OK, String::from_utf8_lossy(&buf).into_owned()),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

async fn readyz(State(s): State<ProbeState>) -> (StatusCode, &'static str) {
    if s.ready.get() {
        (StatusCode::OK, "ready\n")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "not ready\n")
    }
}

/// The probe server could not listen.
#[derive(Debug, thiserror::Error)]
#[error("cannot listen on CMP_METRICS_ADDR {addr}: {source}")]
pub struct ProbeError {
    addr: SocketAddr,
    source: std::io::Error,
}

/// Binds `addr` and serves the probes until shutdown; returns the bound address.
pub async fn serve_probes(
    addr: SocketAddr,
    registry: Registry,
    ready: Readiness,
    mut shutdown: Shutdown,
) -> Result<SocketAddr, ProbeError> {
    let fail = |source| ProbeError { addr, source };
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(fail)?;
    let bound = listener.local_addr().map_err(fail)?;
    let app = Router::new()
        .route("/metrics", get(metrics))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(readyz))
        .with_state(ProbeState { registry, ready });
    tokio::spawn(async move {
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async move { shutdown.wait().await })
            .await;
        if let Err(e) = served {
            tracing::error!(error = %e, "metrics server stopped");
        }
    });
    Ok(bound)
}
