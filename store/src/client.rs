//! The ClickHouse client as the processes use it, and the time limit of
//! every call: a server that stops answering (hung, or a network that
//! drops packets) fails the call like one that refuses connections, so it
//! is logged, counted and reported not-ready the same way.

use std::time::Duration;

use cmp_config::{Compression, Settings};

use crate::{Shared, StoreError};

/// A cheap-to-clone handle on the pipeline's ClickHouse database.
#[derive(Clone, Debug)]
pub struct Store {
    /// Client bound to the pipeline's database.
    pub client: clickhouse::Client,
    /// Client without a database, for `CREATE DATABASE`.
    server: clickhouse::Client,
    /// The database name (a checked identifier, see `cmp_config`).
    pub database: String,
    /// How long one call may take (`CMP_CLICKHOUSE_TIMEOUT_SECS`); queries
    /// also carry it as `max_execution_time`.
    timeout: Duration,
    /// The same for maintenance (`CMP_CLICKHOUSE_MAINTENANCE_TIMEOUT_SECS`).
    maintenance_timeout: Duration,
    /// Where [`Store::fetch_shared`] shares its reads (none: it does not).
    shared: Option<Shared>,
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
            .with_compression(match settings.clickhouse_compression {
                Compression::Lz4 => clickhouse::Compression::Lz4,
                Compression::None => clickhouse::Compression::None,
            })
            .with_validation(false);
        if let Some(pw) = &settings.clickhouse_password {
            server = server.with_password(pw.expose());
        }
        Self {
            client: server.clone().with_database(&settings.clickhouse_database),
            server,
            database: settings.clickhouse_database.clone(),
            timeout: settings.clickhouse_timeout,
            maintenance_timeout: settings.clickhouse_maintenance_timeout,
            shared: None,
        }
        .limited(settings.clickhouse_timeout)
    }

    /// This store with `timeout` for every call, sent as the server's
    /// `max_execution_time` too (whole seconds, at least one).
    fn limited(mut self, timeout: Duration) -> Self {
        let seconds = timeout.as_secs().max(1).to_string();
        self.client = self.client.with_setting("max_execution_time", &seconds);
        self.server = self.server.with_setting("max_execution_time", seconds);
        self.timeout = timeout;
        self
    }

    /// This store for maintenance (migrations, rebuilds, retention), whose
    /// statements may run long on a large ledger.
    pub fn for_maintenance(&self) -> Self {
        self.clone().limited(self.maintenance_timeout)
    }

    /// This store with its [`Store::fetch_shared`] reads shared through
    /// `shared` (one data version's: see [`Shared`]).
    pub fn sharing(&self, shared: Shared) -> Self {
        Self {
            shared: Some(shared),
            ..self.clone()
        }
    }

    /// A query's rows as [`Store::timed`] fetches them; with
    /// [`Store::sharing`], an identical query (same SQL and values) asked
    /// through the same [`Shared`] runs once.
    pub async fn fetch_shared<T>(
        &self,
        query: clickhouse::query::Query,
    ) -> Result<Vec<T>, StoreError>
    where
        T: clickhouse::RowOwned + clickhouse::RowRead + Clone + Send + Sync + 'static,
    {
        match &self.shared {
            None => self.timed(query.fetch_all()).await,
            Some(shared) => {
                let sql = query.sql_display().to_string();
                shared.get(sql, self.timed(query.fetch_all())).await
            }
        }
    }

    /// How long one call may take before it fails as [`Store::timed`] does.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Runs one call to ClickHouse (a query, or an INSERT's writes and end)
    /// within the timeout; past it the call is dropped and fails as
    /// `TimedOut`, a transient error like a refused connection. Only for
    /// calls that are safe to abandon: a query, or an INSERT whose rows
    /// nobody counts on being stored once (see `cmp-ingest`'s combiner for
    /// the ledger's).
    pub async fn timed<T>(
        &self,
        call: impl Future<Output = clickhouse::error::Result<T>>,
    ) -> Result<T, StoreError> {
        // On the heap: a query's future is large, and a report nests
        // several (a debug build's worker stack overflowed without this).
        match tokio::time::timeout(self.timeout, Box::pin(call)).await {
            Ok(result) => Ok(result?),
            Err(_) => Err(StoreError::ClickHouse(clickhouse::error::Error::TimedOut)),
        }
    }

    /// Creates the database if it does not exist (the name is a checked identifier).
    pub async fn create_database(&self) -> Result<(), StoreError> {
        let sql = format!("CREATE DATABASE IF NOT EXISTS {}", self.database);
        self.timed(self.server.query(&sql).execute()).await
    }
}

/// Whether ClickHouse answers `SELECT 1` within `timeout`.
pub async fn ping(store: &Store, timeout: Duration) -> bool {
    let q = store.server.query(crate::sql::PING).fetch_one::<u8>();
    matches!(tokio::time::timeout(timeout, q).await, Ok(Ok(1)))
}
