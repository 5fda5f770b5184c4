//! The reporting API (contract/API.md): campaigns, target sets and their
//! history, a campaign's performance against its targets, the ADM's
//! fiscal-year portfolio (JSON or CSV), recorded attainment over time,
//! live updates as Server-Sent Events, and the OpenAPI document, behind
//! bearer tokens with three roles; `/healthz` and `/readyz` without one;
//! the metrics on `CMP_METRICS_ADDR`.
//!
//! Layout: [`views`] holds the data of each resource as typed views (what
//! the dashboard pages will reuse), read from [`sources`] (the store,
//! the [`rules`] of configuration, the kept reports) and never from the
//! handlers' [`state`]; [`routes`] the handlers that only
//! translate HTTP, [`error`] the one error type, [`tokens`] and
//! [`caller`] authentication and rights, [`params`] the strict query
//! parameters, [`hub`] the shared pollers of the live feed; [`pages`] the
//! dashboard (server-rendered HTML over the same views), [`session`] its
//! sign-in cookie, [`serve`] the server loop (with a header timeout).

pub mod caller;
pub mod csv;
pub mod error;
pub mod hub;
pub mod memo;
pub mod metrics;
pub mod openapi;
pub mod pages;
pub mod params;
pub mod routes;
pub mod rules;
pub mod serve;
pub mod session;
pub mod sources;
pub mod state;
pub mod tokens;
pub mod views;

use std::time::Duration;

use anyhow::Context;
use axum::Router;
use cmp_config::Settings;
use cmp_process::{Readiness, Shutdown, serve_probes};
use cmp_store::Store;

pub use rules::Rules;
pub use state::AppState;
pub use tokens::Tokens;

/// Largest request body accepted (a campaign or a target set is far smaller).
pub const BODY_LIMIT: usize = 64 * 1024;

/// The router of the API.
pub fn app(state: AppState) -> Router {
    routes::router(state)
}

/// The tokens the API accepts: the file `CMP_API_TOKENS_FILE` names; in
/// the local demo (`CMP_DEMO=true`) without one, the built-in demo token.
pub fn load_tokens(settings: &Settings) -> anyhow::Result<Tokens> {
    match settings.require_api_tokens_file() {
        Ok(path) => Ok(Tokens::load(&path)?),
        Err(_) if settings.demo => {
            tracing::warn!(
                token = tokens::DEMO_TOKEN,
                "CMP_DEMO: no CMP_API_TOKENS_FILE, accepting the public demo admin token; never in production"
            );
            Ok(Tokens::demo())
        }
        Err(e) => Err(e.into()),
    }
}

/// Serves until `shutdown`. It serves from the start: while ClickHouse is
/// unreachable (at start too) requests get a 503 and `/readyz` of the probe
/// server says not ready, so a supervisor never restarts it in a loop; a
/// schema of another version than this build's stops it with an error.
pub async fn run(settings: Settings, shutdown: Shutdown) -> anyhow::Result<()> {
    let tokens = load_tokens(&settings)?;
    settings
        .require_disclosure_key()
        .context("cmp-api cannot publish client counts")?;
    if settings.disclosure_key.is_none() {
        tracing::warn!(
            "CMP_DEMO: no CMP_DISCLOSURE_KEY, rounding client counts with the public demo key; never in production"
        );
    }
    let store = Store::new(&settings);
    let state = AppState::new(
        store.clone(),
        Rules::from_settings(&settings),
        tokens,
        shutdown.clone(),
    );
    let ready = Readiness::default();
    let addr = serve_probes(
        settings.metrics_addr,
        state.metrics.registry.clone(),
        ready.clone(),
        shutdown.clone(),
    )
    .await?;
    tracing::info!(%addr, "metrics and probes listening");
    let listener = tokio::net::TcpListener::bind(settings.api_addr)
        .await
        .with_context(|| format!("cannot listen on CMP_API_ADDR {}", settings.api_addr))?;
    tracing::info!(addr = %listener.local_addr()?, "api listening");
    let memo = state.sources.memo.clone();
    let server = tokio::spawn(serve::serve(listener, app(state), shutdown.clone()));
    let mut stop = shutdown.clone();
    let schema = cmp_store::wait_for_schema(&store, async move { stop.wait().await });
    if schema.await.context("schema check")? {
        tokio::spawn(follow_readiness(store.clone(), ready, shutdown.clone()));
        tokio::spawn(memo.follow(store, shutdown.clone()));
    }
    server.await?;
    tracing::info!("api stopped");
    Ok(())
}

/// Keeps the probe server's readiness at "ClickHouse answers", logging
/// each change.
async fn follow_readiness(store: Store, ready: Readiness, mut shutdown: Shutdown) {
    loop {
        let up = cmp_store::ping(&store, Duration::from_secs(2)).await;
        match (ready.get(), up) {
            (true, false) => tracing::error!("ClickHouse does not answer: not ready"),
            (false, true) => tracing::info!("ClickHouse answers: ready"),
            _ => {}
        }
        ready.set(up);
        tokio::select! {
            () = shutdown.wait() => return,
            () = tokio::time::sleep(Duration::from_secs(5)) => {}
        }
    }
}
