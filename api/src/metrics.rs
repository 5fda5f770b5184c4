//! The API's metrics, defined here and nowhere else, served on
//! `CMP_METRICS_ADDR` by `cmp_process::serve_probes`:
//! - `cmp_api_http_requests_total{route,method,status}`
//! - `cmp_api_http_request_duration_seconds{route,method}` (until the
//!   response head; a live stream's duration is its setup)
//! - `cmp_api_live_clients` (open live streams)
//!
//! `route` is the route template (`/api/v1/campaigns/{campaign_id}`),
//! never the raw path, so no label has unbounded values.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Opts, Registry};

/// The metrics and the registry that serves them.
#[derive(Clone, Debug)]
pub struct Metrics {
    pub registry: Registry,
    requests: IntCounterVec,
    duration: HistogramVec,
    /// Open live (SSE) streams.
    pub live_clients: IntGauge,
}

impl Metrics {
    pub fn new() -> Self {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new(
                "cmp_api_http_requests_total",
                "HTTP requests answered, by route template, method and status",
            ),
            &["route", "method", "status"],
        )
        .expect("valid metric");
        let duration = HistogramVec::new(
            HistogramOpts::new(
                "cmp_api_http_request_duration_seconds",
                "Time to answer an HTTP request (to the response head), by route template and method",
            )
            .buckets(vec![
                0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
            ]),
            &["route", "method"],
        )
        .expect("valid metric");
        let live_clients =
            IntGauge::new("cmp_api_live_clients", "Open live (SSE) streams").expect("valid metric");
        for c in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(duration.clone()),
            Box::new(live_clients.clone()),
        ] {
            registry.register(c).expect("metric registered once");
        }
        Self {
            registry,
            requests,
            duration,
            live_clients,
        }
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

/// Middleware (a route layer, so the route template is known) counting and
/// timing every answered request.
pub async fn track(State(metrics): State<Metrics>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_owned();
    let method = req.method().as_str().to_owned();
    let start = Instant::now();
    let response = next.run(req).await;
    metrics
        .duration
        .with_label_values(&[&route, &method])
        .observe(start.elapsed().as_secs_f64());
    metrics
        .requests
        .with_label_values(&[&route, &method, response.status().as_str()])
        .inc();
    response
}
