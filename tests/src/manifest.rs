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
    /// Every message produced.
    pub messages: u64,
}

impl Manifest {
    /// Parses `topic \t key \t expectation` lines.
    pub fn read(path: &std::path::Path) -> Self {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
        let mut m = Self::default();
        for line in text.lines().filter(|l| !l.is_empty()) {
            let mut cols = line.split('\t');
            let (Some(topic), Some(_key), Some(expect)) = (cols.next(), cols.next(), cols.next())
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
                Some(("refuse", code)) => *m.refused.entry(code.to_owned()).or_default() += 1,
                _ => panic!("bad manifest expectation {expect:?}"),
            }
        }
        m
    }

    /// Refusals produced, all codes.
    pub fn refused_total(&self) -> u64 {
        self.refused.values().sum()
    }
}
