//! A corpus of hostile Kafka messages and what the contract says must
//! happen to each: deep nesting, huge numbers, duplicate keys, NUL bytes,
//! invalid UTF-8 in every field, sizes of 64 KiB and one byte either side,
//! absent and empty payloads. The expectations come from
//! `contract/EVENTS.md` (and the decoder's documented choices where the
//! contract is silent), never from running the decoder.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use cmp_model::{RefusalCode, Topic};

use RefusalCode::{EventInFuture, EventTooOld, InvalidValue, Malformed, TooLarge};

/// The contract's largest message.
pub const MAX_BYTES: usize = 64 * 1024;

/// What must happen to a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Stored once in the ledger.
    Accept,
    /// In the DLQ with this code.
    Refuse(RefusalCode),
}

/// One hostile message.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    pub topic: Topic,
    /// Unique per case: `adv-<n>` (its event_id too, where it has one),
    /// except where the key itself is the hostile part.
    pub key: Vec<u8>,
    /// `None`: a record without a value (a tombstone).
    pub payload: Option<Vec<u8>>,
    pub outcome: Outcome,
}

/// A valid event of `topic` with every field, as ordered (name, raw JSON).
fn event(topic: Topic, id: &str, now: DateTime<Utc>) -> Vec<(String, String)> {
    let time = (now - Duration::hours(1)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let mut f: Vec<(&str, String)> = vec![("event_id", js(id)), ("event_time", js(&time))];
    match topic {
        Topic::Engagement => f.extend([
            ("campaign_id", js("hostile-2026")),
            ("channel", js("web")),
            ("action", js("click")),
            ("count", "3".to_owned()),
            ("cost_cents", "250".to_owned()),
        ]),
        Topic::Uptake => f.extend([
            ("program", js("oas")),
            ("service_channel", js("online")),
            ("stage", js("completed")),
            ("campaign_id", js("hostile-2026")),
        ]),
    }
    f.extend([
        ("segment", js("seniors")),
        ("region", js("QC")),
        ("language", js("fr")),
        ("client_id", js("hostile-client")),
    ]);
    f.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

fn js(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fn render(fields: &[(String, String)]) -> Vec<u8> {
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{}:{v}", js(k)))
        .collect();
    format!("{{{}}}", body.join(",")).into_bytes()
}

/// `fields` with `name` set to the raw JSON `value` (appended if absent).
fn with(mut fields: Vec<(String, String)>, name: &str, value: String) -> Vec<(String, String)> {
    match fields.iter_mut().find(|(k, _)| k == name) {
        Some(slot) => slot.1 = value,
        None => fields.push((name.to_owned(), value)),
    }
    fields
}

/// A valid event of `topic` padded with an unknown field to exactly `len` bytes.
pub fn padded(topic: Topic, id: &str, now: DateTime<Utc>, len: usize) -> Vec<u8> {
    let base = render(&event(topic, id, now)).len();
    let overhead = base + ",\"pad\":\"\"".len();
    let fields = with(
        event(topic, id, now),
        "pad",
        js(&"p".repeat(len.saturating_sub(overhead))),
    );
    render(&fields)
}

/// Invalid UTF-8 sequences, in rotation: a stray byte, an overlong `/`, a
/// UTF-16 surrogate encoded as UTF-8, a truncated 3-byte sequence.
const BAD_UTF8: [&[u8]; 4] = [b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\xe2\x82"];

/// The corpus, for a pipeline whose clock reads about `now`.
pub fn corpus(now: DateTime<Utc>) -> Vec<Case> {
    let mut out: Vec<Case> = Vec::new();
    // Each case's key and event_id is `adv-<its index>`.
    let mut add =
        |name: &str, topic: Topic, outcome: Outcome, build: &dyn Fn(&str) -> Option<Vec<u8>>| {
            let id = format!("adv-{}", out.len());
            out.push(Case {
                name: name.to_owned(),
                topic,
                key: id.clone().into_bytes(),
                payload: build(&id),
                outcome,
            });
        };
    let e = Topic::Engagement;
    let u = Topic::Uptake;
    let accept = Outcome::Accept;
    let refuse = Outcome::Refuse;
    let set = |topic: Topic, id: &str, field: &str, value: String| {
        Some(render(&with(event(topic, id, now), field, value)))
    };

    // Deep nesting: skipped in an unknown field, a wrong kind in a known one.
    let depth = 30_000;
    let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let objects = format!("{}1{}", "{\"a\":".repeat(10_000), "}".repeat(10_000));
    let too_deep = format!("{}{}", "[".repeat(40_000), "]".repeat(40_000));
    add("deep arrays, unknown field", e, accept, &|i| {
        set(e, i, "x", arrays.clone())
    });
    add("deep objects, unknown field", u, accept, &|i| {
        set(u, i, "x", objects.clone())
    });
    add("deep arrays, known field", e, refuse(InvalidValue), &|i| {
        set(e, i, "segment", arrays.clone())
    });
    add("deep unclosed arrays", e, refuse(Malformed), &|i| {
        set(e, i, "x", "[".repeat(depth))
    });
    add("deep arrays over 64 KiB", e, refuse(TooLarge), &|i| {
        set(e, i, "x", too_deep.clone())
    });

    // Huge and odd numbers.
    let numbers: [(&str, String, Outcome); 13] = [
        ("count", "1e400".into(), refuse(InvalidValue)),
        ("count", "18446744073709551616".into(), refuse(InvalidValue)),
        ("count", "9".repeat(5000), refuse(InvalidValue)),
        ("count", "4294967296".into(), refuse(InvalidValue)),
        ("count", "1000001".into(), refuse(InvalidValue)),
        ("count", "1000000".into(), accept),
        ("count", "-1".into(), refuse(InvalidValue)),
        ("count", "1.0".into(), refuse(InvalidValue)),
        ("cost_cents", "1000000000000".into(), accept),
        ("cost_cents", "1000000000001".into(), refuse(InvalidValue)),
        ("cost_cents", "1e12".into(), refuse(InvalidValue)),
        ("x", "9".repeat(60_000), accept),
        ("x", "-1e999999".into(), accept),
    ];
    for (field, value, outcome) in numbers {
        let name = format!("number {field}={}", &value[..value.len().min(24)]);
        add(&name, e, outcome, &|i| set(e, i, field, value.clone()));
    }

    // Duplicate keys: a known one is ambiguous (malformed), an unknown one ignored.
    let twice = |topic: Topic, id: &str, extra: &[(&str, &str)]| {
        let mut f = event(topic, id, now);
        f.extend(
            extra
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        Some(render(&f))
    };
    add("event_id twice, same value", e, refuse(Malformed), &|i| {
        twice(e, i, &[("event_id", &js(i))])
    });
    add("region twice", u, refuse(Malformed), &|i| {
        twice(u, i, &[("region", "\"QC\"")])
    });
    add("event_id twice, one escaped", e, refuse(Malformed), &|i| {
        let mut bytes = render(&event(e, i, now));
        bytes.pop();
        bytes.extend_from_slice(br#","event\u005fid":"other"}"#);
        Some(bytes)
    });
    add("an unknown field 1000 times", e, accept, &|i| {
        let mut f = event(e, i, now);
        f.extend((0..1000).map(|k| ("x".to_owned(), k.to_string())));
        Some(render(&f))
    });
    add("a field of the other topic twice", u, accept, &|i| {
        twice(u, i, &[("count", "1"), ("count", "2")])
    });

    // NUL bytes: raw ones break JSON; escaped ones break every rule but client_id's.
    add("raw NUL inside a string", e, refuse(Malformed), &|i| {
        let mut bytes = render(&event(e, i, now));
        let at = bytes.windows(7).position(|w| w == b"seniors").unwrap_or(1);
        bytes.insert(at, 0);
        Some(bytes)
    });
    add("raw NUL after the object", e, refuse(Malformed), &|i| {
        let mut bytes = render(&event(e, i, now));
        bytes.push(0);
        Some(bytes)
    });
    add("only NUL bytes", e, refuse(Malformed), &|_| {
        Some(vec![0; 100])
    });
    let nul = r#""a\u0000b""#;
    for (topic, field) in [
        (e, "event_id"),
        (e, "event_time"),
        (e, "segment"),
        (e, "region"),
        (e, "language"),
        (e, "campaign_id"),
        (e, "channel"),
        (e, "action"),
        (u, "program"),
        (u, "service_channel"),
        (u, "stage"),
        (u, "campaign_id"),
    ] {
        add(
            &format!("escaped NUL in {field}"),
            topic,
            refuse(InvalidValue),
            &|i| set(topic, i, field, nul.to_owned()),
        );
    }
    for (topic, field) in [(e, "client_id"), (u, "x"), (e, "\u{0}")] {
        add(
            &format!("escaped NUL in {field:?} (any string allowed)"),
            topic,
            accept,
            &|i| set(topic, i, field, nul.to_owned()),
        );
    }

    // Invalid UTF-8 in every field of both topics, in an unknown field and in a name.
    for topic in [e, u] {
        let names: Vec<String> = event(topic, "x", now)
            .into_iter()
            .map(|(k, _)| k)
            .chain(["x".to_owned()])
            .collect();
        for (k, field) in names.iter().enumerate() {
            let bad = BAD_UTF8[k % BAD_UTF8.len()];
            add(
                &format!("invalid UTF-8 in {field}"),
                topic,
                refuse(Malformed),
                &|i| {
                    let text = render(&with(event(topic, i, now), field, js("MARKER")));
                    let at = text.windows(6).position(|w| w == b"MARKER").unwrap_or(0);
                    let mut bytes = text[..at].to_vec();
                    bytes.extend_from_slice(bad);
                    bytes.extend_from_slice(&text[at..]);
                    Some(bytes)
                },
            );
        }
        add(
            "invalid UTF-8 in a field name",
            topic,
            refuse(Malformed),
            &|i| {
                let mut bytes = b"{\"\xff\":1,".to_vec();
                bytes.extend_from_slice(&render(&event(topic, i, now))[1..]);
                Some(bytes)
            },
        );
    }

    // Sizes: 64 KiB is the last accepted size, checked before UTF-8.
    for (len, outcome) in [
        (MAX_BYTES - 1, accept),
        (MAX_BYTES, accept),
        (MAX_BYTES + 1, refuse(TooLarge)),
    ] {
        add(&format!("{len} bytes"), e, outcome, &|i| {
            Some(padded(e, i, now, len))
        });
    }
    add("64 KiB + 1 of 0xff", u, refuse(TooLarge), &|_| {
        Some(vec![0xff; MAX_BYTES + 1])
    });
    add(
        "valid, padded with spaces to 64 KiB + 1",
        u,
        refuse(TooLarge),
        &|i| {
            let mut spaced = render(&event(u, i, now));
            spaced.resize(MAX_BYTES + 1, b' ');
            Some(spaced)
        },
    );

    // The rest of a hostile producer's repertoire.
    add("no value (tombstone)", e, refuse(Malformed), &|_| None);
    add("empty value", u, refuse(Malformed), &|_| Some(Vec::new()));
    add("byte-order mark", e, refuse(Malformed), &|i| {
        let mut bom = "\u{feff}".as_bytes().to_vec();
        bom.extend(render(&event(e, i, now)));
        Some(bom)
    });
    add("UTF-16", e, refuse(Malformed), &|i| {
        let text = String::from_utf8_lossy(&render(&event(e, i, now))).into_owned();
        Some(text.encode_utf16().flat_map(u16::to_le_bytes).collect())
    });
    add("lone surrogate escape", e, refuse(Malformed), &|i| {
        set(e, i, "client_id", r#""\ud800""#.into())
    });
    add("client_id of 128 two-byte characters", e, accept, &|i| {
        set(e, i, "client_id", js(&"é".repeat(128)))
    });
    add(
        "client_id of 129 characters",
        e,
        refuse(InvalidValue),
        &|i| set(e, i, "client_id", js(&"c".repeat(129))),
    );
    add("CR LF in segment", u, refuse(InvalidValue), &|i| {
        set(u, i, "segment", js("a\r\nb"))
    });
    add("event_time in year 9999", e, refuse(EventInFuture), &|i| {
        set(e, i, "event_time", js("9999-12-31T23:59:59Z"))
    });
    add("event_time at the epoch", u, refuse(EventTooOld), &|i| {
        set(u, i, "event_time", js("1970-01-01T00:00:00Z"))
    });
    add("top-level array", u, refuse(Malformed), &|i| {
        Some([b"[".as_slice(), &render(&event(u, i, now)), b"]"].concat())
    });
    add(
        "a key that is not UTF-8 (the key is routing, not content)",
        e,
        accept,
        &|i| set(e, i, "x", js("k")),
    );
    if let Some(last) = out.last_mut() {
        last.key = b"\xff\xfe key".to_vec();
    }
    out
}

#[cfg(test)]
mod tests {
    use cmp_model::{Limits, decode};

    use super::*;

    /// The decoder agrees with every expectation, before any broker is involved.
    #[test]
    fn the_decoder_gives_every_case_its_expected_outcome() {
        let now = Utc::now();
        let cases = corpus(now);
        assert!(cases.len() > 60, "{} cases", cases.len());
        let wrong: Vec<String> = cases
            .iter()
            .filter_map(|c| {
                let payload = c.payload.as_deref().unwrap_or_default();
                let got = match decode(payload, c.topic, now, &Limits::default()) {
                    Ok(_) => Outcome::Accept,
                    Err(r) => Outcome::Refuse(r.code),
                };
                (got != c.outcome).then(|| format!("{}: {got:?}, not {:?}", c.name, c.outcome))
            })
            .collect();
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    #[test]
    fn padding_hits_the_size_exactly() {
        let now = Utc::now();
        for len in [1000, MAX_BYTES] {
            assert_eq!(padded(Topic::Uptake, "p-1", now, len).len(), len);
        }
    }
}
