//! Builders for test messages: a minimal valid event per topic, as ordered
//! `(key, raw JSON)` pairs, with fields replaced, removed or added.

use chrono::{DateTime, Utc};
use cmp_model::{Event, Limits, Refusal, Topic, decode};

/// The clock every test uses unless it says otherwise.
pub fn now() -> DateTime<Utc> {
    utc("2026-11-05T00:00:00Z")
}

pub fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("test timestamp")
        .to_utc()
}

/// JSON string literal for `s`.
pub fn js(s: &str) -> String {
    serde_json::to_string(s).expect("string encodes")
}

/// Minimal valid message of `topic`: required fields only.
pub fn base(topic: Topic) -> Vec<(String, String)> {
    let fields: &[(&str, &str)] = match topic {
        Topic::Engagement => &[
            ("event_id", "web-1"),
            ("event_time", "2026-11-02T19:06:41.120Z"),
            ("campaign_id", "oas-online-2026"),
            ("channel", "social"),
            ("action", "click"),
        ],
        Topic::Uptake => &[
            ("event_id", "crm-1"),
            ("event_time", "2026-11-03T15:30:00Z"),
            ("program", "oas"),
            ("service_channel", "online"),
            ("stage", "completed"),
        ],
    };
    fields
        .iter()
        .map(|(k, v)| ((*k).to_owned(), js(v)))
        .collect()
}

/// `base(topic)` with `key` set to the raw JSON `value` (added at the end
/// if absent), or removed when `value` is `None`.
pub fn message(topic: Topic, key: &str, value: Option<&str>) -> String {
    let mut fields = base(topic);
    match (fields.iter().position(|(k, _)| k == key), value) {
        (Some(i), Some(v)) => fields[i].1 = v.to_owned(),
        (Some(i), None) => {
            fields.remove(i);
        }
        (None, Some(v)) => fields.push((key.to_owned(), v.to_owned())),
        (None, None) => {}
    }
    render(&fields)
}

pub fn render(fields: &[(String, String)]) -> String {
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{}:{v}", js(k)))
        .collect();
    format!("{{{}}}", body.join(","))
}

pub fn run(bytes: impl AsRef<[u8]>, topic: Topic) -> Result<Event, Refusal> {
    decode(bytes.as_ref(), topic, now(), &Limits::default())
}
