//! Errors of ClickHouse access.

/// What can go wrong talking to ClickHouse.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("clickhouse: {0}")]
    ClickHouse(#[from] clickhouse::error::Error),
    #[error(
        "the ClickHouse schema is at version {found} but this build needs {needed}: run `cmp-aggregator migrate`"
    )]
    SchemaTooOld { found: u32, needed: u32 },
    #[error(
        "the ClickHouse schema is at version {found}, newer than this build knows ({known}): upgrade the binaries"
    )]
    SchemaTooNew { found: u32, known: u32 },
}

impl StoreError {
    /// Whether retrying later may succeed (server down, timeout, network);
    /// schema problems and rejected statements are not retried.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::ClickHouse(e) => matches!(
                e,
                clickhouse::error::Error::Network(_) | clickhouse::error::Error::TimedOut
            ),
            _ => false,
        }
    }
}
