//! The HTTP server loop: axum's router on hyper's HTTP/1.1 server,
//! with the one guard `axum::serve` lacks: a client that has not sent a
//! request's head within [`HEADER_TIMEOUT`] is disconnected (slowloris),
//! so dribbling clients cannot hold connections forever. Bodies and
//! handlers are bounded by the router's own timeout. On `shutdown` it
//! stops accepting and waits for open connections to finish (live
//! streams end on the same signal).

use std::time::Duration;

use axum::Router;
use cmp_process::Shutdown;
use hyper::server::conn::http1::Builder;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;

/// How long a client may take to send a request's head.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves `app` on `listener` until `shutdown`, then drains.
pub async fn serve(listener: TcpListener, app: Router, mut shutdown: Shutdown) {
    let mut builder = Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT);
    let graceful = GracefulShutdown::new();
    loop {
        let stream = tokio::select! {
            () = shutdown.wait() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of descriptors and the like: pause, keep serving.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let service = TowerToHyperService::new(app.clone());
        let conn = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    graceful.shutdown().await;
}
