//! Where an event counts as visible for the freshness probe: a count of
//! stored events that only grows. Each point is one variant; the API's
//! performance route (what a reader finally sees) is meant to join them as
//! a third, counting the probe's events through HTTP, with nothing else in
//! the probe changing.

use cmp_store::Store;

/// A visibility point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Point {
    /// Rows in the ClickHouse ledger (`events`).
    Ledger,
    /// Events counted by the hourly rollups (filled by the materialized
    /// views inside the ledger INSERT, so as fresh as the ledger).
    Rollups,
}

impl Point {
    /// `ledger` or `rollups`.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "ledger" => Some(Self::Ledger),
            "rollups" => Some(Self::Rollups),
            _ => None,
        }
    }

    /// How many events are visible now.
    pub async fn visible(self, store: &Store) -> Result<u64, cmp_store::StoreError> {
        let sql = match self {
            Self::Ledger => cmp_store::sql::BENCH_VISIBLE_LEDGER,
            Self::Rollups => cmp_store::sql::BENCH_VISIBLE_ROLLUPS,
        };
        Ok(store.client.query(sql).fetch_one::<u64>().await?)
    }
}
