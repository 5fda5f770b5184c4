//! Where an event counts as visible for the freshness probe: a count that
//! only grows. [`Point`] names one (from the command line); [`Visibility`]
//! is one ready to be asked, and says how much each event adds to it.

use std::net::SocketAddr;

use cmp_model::{Event, Limits, Topic};
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
    /// The attributed uptake the API at this address reports (what a
    /// reader finally sees); its bearer token is `CMP_BENCH_API_TOKEN`.
    Api(SocketAddr),
}

impl Point {
    /// `ledger`, `rollups` or `api=HOST:PORT`.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "ledger" => Some(Self::Ledger),
            "rollups" => Some(Self::Rollups),
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
    Api(Box<ApiPoint>),
}

impl Visibility {
    /// Prepares `point` (for the API: registers the demo campaigns).
    pub async fn open(point: Point, store: &Store) -> anyhow::Result<Self> {
        let counter = match point {
            Point::Ledger => Counter::Stored(cmp_store::sql::BENCH_VISIBLE_LEDGER),
            Point::Rollups => Counter::Stored(cmp_store::sql::BENCH_VISIBLE_ROLLUPS),
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
        match &self.counter {
            Counter::Stored(_) => 1,
            Counter::Api(api) => decode(topic, payload).map_or(0, |e| api.weight(&e)),
        }
    }

    /// The count now.
    pub async fn visible(&self) -> anyhow::Result<u64> {
        match &self.counter {
            Counter::Stored(sql) => Ok(self.store.client.query(sql).fetch_one::<u64>().await?),
            Counter::Api(api) => api.visible().await,
        }
    }
}

fn decode(topic: Topic, payload: &[u8]) -> Option<Event> {
    cmp_model::decode(payload, topic, chrono::Utc::now(), &Limits::default()).ok()
}
