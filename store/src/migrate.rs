//! The versioned schema: ordered migrations, applied once each and recorded
//! in `schema_migrations`. Every statement is idempotent (`IF NOT EXISTS`),
//! so a migration interrupted between running and recording is simply run
//! again. A migration that is not (0005 copies and renames the ledger; 0007
//! adds columns, which 18.16 cannot do `IF NOT EXISTS`) has a guard: a
//! query that says whether it still has work to do; where it has none (done
//! already, or a cluster whose schema has it), it is only recorded.

use chrono::Utc;
use serde::{Deserialize, Serialize};

use crate::{Store, StoreError, sql};

/// One migration: its version (the file's number), name and SQL text.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: u32,
    pub name: &'static str,
    pub sql: &'static str,
    /// A query answering a count: the statements run only if it is not 0.
    pub only_if: Option<&'static str>,
}

macro_rules! migration {
    ($version:literal, $name:literal) => {
        migration!($version, $name, None)
    };
    ($version:literal, $name:literal, $only_if:expr) => {
        Migration {
            version: $version,
            name: $name,
            sql: include_str!(concat!("../sql/migrations/", $name, ".sql")),
            only_if: $only_if,
        }
    };
}

/// Every migration, in order. A unit test checks this list against the folder.
pub const MIGRATIONS: &[Migration] = &[
    migration!(1, "0001_schema_migrations"),
    migration!(2, "0002_events"),
    migration!(3, "0003_rollups"),
    migration!(4, "0004_registry"),
    migration!(
        5,
        "0005_events_keyed_by_event",
        Some(sql::MIGRATION_0005_NEEDED)
    ),
    migration!(6, "0006_rollup_views_on_keyed_events"),
    migration!(
        7,
        "0007_events_v11_fields",
        Some(sql::MIGRATION_0007_NEEDED)
    ),
    migration!(8, "0008_experiments"),
    migration!(9, "0009_service_costs"),
    migration!(10, "0010_measurement_settings"),
    migration!(
        11,
        "0011_campaign_flight_plan",
        Some(sql::MIGRATION_0011_NEEDED)
    ),
    migration!(12, "0012_campaign_owner", Some(sql::MIGRATION_0012_NEEDED)),
    migration!(13, "0013_offices"),
    migration!(14, "0014_attribution_incremental"),
    migration!(15, "0015_daily_tier"),
    migration!(16, "0016_program_daily", Some(sql::MIGRATION_0016_NEEDED)),
];

#[derive(Debug, clickhouse::Row, Serialize, Deserialize)]
struct Applied {
    version: u32,
    name: String,
    /// Seconds since the epoch (a `DateTime` column).
    applied_at: u32,
}

impl Migration {
    /// The statements of the file, split at `;` ending a line.
    pub fn statements(&self) -> impl Iterator<Item = String> + '_ {
        self.sql
            .split(";\n")
            .map(|s| {
                s.lines()
                    .filter(|l| !l.trim_start().starts_with("--"))
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .map(|s| s.trim().trim_end_matches(';').to_owned())
            .filter(|s| !s.is_empty())
    }

    /// Whether the statements have work to do (their guard says so).
    async fn needed(&self, store: &Store) -> Result<bool, StoreError> {
        match self.only_if {
            None => Ok(true),
            Some(query) => Ok(store
                .timed(store.client.query(query).fetch_one::<u64>())
                .await?
                > 0),
        }
    }
}

/// Versions already applied, ascending.
async fn applied(store: &Store) -> Result<Vec<u32>, StoreError> {
    let exists = store
        .timed(
            store
                .client
                .query(sql::MIGRATIONS_TABLE_EXISTS)
                .fetch_one::<u8>(),
        )
        .await?;
    if exists == 0 {
        return Ok(Vec::new());
    }
    store
        .timed(
            store
                .client
                .query(sql::MIGRATIONS_APPLIED)
                .fetch_all::<u32>(),
        )
        .await
}

/// Applies every migration not yet recorded; returns the versions applied now.
pub async fn migrate(store: &Store) -> Result<Vec<u32>, StoreError> {
    let store = &store.for_maintenance();
    store.create_database().await?;
    let done = applied(store).await?;
    let mut now_applied = Vec::new();
    for m in MIGRATIONS.iter().filter(|m| !done.contains(&m.version)) {
        if m.needed(store).await? {
            for statement in m.statements() {
                store
                    .timed(store.client.query(&statement).execute())
                    .await?;
            }
        }
        let applied = Applied {
            version: m.version,
            name: m.name.to_owned(),
            applied_at: u32::try_from(Utc::now().timestamp()).unwrap_or(u32::MAX),
        };
        store
            .timed(async {
                let mut insert = store.client.insert::<Applied>("schema_migrations").await?;
                insert.write(&applied).await?;
                insert.end().await
            })
            .await?;
        tracing::info!(version = m.version, name = m.name, "migration applied");
        now_applied.push(m.version);
    }
    Ok(now_applied)
}

/// Refuses a schema older (or newer) than this build's migrations.
pub async fn check_schema(store: &Store) -> Result<(), StoreError> {
    let needed = MIGRATIONS.last().map_or(0, |m| m.version);
    let found = applied(store).await?.last().copied().unwrap_or(0);
    if found < needed {
        return Err(StoreError::SchemaTooOld { found, needed });
    }
    if found > needed {
        return Err(StoreError::SchemaTooNew {
            found,
            known: needed,
        });
    }
    Ok(())
}

/// Waits until ClickHouse answers (one warning, then retries with doubling
/// pauses up to 15 s), then refuses a schema older or newer than this build.
/// `Ok(false)` when `stop` resolved first. A process never crash-loops on a
/// ClickHouse that is not up yet.
pub async fn wait_for_schema(
    store: &Store,
    stop: impl std::future::Future<Output = ()>,
) -> Result<bool, StoreError> {
    let mut stop = std::pin::pin!(stop);
    let mut pause = std::time::Duration::from_millis(500);
    let mut warned = false;
    loop {
        match check_schema(store).await {
            Ok(()) => return Ok(true),
            Err(e) if e.is_transient() => {
                if !warned {
                    tracing::warn!(error = %e, "ClickHouse unavailable at start: waiting for it");
                    warned = true;
                }
            }
            Err(e) => return Err(e),
        }
        tokio::select! {
            _ = &mut stop => return Ok(false),
            _ = tokio::time::sleep(pause) => {}
        }
        pause = (pause * 2).min(std::time::Duration::from_secs(15));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_matches_the_folder_in_order() {
        // The crate's folder as `cargo test` names it when it runs the test.
        let crate_dir = std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo test");
        let dir = std::path::Path::new(&crate_dir).join("sql/migrations");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .expect("migrations folder")
            .filter_map(|e| e.ok())
            .map(|e| {
                e.file_name()
                    .to_string_lossy()
                    .trim_end_matches(".sql")
                    .to_owned()
            })
            .collect();
        files.sort();
        let listed: Vec<&str> = MIGRATIONS.iter().map(|m| m.name).collect();
        assert_eq!(files, listed);
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version as usize, i + 1);
            assert!(m.name.starts_with(&format!("{:04}_", m.version)));
        }
    }

    #[test]
    fn statements_split_and_drop_comments() {
        let m = Migration {
            version: 9,
            name: "x",
            only_if: None,
            sql: "-- a comment; with semicolon\nCREATE TABLE a (x UInt8) ENGINE = Memory;\nCREATE TABLE b\n(y UInt8) ENGINE = Memory;\n",
        };
        let s: Vec<String> = m.statements().collect();
        assert_eq!(
            s,
            vec![
                "CREATE TABLE a (x UInt8) ENGINE = Memory",
                "CREATE TABLE b\n(y UInt8) ENGINE = Memory"
            ]
        );
    }
}
