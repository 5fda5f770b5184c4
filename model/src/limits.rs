//! The configurable bounds `decode` enforces: message size and how far
//! `event_time` may sit from the pipeline's clock. Defaults are the
//! contract's (64 KiB, 90 days, 5 minutes); configuration may override them.

use chrono::Duration;

/// Bounds applied by [`decode`](crate::decode()).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted message, in bytes; the contract says 64 KiB, and a
    /// bound keeps one message from costing unbounded parse time.
    pub max_bytes: usize,
    /// Oldest accepted `event_time`, relative to `now`: older events would
    /// land in hours that are already reported as final.
    pub max_age: Duration,
    /// How far ahead of `now` an `event_time` may be, to absorb producer
    /// clock skew without letting a wrong clock book counts into the future.
    pub max_future: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: 64 * 1024,
            max_age: Duration::days(90),
            max_future: Duration::minutes(5),
        }
    }
}
