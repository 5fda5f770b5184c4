//! Every query the processes issue, kept in `store/sql/queries/*.sql` so the
//! SQL check runs each through the current ClickHouse engine as well as the
//! integration tests through 18.16. `?` marks a bound value (escaped by the
//! client, never pasted); `?fields` the row type's columns.

pub const PING: &str = include_str!("../sql/queries/ping.sql");
pub const MIGRATIONS_TABLE_EXISTS: &str =
    include_str!("../sql/queries/migrations_table_exists.sql");
pub const MIGRATIONS_APPLIED: &str = include_str!("../sql/queries/migrations_applied.sql");
pub const STORED_OFFSETS: &str = include_str!("../sql/queries/stored_offsets.sql");
pub const DEDUP_KEYS_SINCE: &str = include_str!("../sql/queries/dedup_keys_since.sql");
pub const DEDUP_LOOKUP: &str = include_str!("../sql/queries/dedup_lookup.sql");
