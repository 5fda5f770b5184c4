//! Hostile input through the real broker (RELIABILITY.md): every message
//! of the corpus (`cmp_tests::hostile`) is refused to the DLQ with the
//! contract's code, byte for byte, or stored once, as the contract says;
//! then a flood of messages at and over the size limit, while the ingest
//! process's resident memory is watched.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use chrono::Utc;
use cmp_model::Topic;
use cmp_tests::figures::record;
use cmp_tests::hostile::{MAX_BYTES, Outcome, corpus, padded};
use cmp_tests::kafka::{header, produce_raw, read_all};
use cmp_tests::{Process, assert_accounted, ledger, migrated};
use rdkafka::Message;

/// Messages of the flood, and the cap on the ingest process's peak
/// resident memory while it reads them (the flood alone is about 90 MiB).
const FLOOD: usize = 1400;
const PEAK_RSS_CAP_MIB: u64 = 256;

/// (source topic, key) of a DLQ message.
type Source = (String, Vec<u8>);
/// Its `cmp-error` and its value.
type DlqCopy = (Option<String>, Option<Vec<u8>>);

#[tokio::test]
async fn hostile_messages_get_their_contract_outcome_and_memory_stays_bounded() {
    let test = "adversarial";
    let env = migrated(test, 2).await;
    let ingest = Process::spawn(test, "ingest", "cmp-ingest", &[], &env.vars);
    let t = env.settings.topics.clone();
    let name = |topic: Topic| match topic {
        Topic::Engagement => t.engagement.clone(),
        Topic::Uptake => t.uptake.clone(),
    };

    let cases = corpus(Utc::now());
    for topic in Topic::ALL {
        let records: Vec<(Vec<u8>, Option<Vec<u8>>)> = cases
            .iter()
            .filter(|c| c.topic == *topic)
            .map(|c| (c.key.clone(), c.payload.clone()))
            .collect();
        produce_raw(&env.brokers, &name(*topic), &records).await;
    }
    let accepted: BTreeSet<(String, String)> = cases
        .iter()
        .enumerate()
        .filter(|(_, c)| c.outcome == Outcome::Accept)
        .map(|(i, c)| (name(c.topic), format!("adv-{i}")))
        .collect();
    ledger::assert_exactly(&env.store, &accepted, Duration::from_secs(60)).await;
    let (_, _, refused) = assert_accounted(&ingest, cases.len() as u64).await;
    assert_eq!(refused as usize, cases.len() - accepted.len());

    // Each refusal in the DLQ: its code, and the message unchanged.
    let dlq: BTreeMap<Source, DlqCopy> = read_all(&env.brokers, &t.dlq)
        .iter()
        .map(|m| {
            (
                (
                    header(m, "cmp-source-topic").unwrap_or_default(),
                    m.key().unwrap_or_default().to_vec(),
                ),
                (header(m, "cmp-error"), m.payload().map(<[u8]>::to_vec)),
            )
        })
        .collect();
    let mut wrong = Vec::new();
    let mut by_code: BTreeMap<&str, u32> = BTreeMap::new();
    for c in &cases {
        let Outcome::Refuse(code) = c.outcome else {
            continue;
        };
        *by_code.entry(code.as_str()).or_default() += 1;
        match dlq.get(&(name(c.topic), c.key.clone())) {
            None => wrong.push(format!("{}: not in the DLQ", c.name)),
            Some((got, payload)) => {
                if got.as_deref() != Some(code.as_str()) {
                    wrong.push(format!("{}: {got:?}, not {code}", c.name));
                }
                if payload != &c.payload {
                    wrong.push(format!("{}: payload changed in the DLQ", c.name));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    record("adversarial.cases", cases.len());
    record("adversarial.accepted", accepted.len());
    for (code, n) in &by_code {
        record(&format!("adversarial.refused_{code}"), n);
    }

    // The flood: messages at and over the limit, in every shape the corpus
    // found costly (deep nesting, long numbers, invalid UTF-8, too large).
    let now = Utc::now();
    let deep = |n: usize| {
        let mut m = format!("{{\"x\":{}", "[".repeat(MAX_BYTES - 6 - n)).into_bytes();
        m.truncate(MAX_BYTES);
        m
    };
    let records: Vec<(Vec<u8>, Option<Vec<u8>>)> = (0..FLOOD)
        .map(|i| {
            let key = format!("flood-{i}");
            let payload = match i % 4 {
                0 => padded(Topic::Engagement, &key, now, MAX_BYTES),
                1 => vec![b'9'; MAX_BYTES + 1],
                2 => deep(i % 7),
                _ => {
                    let mut m = padded(Topic::Engagement, &key, now, MAX_BYTES);
                    m[MAX_BYTES / 2] = 0xff;
                    m
                }
            };
            (key.into_bytes(), Some(payload))
        })
        .collect();
    let flood_bytes: usize = records
        .iter()
        .map(|(_, p)| p.as_ref().map_or(0, Vec::len))
        .sum();
    produce_raw(&env.brokers, &t.engagement, &records).await;
    assert_accounted(&ingest, (cases.len() + FLOOD) as u64).await;
    let peak = ingest.peak_rss_kib().expect("ingest is running") / 1024;
    record("adversarial.flood_messages", FLOOD);
    record("adversarial.flood_mib", flood_bytes / (1024 * 1024));
    record("adversarial.ingest_peak_rss_mib", peak);
    assert!(
        peak <= PEAK_RSS_CAP_MIB,
        "ingest peaked at {peak} MiB reading {} MiB of hostile messages",
        flood_bytes / (1024 * 1024)
    );
}
