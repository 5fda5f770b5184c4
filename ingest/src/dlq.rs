//! The dead-letter producer: a refused message goes to the DLQ topic byte for
//! byte, under its original key, with the contract's headers. A batch's
//! offsets are committed only after every one of its refusals is
//! acknowledged; a refusal produced twice (after a crash or a retry) carries
//! the same `cmp-source-*` headers, so the copies are recognisable.

use chrono::{SecondsFormat, Utc};
use rdkafka::ClientConfig;
use rdkafka::error::KafkaError;
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};

/// A message refused by the validation, with where it came from.
#[derive(Debug, Clone)]
pub struct Refused {
    pub key: Option<Vec<u8>>,
    /// `None`: the record had no value (a tombstone), and its copy has none.
    pub payload: Option<Vec<u8>>,
    pub code: &'static str,
    pub detail: String,
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
}

/// Sends refusals to the DLQ topic.
#[derive(Clone)]
pub struct Dlq {
    producer: FutureProducer,
    topic: String,
}

impl std::fmt::Debug for Dlq {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dlq").field("topic", &self.topic).finish()
    }
}

impl Dlq {
    pub fn new(brokers: &str, topic: &str) -> Result<Self, KafkaError> {
        let producer = ClientConfig::new()
            .set("bootstrap.servers", brokers)
            .set("acks", "all")
            .set("linger.ms", "5")
            .set("message.timeout.ms", "30000")
            .create()?;
        Ok(Self {
            producer,
            topic: topic.to_owned(),
        })
    }

    /// Produces every refusal and waits for each acknowledgement; returns the
    /// first failure (the caller retries the whole set: duplicates are allowed).
    pub async fn send_all(&self, refused: &[Refused]) -> Result<(), KafkaError> {
        let refused_at = Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true);
        let mut pending = Vec::with_capacity(refused.len());
        for r in refused {
            let partition = r.partition.to_string();
            let offset = r.offset.to_string();
            let headers = OwnedHeaders::new()
                .insert(header("cmp-error", r.code))
                .insert(header("cmp-error-detail", &r.detail))
                .insert(header("cmp-source-topic", &r.topic))
                .insert(header("cmp-source-partition", &partition))
                .insert(header("cmp-source-offset", &offset))
                .insert(header("cmp-refused-at", &refused_at));
            let mut record: FutureRecord<'_, [u8], [u8]> =
                FutureRecord::to(&self.topic).headers(headers);
            if let Some(payload) = &r.payload {
                record = record.payload(payload.as_slice());
            }
            if let Some(key) = &r.key {
                record = record.key(key.as_slice());
            }
            // Enqueued now, acknowledged later: the whole set is in flight at once.
            pending.push(self.producer.send_result(record).map_err(|(e, _)| e)?);
        }
        for delivery in pending {
            match delivery.await {
                Ok(Ok(_)) => {}
                Ok(Err((e, _))) => return Err(e),
                Err(_canceled) => return Err(KafkaError::Canceled),
            }
        }
        Ok(())
    }
}

fn header<'a>(key: &'a str, value: &'a str) -> Header<'a, &'a str> {
    Header {
        key,
        value: Some(value),
    }
}
