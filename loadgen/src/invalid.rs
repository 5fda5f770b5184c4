//! Messages the pipeline must refuse, one builder per refusal code, each
//! with several variants so the DLQ sees the faults real producers make:
//! truncated JSON, bytes that are not UTF-8, a JSON array, a field given
//! twice, plain text (`malformed`); an oversized padding field
//! (`too_large`); a required field absent or `null` (`missing_field`); a
//! code outside its vocabulary, a count out of range, a wrong JSON type
//! (`invalid_value`); an `event_time` an hour ahead or 120 days back
//! (`event_in_future`, `event_too_old`). Every variant starts from a valid
//! event and breaks exactly one thing, so the refusal code is certain.

use chrono::Duration;
use cmp_model::{RefusalCode, Topic};
use rand::Rng;
use serde_json::Value;

use crate::config::GenConfig;
use crate::fields::Fields;
use crate::{engagement, event_time, uptake};

/// Bigger than the contract's 64 KiB limit once the event is around it.
const PADDING_BYTES: usize = 64 * 1024;

/// The required fields of each topic, in the contract's order.
const REQUIRED_ENGAGEMENT: &[&str] =
    &["event_id", "event_time", "campaign_id", "channel", "action"];
const REQUIRED_UPTAKE: &[&str] = &[
    "event_id",
    "event_time",
    "program",
    "service_channel",
    "stage",
];

/// An invalid message refused with `code`. `variant` picks which fault of
/// that kind (successive variants cycle through all of them); `event_id`
/// is the message's unique key and, where the fault allows, its event_id.
pub(crate) fn build(
    rng: &mut impl Rng,
    config: &GenConfig,
    code: RefusalCode,
    variant: u64,
    event_id: &str,
) -> (Topic, Vec<u8>) {
    let topic = if rng.random_bool(0.75) {
        Topic::Engagement
    } else {
        Topic::Uptake
    };
    let (at, _) = event_time::fresh(rng, config);
    let time = event_time::format(rng, at);
    let mut fields = match topic {
        Topic::Engagement => engagement::build(rng, config, event_id, time),
        Topic::Uptake => uptake::build(rng, config, event_id, time),
    };
    let payload = match code {
        RefusalCode::Malformed => return (topic, malformed(&mut fields, variant)),
        RefusalCode::TooLarge => {
            let extra = rng.random_range(0..4096);
            fields.push("padding", "x".repeat(PADDING_BYTES + extra));
            fields.to_bytes()
        }
        RefusalCode::MissingField => {
            let required = match topic {
                Topic::Engagement => REQUIRED_ENGAGEMENT,
                Topic::Uptake => REQUIRED_UPTAKE,
            };
            let field = pick(required, variant).unwrap_or(&"event_id");
            if (variant / required.len() as u64).is_multiple_of(2) {
                fields.remove(field);
            } else {
                fields.set(field, Value::Null);
            }
            fields.to_bytes()
        }
        RefusalCode::InvalidValue => {
            invalid_value(&mut fields, topic, variant);
            fields.to_bytes()
        }
        RefusalCode::EventInFuture => {
            let ahead = Duration::seconds(rng.random_range(3600..=7200));
            fields.set("event_time", event_time::format(rng, config.now + ahead));
            fields.to_bytes()
        }
        RefusalCode::EventTooOld => {
            let back = Duration::days(120) + Duration::seconds(rng.random_range(0..=30 * 86_400));
            fields.set("event_time", event_time::format(rng, config.now - back));
            fields.to_bytes()
        }
    };
    (topic, payload)
}

/// Not UTF-8, not JSON, not an object, or a known field given twice.
fn malformed(fields: &mut Fields, variant: u64) -> Vec<u8> {
    let valid = fields.to_bytes();
    match variant % 5 {
        // Cut off mid-way, as a crashed producer would leave it: a proper
        // prefix of an object is never valid JSON.
        0 => valid[..valid.len() * 2 / 3].to_vec(),
        // Latin-1 bytes where UTF-8 is required.
        1 => {
            let mut bytes = b"{\"note\":\"caf\xe9 \xff\",".to_vec();
            bytes.extend_from_slice(valid.get(1..).unwrap_or_default());
            bytes
        }
        // Valid JSON, but an array of events instead of one object.
        2 => [b"[".as_slice(), &valid, b"]"].concat(),
        // A known field twice: which one wins is undefined.
        3 => {
            let event_id = fields.get("event_id").cloned().unwrap_or(Value::Null);
            fields.push("event_id", event_id);
            fields.to_bytes()
        }
        // Not JSON at all.
        _ => format!(
            "event_id={} channel=web action=click",
            fields.get_str("event_id").unwrap_or("?")
        )
        .into_bytes(),
    }
}

/// A field and how to compute a value its rule refuses.
type Fault = (&'static str, fn(&Fields) -> Value);

/// One field set to a value its rule refuses.
fn invalid_value(fields: &mut Fields, topic: Topic, variant: u64) {
    let faults: &[Fault] = match topic {
        Topic::Engagement => &[
            ("channel", |_| "fax".into()),
            ("count", |_| 0.into()),
            ("action", |_| "like".into()),
            ("count", |_| 2_000_000.into()),
            ("region", |_| "ZZ".into()),
            ("count", |_| "12".into()),
            ("language", |_| "de".into()),
            ("cost_cents", |_| (-5).into()),
            ("campaign_id", |_| "OAS Online".into()),
            ("event_time", no_t_separator),
            ("event_id", |_| "has space!".into()),
        ],
        Topic::Uptake => &[
            ("service_channel", |_| "email".into()),
            ("stage", |_| "approved".into()),
            ("program", |_| "Old Age Security".into()),
            ("region", |_| "ZZ".into()),
            ("segment", |_| "seniors & families".into()),
            ("client_id", |_| "".into()),
            ("campaign_id", |_| 42.into()),
            ("stage", |_| "COMPLETED".into()),
        ],
    };
    if let Some((field, value)) = pick(faults, variant) {
        let value = value(fields);
        fields.set(field, value);
    }
}

/// The event's own time with a space instead of `T`: not RFC 3339.
fn no_t_separator(fields: &Fields) -> Value {
    fields
        .get_str("event_time")
        .unwrap_or("2026-11-02T00:00:00Z")
        .replacen('T', " ", 1)
        .into()
}

fn pick<T>(list: &[T], variant: u64) -> Option<&T> {
    list.get(usize::try_from(variant % list.len().max(1) as u64).unwrap_or(0))
}
