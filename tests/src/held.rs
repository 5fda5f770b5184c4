//! The truth of a run whose producer or broker may fail: what the broker
//! really holds, read back from the source topics, each message recognised
//! by its bytes among everything the generator made (regenerated from its
//! configuration). A producer that was told "not acknowledged" may still
//! have written the message, a retry may have written it twice, a broker
//! may lose an acknowledged write: the pipeline answers for exactly what it
//! can read. Per event, the first delivery in its partition wins (the
//! contract); every invalid message must reach the DLQ.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use cmp_loadgen::{Expect, GenConfig, Generator};
use cmp_model::{Event, Limits, Topic, decode};
use rdkafka::Message;

use crate::kafka::read_all;

/// What the pipeline must have done with the held messages.
#[derive(Debug, Default)]
pub struct Held {
    /// (topic name, event_id) of each event, and the event as its first
    /// held delivery says.
    pub accepted: BTreeMap<(String, String), Event>,
    /// (topic name, key) of each invalid message held, and its code.
    pub refused: BTreeMap<(String, String), String>,
    /// Valid messages held after their event's first delivery.
    pub duplicates: u64,
    /// Messages held, all kinds.
    pub messages: u64,
}

/// Reads the source topics back (`names`: the broker's topic name of each
/// contract topic) and judges each message as the generator made it; the
/// generator made `count` messages under `config`. Panics on a message the
/// generator did not make.
pub fn held(
    brokers: &str,
    names: &[(Topic, String)],
    config: GenConfig,
    count: usize,
    now: DateTime<Utc>,
) -> Held {
    let made: HashMap<(Topic, Vec<u8>), Expect> = Generator::new(config)
        .expect("valid generator config")
        .take(count)
        .map(|m| ((m.topic, m.payload), m.expect))
        .collect();
    let mut out = Held::default();
    for (topic, name) in names {
        let mut messages = read_all(brokers, name);
        messages.sort_by_key(|m| (m.partition(), m.offset()));
        for m in messages {
            out.messages += 1;
            let payload = m.payload().unwrap_or_default().to_vec();
            let key = String::from_utf8_lossy(m.key().unwrap_or_default()).into_owned();
            let expect = made.get(&(*topic, payload)).unwrap_or_else(|| {
                panic!("{name} holds a message the generator never made: key {key}")
            });
            match expect {
                Expect::Refuse(code) => {
                    out.refused
                        .insert((name.clone(), key), code.as_str().to_owned());
                }
                Expect::Accept { event_id } | Expect::Redelivery { event_id } => {
                    match out.accepted.entry((name.clone(), event_id.clone())) {
                        Entry::Occupied(_) => out.duplicates += 1,
                        Entry::Vacant(slot) => {
                            let bytes = m.payload().unwrap_or_default();
                            let event = decode(bytes, *topic, now, &Limits::default())
                                .unwrap_or_else(|r| panic!("{event_id} refused in-process: {r:?}"));
                            slot.insert(event);
                        }
                    }
                }
            }
        }
    }
    out
}
