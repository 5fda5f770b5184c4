//! `GET /api/v1/campaigns/{campaign_id}/live`: Server-Sent Events. An
//! `update` event carries a [`LiveView`] whenever the campaign's totals or
//! target statuses change (the hub reads them every 2 s); its id is a
//! digest of what was sent, so a client reconnecting with `Last-Event-ID`
//! gets the current state only if it differs from what it last saw.
//! Comments keep the connection alive every 15 s; the stream ends when
//! the API shuts down.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::sse::{Event, KeepAlive, Sse};
use cmp_kpi::Lang;
use cmp_process::Shutdown;
use futures_util::Stream;
use futures_util::stream;
use prometheus::IntGauge;
use tokio::sync::watch;

use super::CampaignId;
use crate::caller::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::params::Params;
use crate::state::AppState;
use crate::views::campaign;
use crate::views::kpis::Audience;
use crate::views::live::{LiveView, Snapshot, event_id, render};

/// Interval of keep-alive comments.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// Counts an open stream in `cmp_api_live_clients` while it lives.
struct Open(IntGauge);

impl Open {
    fn new(gauge: IntGauge) -> Open {
        gauge.inc();
        Open(gauge)
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// One client's stream.
struct Client {
    rx: watch::Receiver<Option<Arc<Snapshot>>>,
    /// The id of what the client has (from `Last-Event-ID`, then sent).
    last: Option<String>,
    audience: Audience,
    lang: Lang,
    shutdown: Shutdown,
    _open: Open,
}

impl Client {
    /// The next update that differs from what the client has; `None` at
    /// shutdown.
    async fn next(&mut self) -> Option<Event> {
        loop {
            let now = self.rx.borrow_and_update().clone();
            if let Some(snapshot) = now {
                let view = render(&snapshot, self.audience, self.lang);
                match serde_json::to_string(&view) {
                    Ok(json) => {
                        let id = event_id(&json);
                        if self.last.as_deref() != Some(id.as_str()) {
                            self.last = Some(id.clone());
                            return Some(Event::default().event("update").id(id).data(json));
                        }
                    }
                    Err(e) => tracing::error!(error = %e, "live update not serialisable"),
                }
            }
            tokio::select! {
                changed = self.rx.changed() => changed.ok()?,
                () = self.shutdown.wait() => return None,
            }
        }
    }
}

/// Live updates of the campaign's totals and target statuses.
#[utoipa::path(get, path = "/api/v1/campaigns/{campaign_id}/live", tag = "performance",
    params(("campaign_id" = String, Path),
        ("lang" = Option<String>, Query, description = "en (default) or fr"),
        ("Last-Event-ID" = Option<String>, Header, description = "the id of the last update received: nothing is sent until the state differs from it")),
    responses(
        (status = 200, description = "Server-Sent Events: `update` events whose data is a LiveView, at most one every 2 s", body = LiveView, content_type = "text/event-stream"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    caller: Caller,
    State(state): State<AppState>,
    CampaignId(id): CampaignId,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let lang = Params::parse(&uri, &["lang"])?.lang()?;
    campaign::find(&state.sources, &caller, &id).await?;
    let client = Client {
        rx: state.hub.subscribe(&id),
        last: headers
            .get("last-event-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        audience: Audience::of(&state.sources.rules, caller.is_admin()),
        lang,
        shutdown: state.shutdown.clone(),
        _open: Open::new(state.metrics.live_clients.clone()),
    };
    let events = stream::unfold(client, |mut c| async move {
        let event = c.next().await?;
        Some((Ok(event), c))
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(KEEP_ALIVE)))
}
