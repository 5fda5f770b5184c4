//! Re-deliveries: a bounded ring of recently accepted events, and the
//! repeat of one of them. A repeat keeps the topic, key, `event_id` and
//! `event_time`; its payload is either byte-for-byte the same (a producer
//! retry) or changed in a counted field (another `count` or `segment`), as a
//! producer that rebuilds the message would send. The ring keeps memory
//! bounded however long the generator runs, and re-deliveries arrive soon
//! after the original, as they do in practice.

use std::collections::VecDeque;

use cmp_model::Topic;
use rand::Rng;

use crate::audience::other_segment;
use crate::fields::Fields;
use crate::message::{Expect, Message};

/// How many recent accepted events may be repeated.
pub(crate) const RECENT_CAPACITY: usize = 4096;

/// An accepted event, kept so it can be delivered again.
#[derive(Clone, Debug)]
pub(crate) struct Remembered {
    pub(crate) topic: Topic,
    pub(crate) event_id: String,
    /// The fields as first delivered; re-serialising them yields the same
    /// bytes, so the payload itself need not be kept.
    pub(crate) fields: Fields,
}

/// The most recent accepted events, oldest first.
#[derive(Clone, Debug, Default)]
pub(crate) struct Recent {
    events: VecDeque<Remembered>,
}

impl Recent {
    /// Keeps `event`, forgetting the oldest one when full.
    pub(crate) fn remember(&mut self, event: Remembered) {
        if self.events.len() == RECENT_CAPACITY {
            self.events.pop_front();
        }
        self.events.push_back(event);
    }

    /// How many events are kept.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.events.len()
    }

    /// A repeat of a random kept event (`None` while none is kept), its
    /// payload changed with probability `changed_share`.
    pub(crate) fn redeliver(&self, rng: &mut impl Rng, changed_share: f64) -> Option<Message> {
        if self.events.is_empty() {
            return None;
        }
        let original = self.events.get(rng.random_range(0..self.events.len()))?;
        let mut fields = original.fields.clone();
        if rng.random_bool(changed_share) {
            change(rng, &mut fields);
        }
        Some(Message {
            topic: original.topic,
            key: original.event_id.as_bytes().to_vec(),
            payload: fields.to_bytes(),
            expect: Expect::Redelivery {
                event_id: original.event_id.clone(),
            },
        })
    }
}

/// Changes a counted field, keeping the event valid: a bulk report gets
/// another `count`, anything else another `segment`.
fn change(rng: &mut impl Rng, fields: &mut Fields) {
    match fields.get("count").and_then(serde_json::Value::as_u64) {
        Some(count) if count > 1 => {
            let mut other = rng.random_range(100..=5000_u64);
            if other == count {
                other += 1;
            }
            fields.set("count", other);
        }
        _ => {
            let segment = other_segment(rng, fields.get_str("segment"));
            fields.set("segment", segment);
        }
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    use super::*;

    fn event(n: usize) -> Remembered {
        let mut fields = Fields::default();
        fields.push("event_id", format!("e-{n}"));
        fields.push("count", 250);
        Remembered {
            topic: Topic::Engagement,
            event_id: format!("e-{n}"),
            fields,
        }
    }

    #[test]
    fn the_ring_is_bounded_and_keeps_the_newest() {
        let mut recent = Recent::default();
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        assert!(recent.redeliver(&mut rng, 0.0).is_none());
        for n in 0..RECENT_CAPACITY + 10 {
            recent.remember(event(n));
        }
        assert_eq!(recent.len(), RECENT_CAPACITY);
        for _ in 0..1000 {
            let m = recent.redeliver(&mut rng, 0.0).expect("kept");
            let Expect::Redelivery { event_id } = &m.expect else {
                panic!("{m:?}")
            };
            let n: usize = event_id[2..].parse().expect("number");
            assert!(n >= 10, "{event_id} was forgotten");
            assert_eq!(m.key, event_id.as_bytes());
            assert_eq!(m.payload, event(n).fields.to_bytes());
        }
    }

    #[test]
    fn a_change_alters_count_or_segment_only() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        for _ in 0..200 {
            let mut bulk = event(1).fields;
            change(&mut rng, &mut bulk);
            assert_ne!(bulk, event(1).fields);
            assert_eq!(bulk.get_str("event_id"), Some("e-1"));

            let mut single = Fields::default();
            single.push("event_id", "u-1");
            single.push("segment", "Seniors");
            let before = single.clone();
            change(&mut rng, &mut single);
            let after = single.get_str("segment").expect("segment");
            assert!(!after.eq_ignore_ascii_case("seniors"), "{after}");
            assert_eq!(single.get("event_id"), before.get("event_id"));
        }
    }
}
