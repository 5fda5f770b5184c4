//! The broker from the tests' side: producing single messages and reading a
//! whole topic back (for the DLQ and for the original of a refused message).

use std::collections::HashSet;
use std::time::Duration;

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::{Headers, OwnedMessage};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::{ClientConfig, Message, Offset, TopicPartitionList};

/// Produces one keyed message and waits for its acknowledgement.
pub async fn produce(brokers: &str, topic: &str, key: &str, payload: &[u8]) {
    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .create()
        .expect("producer");
    producer
        .send(
            FutureRecord::to(topic).key(key).payload(payload),
            Duration::from_secs(10),
        )
        .await
        .map_err(|(e, _)| e)
        .expect("produce");
}

/// Produces `(key, payload)` records to `topic` through one producer, all
/// in flight at once, and waits for every acknowledgement. Keys and
/// payloads are raw bytes (hostile input: not UTF-8, absent payloads).
pub async fn produce_raw(brokers: &str, topic: &str, records: &[(Vec<u8>, Option<Vec<u8>>)]) {
    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("message.max.bytes", "1000000")
        .create()
        .expect("producer");
    let mut pending = Vec::with_capacity(records.len());
    for (key, payload) in records {
        let mut record: FutureRecord<'_, [u8], [u8]> = FutureRecord::to(topic).key(key.as_slice());
        if let Some(p) = payload {
            record = record.payload(p.as_slice());
        }
        pending.push(
            producer
                .send_result(record)
                .map_err(|(e, _)| e)
                .expect("enqueue"),
        );
    }
    for delivery in pending {
        delivery
            .await
            .expect("delivery")
            .map_err(|(e, _)| e)
            .expect("produce");
    }
}

/// Every message of `topic` (all partitions, from the start to the current end).
pub fn read_all(brokers: &str, topic: &str) -> Vec<OwnedMessage> {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("group.id", "cmp-tests-reader")
        .set("enable.auto.commit", "false")
        .set("enable.partition.eof", "true")
        .create()
        .expect("consumer");
    let meta = consumer
        .fetch_metadata(Some(topic), Duration::from_secs(10))
        .expect("metadata");
    let partitions: Vec<i32> = meta.topics()[0]
        .partitions()
        .iter()
        .map(|p| p.id())
        .collect();
    let mut tpl = TopicPartitionList::new();
    let mut open: HashSet<i32> = HashSet::new();
    for p in &partitions {
        let (low, high) = consumer
            .fetch_watermarks(topic, *p, Duration::from_secs(10))
            .expect("watermarks");
        if high > low {
            tpl.add_partition_offset(topic, *p, Offset::Beginning)
                .expect("assign");
            open.insert(*p);
        }
    }
    if open.is_empty() {
        return Vec::new();
    }
    consumer.assign(&tpl).expect("assign");
    let mut out = Vec::new();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while !open.is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "reading {topic} timed out"
        );
        match consumer.poll(Duration::from_millis(200)) {
            Some(Ok(m)) => out.push(m.detach()),
            Some(Err(rdkafka::error::KafkaError::PartitionEOF(p))) => {
                open.remove(&p);
            }
            Some(Err(e)) => panic!("reading {topic}: {e}"),
            None => {}
        }
    }
    out
}

/// The value of header `name`, as text.
pub fn header(m: &OwnedMessage, name: &str) -> Option<String> {
    let headers = m.headers()?;
    headers
        .iter()
        .find(|h| h.key == name)
        .and_then(|h| h.value)
        .map(|v| String::from_utf8_lossy(v).into_owned())
}

/// (topic, key) of every message of `topics`.
pub fn held_keys(brokers: &str, topics: &[&str]) -> std::collections::BTreeSet<(String, String)> {
    topics
        .iter()
        .flat_map(|t| {
            read_all(brokers, t).into_iter().filter_map(move |m| {
                let key = String::from_utf8_lossy(m.key()?).into_owned();
                Some(((*t).to_owned(), key))
            })
        })
        .collect()
}
