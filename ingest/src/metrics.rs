//! Every metric `cmp-ingest` exports, defined in one place. Label values are
//! bounded: topics and refusal codes are fixed sets, partitions are bounded by
//! the topics' partition counts.

use cmp_model::RefusalCode;
use prometheus::{
    Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts,
    Registry,
};

/// The ingest metrics and the registry they live in.
#[derive(Clone, Debug)]
pub struct Metrics {
    pub registry: Registry,
    /// Messages whose outcome is final (stored, duplicate or refused).
    pub read: IntCounterVec,
    pub stored: IntCounterVec,
    pub duplicates: IntCounterVec,
    /// Of the duplicates, messages whose event the ledger held at their
    /// offset: read again after a crash or lost commits.
    pub rereads: IntCounterVec,
    pub refused: IntCounterVec,
    pub batch_rows: Histogram,
    pub insert_seconds: Histogram,
    pub freshness_seconds: HistogramVec,
    pub partition_lag: IntGaugeVec,
    pub retries: IntCounterVec,
    pub outages: IntCounterVec,
    /// Offsets the broker passed over: a partition's next record came later
    /// than expected (legitimate on compacted or transactional topics; a
    /// broker bug otherwise, and then events the pipeline never saw).
    pub skipped_offsets: IntCounterVec,
    /// Messages at offsets where the ledger holds another event: the
    /// partition's offsets started again (topic created again, a replacement
    /// or disaster-recovery cluster). The messages are new and stored.
    pub reused_offsets: IntCounterVec,
    pub dedup_events: IntGauge,
    /// Bytes the dedup indexes hold, and the most they may hold.
    pub dedup_bytes: IntGauge,
    pub dedup_capacity: IntGauge,
    /// Accepted events whose verdict the ledger gave: the index did not
    /// cover their ±24 h window (late events, or hours forgotten for room).
    pub ledger_checks: IntCounterVec,
    /// Partition workers that panicked (each stops the process).
    pub worker_panics: IntCounter,
}

fn counter(registry: &Registry, name: &str, help: &str, labels: &[&str]) -> IntCounterVec {
    let c = IntCounterVec::new(Opts::new(name, help), labels)
        .unwrap_or_else(|e| panic!("metric {name}: {e}"));
    registry
        .register(Box::new(c.clone()))
        .unwrap_or_else(|e| panic!("metric {name}: {e}"));
    c
}

impl Metrics {
    pub fn new() -> Self {
        let registry = Registry::new();
        let r = &registry;
        let read = counter(
            r,
            "cmp_ingest_messages_read_total",
            "Messages read whose outcome is final: stored + duplicates + refused",
            &["topic"],
        );
        let stored = counter(
            r,
            "cmp_ingest_events_stored_total",
            "Accepted events stored in the ClickHouse ledger",
            &["topic"],
        );
        let duplicates = counter(
            r,
            "cmp_ingest_duplicates_total",
            "Re-deliveries recognised as duplicates (including messages already stored by an earlier run)",
            &["topic"],
        );
        let rereads = counter(
            r,
            "cmp_ingest_rereads_total",
            "Messages read again whose event the ledger held at their offset (after a crash or lost commits); counted among the duplicates too",
            &["topic"],
        );
        let refused = counter(
            r,
            "cmp_ingest_refused_total",
            "Messages refused to the DLQ, by refusal code",
            &["topic", "code"],
        );
        let retries = counter(
            r,
            "cmp_ingest_retries_total",
            "Retried calls to a dependency",
            &["dependency"],
        );
        let outages = counter(
            r,
            "cmp_ingest_outages_total",
            "Outages of a dependency (one per outage, however many retries)",
            &["dependency"],
        );
        let skipped_offsets = counter(
            r,
            "cmp_ingest_skipped_offsets_total",
            "Offsets the broker passed over (the next record of a partition came later than expected)",
            &["topic"],
        );
        let reused_offsets = counter(
            r,
            "cmp_ingest_reused_offsets_total",
            "Messages at offsets where the ledger holds another event (offsets reused: topic created again, cluster replaced)",
            &["topic"],
        );
        let ledger_checks = counter(
            r,
            "cmp_ingest_dedup_ledger_checks_total",
            "Accepted events checked for a re-delivery in the ledger: the dedup index did not cover their window (late events, or hours forgotten to stay within CMP_DEDUP_CAPACITY_KIB)",
            &["topic"],
        );
        let batch_rows = Histogram::with_opts(
            HistogramOpts::new("cmp_ingest_batch_rows", "Rows per INSERT into the ledger").buckets(
                vec![
                    1.0, 10.0, 100.0, 1_000.0, 5_000.0, 10_000.0, 20_000.0, 50_000.0, 100_000.0,
                ],
            ),
        )
        .unwrap_or_else(|e| panic!("batch_rows: {e}"));
        let insert_seconds = Histogram::with_opts(
            HistogramOpts::new(
                "cmp_ingest_insert_duration_seconds",
                "Latency of one INSERT into the ledger",
            )
            .buckets(prometheus::exponential_buckets(0.001, 2.0, 15).unwrap_or_default()),
        )
        .unwrap_or_else(|e| panic!("insert_seconds: {e}"));
        let freshness_seconds = HistogramVec::new(
            HistogramOpts::new(
                "cmp_ingest_freshness_seconds",
                "From the Kafka message timestamp to the event stored in ClickHouse",
            )
            .buckets(vec![
                0.05, 0.1, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0, 60.0, 300.0,
            ]),
            &["topic"],
        )
        .unwrap_or_else(|e| panic!("freshness: {e}"));
        let partition_lag = IntGaugeVec::new(
            Opts::new(
                "cmp_ingest_partition_lag",
                "Messages behind the partition's high watermark",
            ),
            &["topic", "partition"],
        )
        .unwrap_or_else(|e| panic!("lag: {e}"));
        let dedup_events = IntGauge::new(
            "cmp_ingest_dedup_index_events",
            "Event keys held in the in-memory dedup index",
        )
        .unwrap_or_else(|e| panic!("dedup: {e}"));
        let dedup_bytes = IntGauge::new(
            "cmp_ingest_dedup_index_bytes",
            "Bytes the in-memory dedup indexes hold (their tables), never above cmp_ingest_dedup_capacity_bytes",
        )
        .unwrap_or_else(|e| panic!("dedup_bytes: {e}"));
        let dedup_capacity = IntGauge::new(
            "cmp_ingest_dedup_capacity_bytes",
            "Bytes the in-memory dedup indexes may hold together (CMP_DEDUP_CAPACITY_KIB)",
        )
        .unwrap_or_else(|e| panic!("dedup_capacity: {e}"));
        let worker_panics = IntCounter::new(
            "cmp_ingest_worker_panics_total",
            "Partition workers that panicked; each stops the process with a failure status",
        )
        .unwrap_or_else(|e| panic!("worker_panics: {e}"));
        for m in [
            Box::new(batch_rows.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(worker_panics.clone()),
            Box::new(insert_seconds.clone()),
            Box::new(freshness_seconds.clone()),
            Box::new(partition_lag.clone()),
            Box::new(dedup_events.clone()),
            Box::new(dedup_bytes.clone()),
            Box::new(dedup_capacity.clone()),
        ] {
            registry
                .register(m)
                .unwrap_or_else(|e| panic!("register: {e}"));
        }
        Self {
            registry,
            read,
            stored,
            duplicates,
            rereads,
            refused,
            batch_rows,
            insert_seconds,
            freshness_seconds,
            partition_lag,
            retries,
            outages,
            skipped_offsets,
            reused_offsets,
            dedup_events,
            dedup_bytes,
            dedup_capacity,
            ledger_checks,
            worker_panics,
        }
    }

    /// Creates the series of each source topic at zero (every refusal code,
    /// the freshness histogram, skipped and reused offsets), so that a counter's first increase shows in
    /// `rate()` and `increase()` (a series born at 1 shows none) and the
    /// dashboards find every series from the start.
    pub fn init_topics(&self, topics: &[&str]) {
        for &topic in topics {
            for counter in [
                &self.read,
                &self.stored,
                &self.duplicates,
                &self.rereads,
                &self.ledger_checks,
            ] {
                counter.with_label_values(&[topic]);
            }
            for code in RefusalCode::ALL {
                self.refused.with_label_values(&[topic, code.as_str()]);
            }
            self.freshness_seconds.with_label_values(&[topic]);
            self.skipped_offsets.with_label_values(&[topic]);
            self.reused_offsets.with_label_values(&[topic]);
        }
    }

    /// The retry and outage counters of one dependency.
    pub fn dependency(&self, name: &str) -> (IntCounter, IntCounter) {
        (
            self.retries.with_label_values(&[name]),
            self.outages.with_label_values(&[name]),
        )
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_series_start_at_zero_for_every_refusal_code() {
        let m = Metrics::new();
        m.init_topics(&["t1"]);
        let mut buf = Vec::new();
        prometheus::Encoder::encode(
            &prometheus::TextEncoder::new(),
            &m.registry.gather(),
            &mut buf,
        )
        .expect("encode");
        let text = String::from_utf8(buf).expect("utf8");
        for code in RefusalCode::ALL {
            let line = format!(
                "cmp_ingest_refused_total{{code=\"{}\",topic=\"t1\"}} 0",
                code.as_str()
            );
            assert!(text.contains(&line), "{line} missing from {text}");
        }
        assert!(text.contains("cmp_ingest_messages_read_total{topic=\"t1\"} 0"));
        assert!(text.contains("cmp_ingest_freshness_seconds_count{topic=\"t1\"} 0"));
    }
}
