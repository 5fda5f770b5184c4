//! What every handler shares: the data the views read (store, reporting
//! rules, kept reports), the tokens, the metrics, the live hub and the
//! shutdown signal (live streams end with it, so a graceful shutdown
//! completes).

use std::sync::Arc;
use std::time::Duration;

use axum::extract::FromRef;
use cmp_process::Shutdown;
use cmp_store::Store;

use crate::hub::Hub;
use crate::memo::Memo;
use crate::metrics::Metrics;
use crate::rules::Rules;
use crate::sources::Sources;
use crate::tokens::Tokens;

/// The handlers' state (cheap to clone).
#[derive(Clone, Debug)]
pub struct AppState {
    pub sources: Sources,
    pub tokens: Arc<Tokens>,
    pub metrics: Metrics,
    pub hub: Hub,
    pub shutdown: Shutdown,
    /// Longest time a request may take before a `503 timeout`.
    pub request_timeout: Duration,
}

impl AppState {
    pub fn new(store: Store, rules: Rules, tokens: Tokens, shutdown: Shutdown) -> AppState {
        AppState {
            hub: Hub::new(store.clone(), rules),
            sources: Sources {
                store,
                rules,
                memo: Memo::default(),
            },
            tokens: Arc::new(tokens),
            metrics: Metrics::new(),
            shutdown,
            request_timeout: Duration::from_secs(30),
        }
    }
}

/// The tokens, for the [`crate::caller::Caller`] extractor.
impl FromRef<AppState> for Arc<Tokens> {
    fn from_ref(state: &AppState) -> Arc<Tokens> {
        state.tokens.clone()
    }
}
