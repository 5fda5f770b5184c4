//! One partition's batch: messages decoded on arrival, then decided together
//! at flush time — refused, duplicate or stored — in offset order, so the
//! first delivery of an event wins. Pure: the ledger lookups the decisions
//! need are passed in.

use std::collections::HashMap;

use cmp_model::{Body, Event, Refusal};
use cmp_store::{Code, EventRow, KIND_ENGAGEMENT, KIND_UPTAKE};

use crate::dedup::{self, DedupIndex, Verdict};
use crate::dlq::Refused;
use crate::pseudonym::Pseudonymiser;

const DAY_MS: i64 = 86_400_000;

/// A message as it arrived, decoded.
#[derive(Debug)]
pub struct Item {
    pub offset: i64,
    /// Kafka message timestamp (ms), for the freshness histogram.
    pub timestamp_ms: Option<i64>,
    pub decoded: Decoded,
}

/// The decoder's verdict; a refused message keeps its bytes for the DLQ.
#[derive(Debug)]
pub enum Decoded {
    Accepted(Box<Event>),
    Refused {
        refusal: Refusal,
        key: Option<Vec<u8>>,
        /// `None` for a record without a value (a tombstone), which the DLQ
        /// copy must keep: an empty value is a different message.
        payload: Option<Vec<u8>>,
    },
    /// Already in the ledger (found on resume): a re-read after a crash.
    AlreadyStored,
}

/// What a flush must do.
#[derive(Debug, Default)]
pub struct Decisions {
    pub rows: Vec<EventRow>,
    /// Kafka timestamps of the stored rows, in the same order.
    pub row_timestamps: Vec<Option<i64>>,
    pub refused: Vec<Refused>,
    pub duplicates: u64,
    /// Of the duplicates, messages whose event the ledger held at their
    /// offset (read again after a crash or lost commits).
    pub rereads: u64,
    /// Dedup keys and event times to add to the index once stored.
    pub accepted_keys: Vec<(u64, i64)>,
}

/// Ids whose verdict the index cannot give, and the event-time range
/// (ms, inclusive start, exclusive end) to look them up in the ledger.
pub fn unsure_lookup(items: &[Item], index: &DedupIndex) -> Option<(Vec<String>, i64, i64)> {
    let mut ids = Vec::new();
    let (mut lo, mut hi) = (i64::MAX, i64::MIN);
    for item in items {
        if let Decoded::Accepted(e) = &item.decoded {
            let ms = e.event_time.timestamp_millis();
            if index.check(dedup::key(&e.event_id), ms) == Verdict::Unsure {
                ids.push(e.event_id.clone());
                lo = lo.min(ms - DAY_MS);
                hi = hi.max(ms + DAY_MS);
            }
        }
    }
    (!ids.is_empty()).then(|| {
        ids.sort_unstable();
        ids.dedup();
        (ids, lo, hi + 1)
    })
}

/// Where a batch's rows come from.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    pub topic: &'a str,
    pub partition: i32,
}

/// Decides every item in offset order. `ledger` holds the event times (ms) of
/// the ledger's entries for the ids [`unsure_lookup`] named.
pub fn decide(
    items: Vec<Item>,
    src: Source<'_>,
    index: &DedupIndex,
    ledger: &HashMap<String, Vec<i64>>,
    pseudo: &Pseudonymiser,
    now_s: u32,
) -> Decisions {
    let mut d = Decisions::default();
    // Event times accepted in this batch, by id: exact, since not yet indexed.
    let mut in_batch: HashMap<String, Vec<i64>> = HashMap::new();
    let within_day = |times: Option<&Vec<i64>>, ms: i64| {
        times.is_some_and(|ts| ts.iter().any(|t| (t - ms).abs() < DAY_MS))
    };
    for item in items {
        match item.decoded {
            Decoded::AlreadyStored => {
                d.duplicates += 1;
                d.rereads += 1;
            }
            Decoded::Refused {
                refusal,
                key,
                payload,
            } => d.refused.push(Refused {
                key,
                payload,
                code: refusal.code.as_str(),
                detail: refusal.detail,
                topic: src.topic.to_owned(),
                partition: src.partition,
                offset: item.offset,
            }),
            Decoded::Accepted(event) => {
                let ms = event.event_time.timestamp_millis();
                let key = dedup::key(&event.event_id);
                let duplicate = within_day(in_batch.get(&event.event_id), ms)
                    || match index.check(key, ms) {
                        Verdict::Duplicate => true,
                        Verdict::New => false,
                        Verdict::Unsure => within_day(ledger.get(&event.event_id), ms),
                    };
                if duplicate {
                    d.duplicates += 1;
                    continue;
                }
                in_batch.entry(event.event_id.clone()).or_default().push(ms);
                d.accepted_keys.push((key, ms));
                d.row_timestamps.push(item.timestamp_ms);
                d.rows.push(to_row(*event, src, item.offset, pseudo, now_s));
            }
        }
    }
    d
}

/// The ledger row of an accepted event.
pub fn to_row(
    e: Event,
    src: Source<'_>,
    offset: i64,
    pseudo: &Pseudonymiser,
    now_s: u32,
) -> EventRow {
    let ms = e.event_time.timestamp_millis();
    let mut row = EventRow {
        src_topic: src.topic.to_owned(),
        src_partition: u32::try_from(src.partition).unwrap_or_default(),
        src_offset: u64::try_from(offset).unwrap_or_default(),
        kind: KIND_ENGAGEMENT,
        event_time: u32::try_from(ms.div_euclid(1000)).unwrap_or_default(),
        event_ms: ms,
        event_id: e.event_id,
        campaign_id: String::new(),
        channel: Code::Borrowed(""),
        action: Code::Borrowed(""),
        count: 0,
        cost_cents: 0,
        program: String::new(),
        service_channel: Code::Borrowed(""),
        stage: Code::Borrowed(""),
        segment: e.segment,
        region: Code::Borrowed(e.region.as_str()),
        language: Code::Borrowed(e.language.as_str()),
        client_hash: e
            .client_id
            .as_deref()
            .map(|c| pseudo.pseudonym(c))
            .unwrap_or_default(),
        ingested_at: now_s,
        variant: String::new(),
        office_id: e.office_id.unwrap_or_default(),
        fsa: e.fsa.unwrap_or_default(),
    };
    match e.body {
        Body::Engagement(g) => {
            row.campaign_id = g.campaign_id;
            row.variant = g.variant.unwrap_or_default();
            row.channel = Code::Borrowed(g.channel.as_str());
            row.action = Code::Borrowed(g.action.as_str());
            row.count = g.count;
            row.cost_cents = g.cost_cents;
        }
        Body::Uptake(u) => {
            row.kind = KIND_UPTAKE;
            row.campaign_id = u.campaign_id.unwrap_or_default();
            row.program = u.program;
            row.service_channel = Code::Borrowed(u.service_channel.as_str());
            row.stage = Code::Borrowed(u.stage.as_str());
            row.count = 1;
        }
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};
    use cmp_config::Secret;
    use cmp_model::{Limits, RefusalCode, Topic};

    const NOW: &str = "2026-11-05T00:00:00Z";

    fn now() -> DateTime<Utc> {
        NOW.parse().expect("time")
    }

    fn item(offset: i64, json: &str) -> Item {
        let decoded = match cmp_model::decode(
            json.as_bytes(),
            Topic::Engagement,
            now(),
            &Limits::default(),
        ) {
            Ok(e) => Decoded::Accepted(Box::new(e)),
            Err(refusal) => Decoded::Refused {
                refusal,
                key: Some(b"k".to_vec()),
                payload: Some(json.as_bytes().to_vec()),
            },
        };
        Item {
            offset,
            timestamp_ms: Some(now().timestamp_millis()),
            decoded,
        }
    }

    fn click(id: &str, time: &str, count: u32) -> String {
        format!(
            r#"{{"event_id":"{id}","event_time":"{time}","campaign_id":"c1","channel":"web","action":"click","count":{count},"client_id":"ga:1"}}"#
        )
    }

    fn run(items: Vec<Item>, index: &DedupIndex, ledger: &HashMap<String, Vec<i64>>) -> Decisions {
        let pseudo = Pseudonymiser::new(&Secret::new("k".repeat(32)));
        let src = Source {
            topic: "cmp.engagement.v1",
            partition: 2,
        };
        decide(items, src, index, ledger, &pseudo, 1)
    }

    #[test]
    fn first_delivery_wins_and_refusals_keep_their_bytes() {
        let index = DedupIndex::new(now().timestamp_millis(), 72);
        let items = vec![
            item(10, &click("a", "2026-11-04T10:00:00Z", 1)),
            item(11, &click("a", "2026-11-04T10:00:00Z", 9)),
            item(12, "{not json"),
            item(13, &click("b", "2026-11-04T10:00:00Z", 1)),
            Item {
                offset: 14,
                timestamp_ms: None,
                decoded: Decoded::AlreadyStored,
            },
        ];
        let d = run(items, &index, &HashMap::new());
        assert_eq!(d.rows.len(), 2);
        assert_eq!(d.rows[0].count, 1, "the first delivery is kept");
        assert_eq!((d.rows[0].src_partition, d.rows[0].src_offset), (2, 10));
        assert_eq!(d.rows[1].event_id, "b");
        assert_eq!(d.duplicates, 2);
        assert_eq!(d.rereads, 1);
        assert_eq!(d.refused.len(), 1);
        assert_eq!(d.refused[0].code, RefusalCode::Malformed.as_str());
        assert_eq!(
            d.refused[0].payload.as_deref(),
            Some(b"{not json".as_slice())
        );
        assert_eq!((d.refused[0].offset, d.refused[0].partition), (12, 2));
        assert_eq!(d.rows[0].client_hash.len(), 64);
        assert!(!d.rows[0].client_hash.contains("ga:1"));
    }

    #[test]
    fn same_id_a_day_or_more_apart_is_a_new_event() {
        let index = DedupIndex::new(now().timestamp_millis(), 72);
        let items = vec![
            item(1, &click("a", "2026-11-03T10:00:00Z", 1)),
            item(2, &click("a", "2026-11-04T10:00:00Z", 1)),
            item(3, &click("a", "2026-11-04T09:59:59.999Z", 1)),
        ];
        let d = run(items, &index, &HashMap::new());
        assert_eq!(d.rows.len(), 2, "exactly 24 h apart counts again");
        assert_eq!(d.duplicates, 1);
    }

    #[test]
    fn the_index_and_the_ledger_decide_what_the_batch_cannot() {
        let mut index = DedupIndex::new(now().timestamp_millis(), 72);
        let t = "2026-11-04T10:00:00Z"
            .parse::<DateTime<Utc>>()
            .expect("time");
        index.insert(dedup::key("seen"), t.timestamp_millis());
        let late = "2026-10-20T10:00:00Z"
            .parse::<DateTime<Utc>>()
            .expect("time");
        let items = vec![
            item(1, &click("seen", "2026-11-04T12:00:00Z", 1)),
            item(2, &click("late-seen", "2026-10-20T11:00:00Z", 1)),
            item(3, &click("late-new", "2026-10-20T11:00:00Z", 1)),
        ];
        let (ids, from, to) = unsure_lookup(&items, &index).expect("late events need the ledger");
        assert_eq!(ids, vec!["late-new".to_owned(), "late-seen".to_owned()]);
        assert!(from <= late.timestamp_millis() && to > late.timestamp_millis() + DAY_MS);
        let ledger = HashMap::from([("late-seen".to_owned(), vec![late.timestamp_millis()])]);
        let d = run(items, &index, &ledger);
        assert_eq!(d.duplicates, 2);
        assert_eq!(d.rows.len(), 1);
        assert_eq!(d.rows[0].event_id, "late-new");
    }

    #[test]
    fn v11_fields_reach_the_row_normalised_and_absent_ones_are_empty() {
        let index = DedupIndex::new(now().timestamp_millis(), 72);
        let items = vec![
            item(
                1,
                r#"{"event_id":"a","event_time":"2026-11-04T10:00:00Z","campaign_id":"c1","channel":"signage","action":"impression","variant":"plain-b","office_id":"on-0412","fsa":"k2p"}"#,
            ),
            item(2, &click("b", "2026-11-04T10:00:00Z", 1)),
        ];
        let d = run(items, &index, &HashMap::new());
        let fields = |r: &EventRow| (r.variant.clone(), r.office_id.clone(), r.fsa.clone());
        assert_eq!(
            fields(&d.rows[0]),
            ("plain-b".into(), "ON-0412".into(), "K2P".into())
        );
        assert_eq!(
            fields(&d.rows[1]),
            (String::new(), String::new(), String::new())
        );
    }
}
