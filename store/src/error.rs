//! Errors of ClickHouse access.

/// How ClickHouse (18.16 and current) starts the text of the error that
/// stops a query at its `max_execution_time` (`TIMEOUT_EXCEEDED`).
const TIMEOUT_EXCEEDED: &str = "Code: 159";

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
    /// Whether retrying later may succeed (server down, timeout, network,
    /// or the server stopping a query at its `max_execution_time`); schema
    /// problems and rejected statements are not retried.
    pub fn is_transient(&self) -> bool {
        use clickhouse::error::Error;
        match self {
            Self::ClickHouse(Error::Network(_) | Error::TimedOut) => true,
            Self::ClickHouse(Error::BadResponse(text)) => text.contains(TIMEOUT_EXCEEDED),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clickhouse::error::Error;

    #[test]
    fn a_server_side_timeout_is_transient_a_rejected_statement_is_not() {
        let limit = "Code: 159, e.displayText() = DB::Exception: Timeout exceeded: elapsed 2.0 seconds, maximum: 2";
        let syntax = "Code: 62, e.displayText() = DB::Exception: Syntax error";
        let of = |text: &str| StoreError::ClickHouse(Error::BadResponse(text.to_owned()));
        assert!(of(limit).is_transient());
        assert!(!of(syntax).is_transient());
        assert!(StoreError::ClickHouse(Error::TimedOut).is_transient());
    }
}
