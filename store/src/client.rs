//! The ClickHouse client as the processes use it.

use std::time::Duration;

use cmp_config::Settings;

use crate::StoreError;

/// A cheap-to-clone handle on the pipeline's ClickHouse database.
#[derive(Clone, Debug)]
pub struct Store {
    /// Client bound to the pipeline's database.
    pub client: clickhouse::Client,
    /// Client without a database, for `CREATE DATABASE`.
    server: clickhouse::Client,
    /// The database name (a checked identifier, see `cmp_config`).
    pub database: String,
}

impl Store {
    /// Builds the client. Validation is off: the crate's schema validation
    /// needs `RowBinaryWithNamesAndTypes`, which ClickHouse 18.16 lacks; the
    /// row types are instead checked against the schema by the integration
    /// tests, and the schema version by [`crate::check_schema`].
    pub fn new(settings: &Settings) -> Self {
        let mut server = clickhouse::Client::default()
            .with_url(&settings.clickhouse_url)
            .with_user(&settings.clickhouse_user)
            .with_validation(false);
        if let Some(pw) = &settings.clickhouse_password {
            server = server.with_password(pw.expose());
        }
        Self {
            client: server.clone().with_database(&settings.clickhouse_database),
            server,
            database: settings.clickhouse_database.clone(),
        }
    }

    /// Creates the database if it does not exist (the name is a checked identifier).
    pub async fn create_database(&self) -> Result<(), StoreError> {
        let sql = format!("CREATE DATABASE IF NOT EXISTS {}", self.database);
        self.server.query(&sql).execute().await?;
        Ok(())
    }
}

/// Whether ClickHouse answers `SELECT 1` within `timeout`.
pub async fn ping(store: &Store, timeout: Duration) -> bool {
    let q = store.server.query(crate::sql::PING).fetch_one::<u8>();
    matches!(tokio_timeout(timeout, q).await, Some(Ok(1)))
}

async fn tokio_timeout<F: std::future::Future>(d: Duration, f: F) -> Option<F::Output> {
    tokio::time::timeout(d, f).await.ok()
}
