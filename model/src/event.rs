//! An accepted event, validated and normalised: defaults filled in, case
//! folded, `event_time` in UTC. Everything downstream of `decode` relies on
//! these values already obeying the contract, so the types say as much as
//! they can (vocabularies are enums, counts are unsigned).
//!
//! `Debug` for [`Event`] redacts `client_id`: events get logged by accident,
//! and a clear client identifier must never reach a log.

use std::fmt;

use chrono::{DateTime, Utc};

use crate::topic::Topic;
use crate::vocab::{Action, Channel, Language, Region, ServiceChannel, Stage};

/// Segment stored when the producer gives none.
pub const DEFAULT_SEGMENT: &str = "unspecified";

/// One accepted event from either topic.
#[derive(Clone, PartialEq, Eq)]
pub struct Event {
    /// The producer's identifier; the deduplication key within a topic.
    pub event_id: String,
    /// When it happened, in UTC, truncated to the millisecond: the hour it
    /// is counted in, and the precision the store keeps.
    pub event_time: DateTime<Utc>,
    /// Client sub-segment slug, lower-case; `unspecified` when absent.
    pub segment: String,
    /// Province or territory, `XX` when absent.
    pub region: Region,
    /// `en`, `fr`, or `und` when absent.
    pub language: Language,
    /// The person's identifier in the producer's system, in clear: ingest
    /// must replace it with a keyed hash before storing or logging anything.
    pub client_id: Option<String>,
    /// v1.1: the Service Canada office (signage screen, in-person service,
    /// or the client's nearest office), upper-case; `None` when absent.
    pub office_id: Option<String>,
    /// v1.1: the client's forward sortation area (`K1A`), upper-case;
    /// `None` when absent.
    pub fsa: Option<String>,
    /// The topic-specific part.
    pub body: Body,
}

/// The topic-specific fields of an event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    /// From `cmp.engagement.v1`.
    Engagement(Engagement),
    /// From `cmp.uptake.v1`.
    Uptake(Uptake),
}

/// Someone saw or interacted with campaign material (possibly in bulk).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Engagement {
    /// Campaign slug.
    pub campaign_id: String,
    /// Where the engagement happened.
    pub channel: Channel,
    /// What was done.
    pub action: Action,
    /// How many engagements this message reports (1..=1,000,000); bulk
    /// reports from ad platforms and signage carry thousands in one message.
    pub count: u32,
    /// Media cost in Canadian cents attributed to this message.
    pub cost_cents: u64,
    /// v1.1: the creative or message variant the person saw (a slug);
    /// `None` when the engagement is not part of a test.
    pub variant: Option<String>,
}

/// A client moved through a program application.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Uptake {
    /// Program slug, e.g. `oas`.
    pub program: String,
    /// How the client reached the program.
    pub service_channel: ServiceChannel,
    /// How far the application got.
    pub stage: Stage,
    /// The campaign the client arrived through; `None` = organic.
    pub campaign_id: Option<String>,
}

impl Event {
    /// The topic this event belongs to.
    pub fn topic(&self) -> Topic {
        self.body.topic()
    }

    /// The campaign the event is attributed to, if any.
    pub fn campaign_id(&self) -> Option<&str> {
        match &self.body {
            Body::Engagement(e) => Some(&e.campaign_id),
            Body::Uptake(u) => u.campaign_id.as_deref(),
        }
    }
}

impl Body {
    /// The topic this body belongs to.
    pub fn topic(&self) -> Topic {
        match self {
            Self::Engagement(_) => Topic::Engagement,
            Self::Uptake(_) => Topic::Uptake,
        }
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field("event_id", &self.event_id)
            .field("event_time", &self.event_time)
            .field("segment", &self.segment)
            .field("region", &self.region)
            .field("language", &self.language)
            .field("client_id", &self.client_id.as_ref().map(|_| "<redacted>"))
            .field("office_id", &self.office_id)
            .field("fsa", &self.fsa)
            .field("body", &self.body)
            .finish()
    }
}
