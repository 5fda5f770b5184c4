//! What every `cmp-*` process needs around its own job: structured logging
//! set up from configuration, a shutdown signal (SIGTERM or Ctrl-C), and the
//! small HTTP server on `CMP_METRICS_ADDR` that serves `/metrics`,
//! `/healthz` and `/readyz`.

mod logging;
mod probe_server;
mod shutdown;

pub use logging::init_logging;
pub use probe_server::{Readiness, serve_probes};
pub use shutdown::{Shutdown, shutdown_signal};
