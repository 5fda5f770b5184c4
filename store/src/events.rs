//! The row type of the `events` ledger (migrations 0002 and 0007), field for field.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

/// A column whose values come from a fixed vocabulary: borrowed from the
/// vocabulary's `&'static str` when ingest builds a row (no allocation per
/// row and field), owned when a row is read back.
pub type Code = Cow<'static, str>;

/// `kind` of an engagement event (the table's `Enum8` value).
pub const KIND_ENGAGEMENT: i8 = 1;
/// `kind` of an uptake event.
pub const KIND_UPTAKE: i8 = 2;

/// One accepted, normalised, pseudonymised event and the Kafka message it came
/// from. Fields that do not apply to the event's kind are empty or zero.
#[derive(Debug, Clone, PartialEq, Eq, clickhouse::Row, Serialize, Deserialize)]
pub struct EventRow {
    pub src_topic: String,
    pub src_partition: u32,
    pub src_offset: u64,
    /// [`KIND_ENGAGEMENT`] or [`KIND_UPTAKE`].
    pub kind: i8,
    pub event_id: String,
    /// Event time in whole seconds (UTC): partitions and hour buckets.
    pub event_time: u32,
    /// Event time in milliseconds since the epoch: the exact 24-hour dedup rule.
    pub event_ms: i64,
    pub campaign_id: String,
    pub channel: Code,
    pub action: Code,
    pub count: u32,
    pub cost_cents: u64,
    pub program: String,
    pub service_channel: Code,
    pub stage: Code,
    pub segment: String,
    pub region: Code,
    pub language: Code,
    /// Lower-case hex HMAC-SHA-256 of `client_id`; empty when the event had none.
    pub client_hash: String,
    /// When ingest stored the row (seconds, UTC).
    pub ingested_at: u32,
    /// v1.1: the engagement's message variant (a slug); empty when none.
    pub variant: String,
    /// v1.1: the office, upper-case; empty when none.
    pub office_id: String,
    /// v1.1: the forward sortation area, upper-case; empty when none.
    pub fsa: String,
}
