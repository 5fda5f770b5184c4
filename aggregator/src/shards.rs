//! Where rebuild, retention and the drift check act. On one server they
//! change `events` and the tables its views derive (the rollups, and
//! attribution's copies and change marks) themselves. On a replicated,
//! sharded cluster (deploy/clickhouse/cluster/) those names are
//! `Distributed` tables, which cannot have partitions swapped or dropped:
//! each shard's `events_local` and derived `*_local` tables are changed on
//! one node of the shard,
//! and replication carries the change to its other replicas. Every shard
//! rolls up its own ledger rows (the views fire on the shard), so a month is
//! rebuilt shard by shard from the shard's own ledger, and each shard's
//! rollups alone equal its ledger.
//!
//! Which it is, is read from the server (`events` is `Distributed` on a
//! cluster); the shards' nodes come from `CMP_CLICKHOUSE_SHARD_URLS`, one
//! node of each shard, checked against the cluster's own description.

use clickhouse::sql::Identifier;
use cmp_config::Settings;
use cmp_store::{Store, StoreError, sql};
use serde::Deserialize;

/// The ledger and the tables derived from it by views, of one store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tables {
    pub ledger: &'static str,
    pub engagement: &'static str,
    pub uptake: &'static str,
    pub engagement_daily: &'static str,
    pub uptake_daily: &'static str,
    pub program_daily: &'static str,
    pub reach_daily: &'static str,
    pub uptake_touches: &'static str,
    pub exposure_touches: &'static str,
    pub marks: &'static str,
    pub variants: &'static str,
}

/// One server's tables.
pub const SINGLE: Tables = Tables {
    ledger: "events",
    engagement: "engagement_hourly",
    uptake: "uptake_hourly",
    engagement_daily: "engagement_daily",
    uptake_daily: "uptake_daily",
    program_daily: "program_daily",
    reach_daily: "reach_daily",
    uptake_touches: "uptake_touches",
    exposure_touches: "exposure_touches",
    marks: "attribution_marks",
    variants: "variant_hourly",
};

/// A shard's own tables, read and changed on one of its nodes.
pub const SHARD: Tables = Tables {
    ledger: "events_local",
    engagement: "engagement_hourly_local",
    uptake: "uptake_hourly_local",
    engagement_daily: "engagement_daily_local",
    uptake_daily: "uptake_daily_local",
    program_daily: "program_daily_local",
    reach_daily: "reach_daily_local",
    uptake_touches: "uptake_touches_local",
    exposure_touches: "exposure_touches_local",
    marks: "attribution_marks_local",
    variants: "variant_hourly_local",
};

/// A store and the tables maintenance changes there.
#[derive(Clone)]
pub struct Local {
    pub store: Store,
    pub tables: Tables,
    /// `single`, or the shard's `{shard}` macro (for logs and errors).
    pub name: String,
}

impl std::fmt::Debug for Local {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Local")
            .field("name", &self.name)
            .field("tables", &self.tables)
            .finish_non_exhaustive()
    }
}

impl Local {
    /// Whether its tables are replicated (a shard's).
    pub fn replicated(&self) -> bool {
        self.tables == SHARD
    }

    /// On a shard, waits until the node's replica of `table` has fetched
    /// what its other replicas hold, so that what maintenance reads (a
    /// month to rebuild from, the months retention lists) is the whole
    /// shard's. Within the regular timeout: a replica that cannot catch up
    /// (its peer holding the parts is down) fails the task, which is
    /// retried, rather than acting on part of the shard. Nothing on one
    /// server.
    pub async fn sync(&self, table: &str) -> Result<(), StoreError> {
        if !self.replicated() {
            return Ok(());
        }
        let q = self
            .store
            .client
            .query(sql::SYNC_REPLICA)
            .bind(Identifier(table));
        self.store.timed(q.execute()).await
    }
}

/// Why maintenance cannot find where to act.
#[derive(Debug, thiserror::Error)]
pub enum ShardError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("CMP_CLICKHOUSE_SHARD_URLS: {0}")]
    Config(String),
}

impl From<clickhouse::error::Error> for ShardError {
    fn from(e: clickhouse::error::Error) -> Self {
        Self::Store(e.into())
    }
}

#[derive(Debug, clickhouse::Row, Deserialize)]
struct NodeShard {
    shard: String,
    has_ledger: u64,
}

/// The stores and tables maintenance acts on: the configured store alone on
/// one server; one node of each shard on a cluster.
pub async fn resolve(store: &Store, settings: &Settings) -> Result<Vec<Local>, ShardError> {
    let engine = store
        .timed(
            store
                .client
                .query(sql::LEDGER_ENGINE)
                .fetch_optional::<String>(),
        )
        .await?;
    let clustered = engine.as_deref() == Some("Distributed");
    let urls = &settings.clickhouse_shard_urls;
    if !clustered {
        if !urls.is_empty() {
            return Err(ShardError::Config(format!(
                "set, but the ledger `events` at CMP_CLICKHOUSE_URL is a {} table of one server, not a cluster's Distributed table; unset it",
                engine.as_deref().unwrap_or("missing")
            )));
        }
        return Ok(vec![Local {
            store: store.clone(),
            tables: SINGLE,
            name: "single".to_owned(),
        }]);
    }
    if urls.is_empty() {
        return Err(ShardError::Config(
            "the ledger `events` is a Distributed table (a cluster): rebuild, retention and the drift check change each shard's local tables on one of its nodes; set CMP_CLICKHOUSE_SHARD_URLS to one node URL per shard".to_owned(),
        ));
    }
    let q = store.client.query(sql::CLUSTER_SHARDS);
    let shards = store.timed(q.fetch_one::<u64>()).await?;
    if urls.len() as u64 != shards {
        return Err(ShardError::Config(format!(
            "names {} node(s), the cluster has {shards} shard(s): give one node of each",
            urls.len()
        )));
    }
    let mut locals: Vec<Local> = Vec::with_capacity(urls.len());
    for url in urls {
        let shard_store = Store::new(&Settings {
            clickhouse_url: url.clone(),
            ..settings.clone()
        });
        let q = shard_store.client.query(sql::SHARD_OF_NODE);
        let node = shard_store.timed(q.fetch_one::<NodeShard>()).await?;
        if node.shard.is_empty() || node.has_ledger == 0 {
            return Err(ShardError::Config(format!(
                "{url} is not a node of the cluster (no {{shard}} macro or no events_local in the database)"
            )));
        }
        if locals.iter().any(|l| l.name == node.shard) {
            return Err(ShardError::Config(format!(
                "{url} is a second node of shard {}: give one node of each shard",
                node.shard
            )));
        }
        locals.push(Local {
            store: shard_store,
            tables: SHARD,
            name: node.shard,
        });
    }
    Ok(locals)
}
