//! What the generator says it produced (`cmp-loadgen --manifest`): the
//! independent truth the stored ledger and the DLQ are compared with.

use std::collections::{BTreeMap, BTreeSet};

/// The generator's manifest, read back.
#[derive(Debug, Default)]
pub struct Manifest {
    /// (topic, event_id) of every first delivery of a valid event.
    pub accepted: BTreeSet<(String, String)>,
    /// Re-deliveries produced.
    pub redeliveries: u64,
    /// Refusals produced, by code.
    pub refused: BTreeMap<String, u64>,
    /// (topic, key) of every refused message produced, and the refusal
    /// code it must get.
    pub refused_keys: BTreeMap<(String, String), String>,
    /// Every message produced.
    pub messages: u64,
    /// The injected effects (`#effects` line), if any: the truth estimates
    /// are compared with.
    pub effects: Option<serde_json::Value>,
}

impl Manifest {
    /// Parses `topic \t key \t expectation` lines (and an `#effects` line).
    pub fn read(path: &std::path::Path) -> Self {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
        let mut m = Self::default();
        for line in text.lines().filter(|l| !l.is_empty()) {
            if let Some(json) = line.strip_prefix("#effects\t") {
                m.effects = Some(serde_json::from_str(json).expect("effects JSON"));
                continue;
            }
            let mut cols = line.split('\t');
            let (Some(topic), Some(key), Some(expect)) = (cols.next(), cols.next(), cols.next())
            else {
                panic!("bad manifest line {line:?}");
            };
            m.messages += 1;
            match expect.split_once(' ') {
                Some(("accept", id)) => {
                    assert!(
                        m.accepted.insert((topic.to_owned(), id.to_owned())),
                        "generator repeated {id}"
                    );
                }
                Some(("redelivery", _)) => m.redeliveries += 1,
                Some(("refuse", code)) => {
                    *m.refused.entry(code.to_owned()).or_default() += 1;
                    m.refused_keys
                        .insert((topic.to_owned(), key.to_owned()), code.to_owned());
                }
                _ => panic!("bad manifest expectation {expect:?}"),
            }
        }
        m
    }

    /// Keeps only what the broker really holds (`held`: (topic, key) read
    /// back from the source topics), printing what it acknowledged but lost:
    /// the pipeline answers for every message it can read, not for a
    /// development broker's lost writes.
    pub fn held_by_broker(mut self, held: &BTreeSet<(String, String)>) -> Self {
        let before = (self.accepted.len(), self.refused_keys.len());
        self.accepted.retain(|k| held.contains(k));
        self.refused_keys.retain(|k, _| held.contains(k));
        let lost = (
            before.0 - self.accepted.len(),
            before.1 - self.refused_keys.len(),
        );
        if lost != (0, 0) {
            eprintln!(
                "the broker acknowledged but does not hold {} valid and {} invalid message(s): left out of the expectation",
                lost.0, lost.1
            );
        }
        self
    }

    /// Refusals produced, all codes.
    pub fn refused_total(&self) -> u64 {
        self.refused.values().sum()
    }
}
