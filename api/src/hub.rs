//! The live hub: one poller per campaign that someone watches, shared by
//! all its watchers. The poller reads the campaign's [`Snapshot`] every
//! [`POLL`] (so a client gets at most one update per 2 s) and publishes it
//! on a `watch` channel only when it changed; it stops when the campaign's
//! last watcher has gone. A failed read is logged and retried at the next
//! turn; watchers keep the last good snapshot meanwhile.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cmp_store::Store;
use tokio::sync::watch;

use crate::rules::Rules;
use crate::views::live::{Snapshot, snapshot};

/// How often a watched campaign is read.
pub const POLL: Duration = Duration::from_secs(2);

type Feed = watch::Sender<Option<Arc<Snapshot>>>;

/// The pollers, by campaign id.
#[derive(Clone, Debug)]
pub struct Hub {
    store: Store,
    rules: Rules,
    feeds: Arc<Mutex<HashMap<String, Feed>>>,
}

impl Hub {
    pub fn new(store: Store, rules: Rules) -> Hub {
        Hub {
            store,
            rules,
            feeds: Arc::default(),
        }
    }

    /// Watches a campaign: the receiver holds its newest snapshot (`None`
    /// until the first read).
    pub fn subscribe(&self, id: &str) -> watch::Receiver<Option<Arc<Snapshot>>> {
        let mut feeds = self.feeds.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(feed) = feeds.get(id) {
            return feed.subscribe();
        }
        let (feed, rx) = watch::channel(None);
        feeds.insert(id.to_owned(), feed.clone());
        tokio::spawn(poll(self.clone(), id.to_owned(), feed));
        rx
    }

    /// How many campaigns are being polled.
    pub fn polled(&self) -> usize {
        self.feeds.lock().map_or(0, |f| f.len())
    }
}

async fn poll(hub: Hub, id: String, feed: Feed) {
    loop {
        match snapshot(&hub.store, hub.rules, &id).await {
            Ok(Some(now)) => {
                feed.send_if_modified(|shown| {
                    if shown.as_deref() == Some(&now) {
                        false
                    } else {
                        *shown = Some(Arc::new(now));
                        true
                    }
                });
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(campaign = %id, error = %e, "live update failed; retrying"),
        }
        tokio::time::sleep(POLL).await;
        let mut feeds = hub.feeds.lock().unwrap_or_else(|p| p.into_inner());
        if feed.receiver_count() == 0 {
            feeds.remove(&id);
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_poller_per_campaign_stops_with_its_last_watcher() {
        let settings =
            cmp_config::Settings::from_vars([("CMP_CLICKHOUSE_URL", "http://127.0.0.1:1")])
                .expect("settings");
        let hub = Hub::new(Store::new(&settings), Rules::from_settings(&settings));
        let a = hub.subscribe("c-1");
        let b = hub.subscribe("c-1");
        let other = hub.subscribe("c-2");
        assert_eq!(hub.polled(), 2);
        drop(a);
        drop(other);
        // c-2's poller leaves at its next turn; c-1's stays for `b`.
        for _ in 0..50 {
            if hub.polled() == 1 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        assert_eq!(hub.polled(), 1);
        assert!(
            b.borrow().is_none(),
            "the store is unreachable: nothing read"
        );
        drop(b);
        for _ in 0..50 {
            if hub.polled() == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        assert_eq!(hub.polled(), 0);
    }
}
