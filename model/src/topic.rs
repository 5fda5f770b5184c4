//! Which contract topic a message came from. The topic decides which
//! topic-specific fields are read (and which are unknown, hence ignored); the
//! topic *names* are only defaults, because the contract requires them to be
//! configurable, so configuration owns the real names.

use serde::Serialize;

/// A topic of the contract that carries events (the DLQ carries refused
/// bytes, not events, so it is not a `Topic`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Topic {
    /// `cmp.engagement.v1`: someone saw or interacted with campaign material.
    Engagement,
    /// `cmp.uptake.v1`: a client moved through a program application.
    Uptake,
}

/// Default name of the dead-letter topic (configurable, like the others).
pub const DEFAULT_DLQ_TOPIC: &str = "cmp.dlq.v1";

impl Topic {
    /// Every event topic, in contract order.
    pub const ALL: &[Self] = &[Self::Engagement, Self::Uptake];

    /// Short stable name, usable as a metric label (`engagement`, `uptake`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Engagement => "engagement",
            Self::Uptake => "uptake",
        }
    }

    /// The contract's default Kafka topic name.
    pub const fn default_name(self) -> &'static str {
        match self {
            Self::Engagement => "cmp.engagement.v1",
            Self::Uptake => "cmp.uptake.v1",
        }
    }
}

impl std::fmt::Display for Topic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
