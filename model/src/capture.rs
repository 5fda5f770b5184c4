//! The one pass over the JSON text: walks the top-level object once, keeps a
//! raw value for each field the topic knows, and skips everything else with
//! `IgnoredAny`, so no `serde_json::Value` tree and no map is built. Strings
//! are borrowed from the input unless they contain escapes. Only the shape
//! (object, duplicate known keys, JSON syntax) is checked here; the field
//! rules live in `extract` and `rules`.
//!
//! A known field's value is first taken as raw JSON text, then read: a
//! number too large for an `f64` (`1e400`, a thousand digits) is valid JSON,
//! so it must reach the field rules (`invalid_value`), whereas serde_json
//! reading it in place would abort the whole message (`malformed`).

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{
    self, DeserializeSeed, Deserializer as _, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde_json::error::Category;
use serde_json::value::RawValue;

use crate::refusal::Refusal;
use crate::topic::Topic;

/// A field this crate reads, on either topic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Field {
    EventId,
    EventTime,
    Segment,
    Region,
    Language,
    ClientId,
    CampaignId,
    Channel,
    Action,
    Count,
    CostCents,
    Program,
    ServiceChannel,
    Stage,
    Variant,
    OfficeId,
    Fsa,
}

const FIELDS: usize = 17;

impl Field {
    /// The contract's field name, used in refusal details.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Self::EventId => "event_id",
            Self::EventTime => "event_time",
            Self::Segment => "segment",
            Self::Region => "region",
            Self::Language => "language",
            Self::ClientId => "client_id",
            Self::CampaignId => "campaign_id",
            Self::Channel => "channel",
            Self::Action => "action",
            Self::Count => "count",
            Self::CostCents => "cost_cents",
            Self::Program => "program",
            Self::ServiceChannel => "service_channel",
            Self::Stage => "stage",
            Self::Variant => "variant",
            Self::OfficeId => "office_id",
            Self::Fsa => "fsa",
        }
    }

    /// The field `key` names on `topic`; `None` for keys the topic does not
    /// know (ignored, as the contract requires). Exact match: field names
    /// are case-sensitive.
    fn lookup(key: &str, topic: Topic) -> Option<Self> {
        let engagement = topic == Topic::Engagement;
        Some(match key {
            "event_id" => Self::EventId,
            "event_time" => Self::EventTime,
            "segment" => Self::Segment,
            "region" => Self::Region,
            "language" => Self::Language,
            "client_id" => Self::ClientId,
            "campaign_id" => Self::CampaignId,
            "channel" if engagement => Self::Channel,
            "action" if engagement => Self::Action,
            "count" if engagement => Self::Count,
            "cost_cents" if engagement => Self::CostCents,
            "program" if !engagement => Self::Program,
            "service_channel" if !engagement => Self::ServiceChannel,
            "stage" if !engagement => Self::Stage,
            // v1.1: `variant` is an engagement field; on uptake it stays an
            // unknown field, ignored as in v1 (decode.rs says why).
            "variant" if engagement => Self::Variant,
            "office_id" => Self::OfficeId,
            "fsa" => Self::Fsa,
            _ => return None,
        })
    }
}

/// A known field's value as found in the JSON, reduced to what the rules
/// need: strings and non-negative integers keep their value, other kinds
/// only their kind.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Raw<'a> {
    Null,
    Bool,
    Str(Cow<'a, str>),
    /// A JSON integer literal that fits in `u64`.
    UInt(u64),
    /// A negative JSON integer literal.
    NegInt,
    /// A number with a fraction or exponent, or an integer beyond `u64`.
    Float,
    Array,
    Object,
}

impl<'a> Raw<'a> {
    /// Reads one JSON value whose syntax was already checked. A number
    /// serde_json cannot hold is a number with too many digits; `None` for a
    /// string escape that is not a character (a lone surrogate).
    fn from_json(text: &'a str) -> Option<Self> {
        match serde_json::from_str::<Raw<'a>>(text) {
            Ok(raw) => Some(raw),
            Err(_) if text.starts_with(|c: char| c == '-' || c.is_ascii_digit()) => {
                Some(Raw::Float)
            }
            Err(_) => None,
        }
    }
}

impl Raw<'_> {
    /// The JSON kind, for refusal details (never the value).
    pub(crate) const fn kind(&self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Bool => "a boolean",
            Self::Str(_) => "a string",
            Self::UInt(_) | Self::NegInt => "an integer",
            Self::Float => "a number with a fraction, an exponent or too many digits",
            Self::Array => "an array",
            Self::Object => "an object",
        }
    }
}

/// The known fields of one message, each at most once.
#[derive(Debug, Default)]
pub(crate) struct Captured<'a> {
    slots: [Option<Raw<'a>>; FIELDS],
}

impl<'a> Captured<'a> {
    /// Takes the raw value of `field`; `None` when the key was absent.
    pub(crate) fn take(&mut self, field: Field) -> Option<Raw<'a>> {
        self.slots[field as usize].take()
    }
}

/// Reads the top-level object of `text` for `topic`. Refuses (as
/// `malformed`) invalid JSON, a top-level value that is not an object,
/// trailing data, and a known field given twice.
pub(crate) fn capture(text: &str, topic: Topic) -> Result<Captured<'_>, Refusal> {
    let mut de = serde_json::Deserializer::from_str(text);
    let mut duplicate = None;
    let mut unreadable = None;
    let visitor = ObjectVisitor {
        topic,
        duplicate: &mut duplicate,
        unreadable: &mut unreadable,
    };
    match de.deserialize_map(visitor) {
        Ok(captured) => match de.end() {
            Ok(()) => Ok(captured),
            Err(e) => Err(json_refusal(&e)),
        },
        Err(e) => Err(match (duplicate, unreadable) {
            (Some(field), _) => Refusal::malformed(format!("duplicate field {}", field.name())),
            (None, Some(field)) => {
                Refusal::malformed(format!("{} holds an invalid string escape", field.name()))
            }
            (None, None) => json_refusal(&e),
        }),
    }
}

/// A value-free description of a JSON error (serde_json's own messages can
/// quote the input, so they are not used).
fn json_refusal(e: &serde_json::Error) -> Refusal {
    let (line, column) = (e.line(), e.column());
    Refusal::malformed(match e.classify() {
        Category::Data => "message is not a JSON object".to_owned(),
        Category::Eof => format!("JSON ends early (line {line}, column {column})"),
        Category::Syntax | Category::Io => format!("not valid JSON (line {line}, column {column})"),
    })
}

struct ObjectVisitor<'d> {
    topic: Topic,
    /// Set before failing on a duplicate key, so the refusal can name it.
    duplicate: &'d mut Option<Field>,
    /// Set before failing on a known field whose string cannot be read.
    unreadable: &'d mut Option<Field>,
}

impl<'de> Visitor<'de> for ObjectVisitor<'_> {
    type Value = Captured<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut captured = Captured::default();
        while let Some(key) = map.next_key_seed(KeySeed(self.topic))? {
            match key {
                Some(field) => {
                    let slot = &mut captured.slots[field as usize];
                    if slot.is_some() {
                        *self.duplicate = Some(field);
                        return Err(de::Error::custom("duplicate field"));
                    }
                    let text = map.next_value::<&'de RawValue>()?;
                    match Raw::from_json(text.get()) {
                        Some(raw) => *slot = Some(raw),
                        None => {
                            *self.unreadable = Some(field);
                            return Err(de::Error::custom("unreadable value"));
                        }
                    }
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(captured)
    }
}

/// Maps a key to the known field it names, without allocating.
struct KeySeed(Topic);

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Option<Field>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed {
    type Value = Option<Field>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(Field::lookup(key, self.0))
    }
}

impl<'de> Deserialize<'de> for Raw<'de> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Raw::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Raw::Null)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Raw::Bool)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Raw::UInt(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(u64::try_from(v).map_or(Raw::NegInt, Raw::UInt))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Raw::Float)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Raw::Str(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Raw::Str(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Raw::Str(Cow::Owned(v)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Raw::Array)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Raw::Object)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(json_value: &str, expected: Raw<'_>) {
        let text = format!("{{\"event_id\":{json_value}}}");
        let mut c = capture(&text, Topic::Engagement).expect("captures");
        assert_eq!(c.take(Field::EventId), Some(expected), "{json_value}");
    }

    #[test]
    fn raw_values_keep_kind_and_useful_value() {
        check("null", Raw::Null);
        check("true", Raw::Bool);
        check("\"a\\u0062\"", Raw::Str(Cow::Borrowed("ab")));
        check("0", Raw::UInt(0));
        check("18446744073709551615", Raw::UInt(u64::MAX));
        check("18446744073709551616", Raw::Float);
        check("-1", Raw::NegInt);
        check("-0", Raw::Float);
        check("1.0", Raw::Float);
        check("1e3", Raw::Float);
        check("[1,[2,{}]]", Raw::Array);
        // Valid JSON beyond an f64: still a number (was refused as malformed).
        check("1e400", Raw::Float);
        check("-1e400", Raw::Float);
        check(&"9".repeat(400), Raw::Float);
        check("{\"a\":[1]}", Raw::Object);
    }

    #[test]
    fn unstripped_strings_are_borrowed() {
        let text = r#"{"event_id":"abc"}"#;
        let mut c = capture(text, Topic::Uptake).expect("captures");
        assert!(matches!(
            c.take(Field::EventId),
            Some(Raw::Str(Cow::Borrowed("abc")))
        ));
    }

    #[test]
    fn topic_decides_which_keys_are_known() {
        let text = r#"{"count":1,"count":2,"stage":"x"}"#;
        // On uptake, `count` is unknown, so its duplicate is ignored.
        assert!(capture(text, Topic::Uptake).is_ok());
        let refusal = capture(text, Topic::Engagement).expect_err("duplicate");
        assert_eq!(refusal.detail, "duplicate field count");
    }

    #[test]
    fn escaped_keys_name_fields() {
        let text = r#"{"event\u005fid":"a","event_id":"b"}"#;
        let refusal = capture(text, Topic::Engagement).expect_err("duplicate");
        assert_eq!(refusal.detail, "duplicate field event_id");
    }
}
