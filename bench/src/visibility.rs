//! Where an event counts as visible for the freshness probe: a count that
//! only grows. [`Point`] names one (from the command line); [`Visibility`]
//! is one ready to be asked, and says how much each event adds to it.

use std::net::SocketAddr;

use cmp_loadgen::demo_campaigns;
use cmp_model::{Body, Event, Limits, Topic};
use cmp_store::Store;

use crate::api_point::ApiPoint;

/// A visibility point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Point {
    /// Rows in the ClickHouse ledger (`events`).
    Ledger,
    /// Events counted by the hourly rollups (filled by the materialized
    /// views inside the ledger INSERT, so as fresh as the ledger).
    Rollups,
    /// Uptake events attributed to the demo campaigns in the rollups: the
    /// events the API point counts, seen in ClickHouse.
    Uptake,
    /// The attributed uptake the API at this address reports (what a
    /// reader finally sees); its bearer token is `CMP_BENCH_API_TOKEN`.
    Api(SocketAddr),
}

impl Point {
    /// `ledger`, `rollups`, `uptake` or `api=HOST:PORT`.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "ledger" => Some(Self::Ledger),
            "rollups" => Some(Self::Rollups),
            "uptake" => Some(Self::Uptake),
            _ => name.strip_prefix("api=")?.parse().ok().map(Self::Api),
        }
    }
}

/// A point ready to be asked.
#[derive(Debug)]
pub struct Visibility {
    store: Store,
    counter: Counter,
}

#[derive(Debug)]
enum Counter {
    /// A query counting stored events.
    Stored(&'static str),
    /// The attributed uptake of these campaigns in the rollups.
    Uptake(Vec<String>),
    Api(Box<ApiPoint>),
}

impl Visibility {
    /// Prepares `point` (for the API: registers the demo campaigns).
    pub async fn open(point: Point, store: &Store) -> anyhow::Result<Self> {
        let counter = match point {
            Point::Ledger => Counter::Stored(cmp_store::sql::BENCH_VISIBLE_LEDGER),
            Point::Rollups => Counter::Stored(cmp_store::sql::BENCH_VISIBLE_ROLLUPS),
            Point::Uptake => Counter::Uptake(demo_campaigns().into_iter().map(|c| c.id).collect()),
            Point::Api(addr) => {
                let token = std::env::var("CMP_BENCH_API_TOKEN").map_err(|_| {
                    anyhow::anyhow!("--point api needs the API token in CMP_BENCH_API_TOKEN")
                })?;
                Counter::Api(Box::new(ApiPoint::prepare(store, addr, &token).await?))
            }
        };
        Ok(Self {
            store: store.clone(),
            counter,
        })
    }

    /// How much the accepted message `payload` of `topic` adds to the count.
    pub fn weight(&self, topic: Topic, payload: &[u8]) -> u64 {
        let attributed = |campaigns: &[String]| {
            decode(topic, payload).map_or(0, |e| attributed_uptake(campaigns, &e))
        };
        match &self.counter {
            Counter::Stored(_) => 1,
            Counter::Uptake(campaigns) => attributed(campaigns),
            Counter::Api(api) => attributed(api.campaigns()),
        }
    }

    /// The count now.
    pub async fn visible(&self) -> anyhow::Result<u64> {
        match &self.counter {
            Counter::Stored(sql) => Ok(self.store.client.query(sql).fetch_one::<u64>().await?),
            Counter::Uptake(campaigns) => Ok(self
                .store
                .client
                .query(cmp_store::sql::BENCH_VISIBLE_UPTAKE)
                .bind(campaigns)
                .fetch_one::<u64>()
                .await?),
            Counter::Api(api) => api.visible().await,
        }
    }
}

fn decode(topic: Topic, payload: &[u8]) -> Option<Event> {
    cmp_model::decode(payload, topic, chrono::Utc::now(), &Limits::default()).ok()
}

/// 1 for an uptake event attributed to one of `campaigns`, else 0.
pub fn attributed_uptake(campaigns: &[String], event: &Event) -> u64 {
    match &event.body {
        Body::Uptake(u) => u
            .campaign_id
            .as_ref()
            .map_or(0, |c| u64::from(campaigns.contains(c))),
        Body::Engagement(_) => 0,
    }
}
