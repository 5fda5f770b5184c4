//! One generated Kafka message and what the pipeline must do with it. The
//! expectation travels with the bytes so a test (or the binary's manifest)
//! can check the pipeline's verdict message by message.

use std::fmt;

use cmp_model::{RefusalCode, Topic};

/// A message to produce.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// The contract topic it belongs on (the binary maps it to a name).
    pub topic: Topic,
    /// The Kafka key: the event_id as UTF-8 (unique per message for
    /// invalid ones), so re-deliveries land in the same partition.
    pub key: Vec<u8>,
    /// The message value, exactly as the pipeline will read it.
    pub payload: Vec<u8>,
    /// What the pipeline must do with it.
    pub expect: Expect,
}

/// The pipeline's required verdict on a message.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Expect {
    /// A new event: counted once.
    Accept {
        /// The event's `event_id`.
        event_id: String,
    },
    /// A repeat of an event accepted earlier on the same topic, with the
    /// same `event_id` and `event_time` (the payload may differ): a
    /// duplicate, not counted again.
    Redelivery {
        /// The repeated `event_id`.
        event_id: String,
    },
    /// Invalid: sent to the DLQ with this `cmp-error` code.
    Refuse(RefusalCode),
}

impl Expect {
    /// Short stable name of the verdict: `accept`, `redelivery`, `refuse`.
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::Accept { .. } => "accept",
            Self::Redelivery { .. } => "redelivery",
            Self::Refuse(_) => "refuse",
        }
    }
}

/// `accept <event_id>`, `redelivery <event_id>` or `refuse <code>`: the
/// third column of the binary's manifest.
impl fmt::Display for Expect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Accept { event_id } | Self::Redelivery { event_id } => {
                write!(f, "{} {event_id}", self.kind())
            }
            Self::Refuse(code) => write!(f, "{} {code}", self.kind()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_as_the_manifest_column() {
        let accept = Expect::Accept {
            event_id: "e-1-0".into(),
        };
        let again = Expect::Redelivery {
            event_id: "e-1-0".into(),
        };
        assert_eq!(accept.to_string(), "accept e-1-0");
        assert_eq!(again.to_string(), "redelivery e-1-0");
        assert_eq!(
            Expect::Refuse(RefusalCode::TooLarge).to_string(),
            "refuse too_large"
        );
    }
}
