//! The message as a whole: size limit, UTF-8, JSON, top-level object,
//! trailing data, duplicate keys, deep nesting.

use cmp_model::{Limits, RefusalCode, Topic, decode};

use crate::support::{base, message, now, render, run};

use RefusalCode::{Malformed, TooLarge};

fn valid() -> String {
    render(&base(Topic::Engagement))
}

/// A valid message padded (with an unknown field) to exactly `len` bytes.
fn padded(len: usize) -> String {
    let start = valid();
    let overhead = start.len() + ",\"pad\":\"\"".len();
    let pad = "p".repeat(len - overhead);
    let msg = format!("{},\"pad\":\"{pad}\"}}", &start[..start.len() - 1]);
    assert_eq!(msg.len(), len);
    msg
}

fn code_of(bytes: &[u8]) -> Option<RefusalCode> {
    run(bytes, Topic::Engagement).err().map(|r| r.code)
}

#[test]
fn size_limit_is_inclusive_at_64_kib() {
    assert_eq!(code_of(padded(65_536).as_bytes()), None);
    assert_eq!(code_of(padded(65_537).as_bytes()), Some(TooLarge));
    let r = run(padded(65_537), Topic::Engagement).expect_err("too large");
    assert_eq!(
        r.detail,
        "message is 65537 bytes, over the 65536-byte limit"
    );
}

#[test]
fn size_is_checked_before_anything_else() {
    assert_eq!(code_of(&[0xff; 65_537]), Some(TooLarge));
    assert_eq!(code_of(&[b'['; 70_000]), Some(TooLarge));
}

#[test]
fn size_limit_is_configurable() {
    let limits = Limits {
        max_bytes: 200,
        ..Limits::default()
    };
    let at = |n: usize| {
        decode(padded(n).as_bytes(), Topic::Engagement, now(), &limits)
            .err()
            .map(|r| r.code)
    };
    assert_eq!(at(200), None);
    assert_eq!(at(201), Some(TooLarge));
}

#[test]
fn malformed_messages() {
    let v = valid();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", b"".to_vec()),
        ("whitespace", b"  \n ".to_vec()),
        ("invalid UTF-8 alone", vec![0xff]),
        ("invalid UTF-8 in a value", {
            let b = message(Topic::Engagement, "segment", Some("\"a\u{1}\"")).into_bytes();
            b.into_iter()
                .map(|c| if c == 1 { 0x80 } else { c })
                .collect()
        }),
        ("lone continuation byte in an unknown field", {
            let mut b = message(Topic::Engagement, "x", Some("\"ab\"")).into_bytes();
            let i = b.len() - 3;
            b[i] = 0x80;
            b
        }),
        (
            "overlong encoding",
            [b"{\"x\":\"".as_slice(), &[0xc0, 0xaf], b"\"}"].concat(),
        ),
        (
            "UTF-16",
            v.encode_utf16().flat_map(u16::to_le_bytes).collect(),
        ),
        ("not JSON", b"hello".to_vec()),
        ("unclosed object", v.as_bytes()[..v.len() - 1].to_vec()),
        ("missing value", b"{\"event_id\":}".to_vec()),
        ("single quotes", v.replace('"', "'").into_bytes()),
        (
            "trailing comma",
            format!("{},}}", &v[..v.len() - 1]).into_bytes(),
        ),
        ("comment", format!("/* c */{v}").into_bytes()),
        ("array", format!("[{v}]").into_bytes()),
        ("empty array", b"[]".to_vec()),
        ("string", b"\"{}\"".to_vec()),
        ("number", b"42".to_vec()),
        ("null", b"null".to_vec()),
        ("boolean", b"true".to_vec()),
        ("trailing garbage", format!("{v}x").into_bytes()),
        ("two objects", format!("{v}{v}").into_bytes()),
        ("two objects on two lines", format!("{v}\n{v}").into_bytes()),
        ("byte-order mark", format!("\u{feff}{v}").into_bytes()),
        (
            "NaN",
            message(Topic::Engagement, "count", Some("NaN")).into_bytes(),
        ),
        (
            "duplicate known field",
            format!("{},\"channel\":\"web\"}}", &v[..v.len() - 1]).into_bytes(),
        ),
        (
            "duplicate null field",
            format!("{{\"segment\":null,{}", &v[1..])
                .replace('}', ",\"segment\":null}")
                .into_bytes(),
        ),
        (
            "unclosed nesting in unknown field",
            message(Topic::Engagement, "x", Some(&"[".repeat(1000))).into_bytes(),
        ),
    ];
    for (name, bytes) in cases {
        let r = run(&bytes, Topic::Engagement);
        assert_eq!(
            r.as_ref().err().map(|r| r.code),
            Some(Malformed),
            "{name}: {r:?}"
        );
    }
}

#[test]
fn malformed_details_say_what_kind_of_fault() {
    let detail = |b: &[u8]| run(b, Topic::Engagement).expect_err("malformed").detail;
    assert_eq!(detail(b"ab\xffcd"), "not valid UTF-8 (at byte 2)");
    assert_eq!(detail(b"[1]"), "message is not a JSON object");
    assert_eq!(detail(b"\"str\""), "message is not a JSON object");
    assert_eq!(detail(b"{\"a\":1} x"), "not valid JSON (line 1, column 9)");
    assert!(detail(b"{\"a\":").starts_with("JSON ends early"));
    let v = valid();
    let dup = format!("{},\"event_id\":\"b\"}}", &v[..v.len() - 1]);
    assert_eq!(detail(dup.as_bytes()), "duplicate field event_id");
}

#[test]
fn surrounding_whitespace_is_fine() {
    assert_eq!(code_of(format!(" \n\t{}\r\n ", valid()).as_bytes()), None);
}

#[test]
fn duplicate_unknown_fields_are_ignored() {
    let v = valid();
    let msg = format!("{{\"x\":1,\"x\":2,{}", &v[1..]);
    assert_eq!(code_of(msg.as_bytes()), None);
}

#[test]
fn deep_nesting_in_an_unknown_field_is_skipped() {
    let depth = 30_000;
    let deep = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    assert_eq!(
        code_of(message(Topic::Engagement, "x", Some(&deep)).as_bytes()),
        None
    );
    let objects = format!("{}1{}", "{\"a\":".repeat(10_000), "}".repeat(10_000));
    assert_eq!(
        code_of(message(Topic::Engagement, "x", Some(&objects)).as_bytes()),
        None
    );
}

#[test]
fn deep_nesting_in_a_known_field_is_a_wrong_kind() {
    let depth = 30_000;
    let deep = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    assert_eq!(
        code_of(message(Topic::Engagement, "segment", Some(&deep)).as_bytes()),
        Some(RefusalCode::InvalidValue)
    );
}

#[test]
fn escaped_strings_are_decoded() {
    let msg = message(
        Topic::Engagement,
        "client_id",
        Some(r#""\u00e9\"\\\n\ud83d\ude00""#),
    );
    let e = run(msg, Topic::Engagement).expect("accepted");
    assert_eq!(e.client_id.as_deref(), Some("é\"\\\n😀"));
    let lone_surrogate = message(Topic::Engagement, "client_id", Some(r#""\ud83d""#));
    assert_eq!(code_of(lone_surrogate.as_bytes()), Some(Malformed));
}

#[test]
fn numbers_beyond_an_f64_are_valid_json_so_invalid_values() {
    // Found by the adversarial corpus: these were refused as `malformed`.
    for (field, value) in [
        ("count", "1e400".to_owned()),
        ("count", "9".repeat(5000)),
        ("cost_cents", "-1e400".to_owned()),
    ] {
        let r = run(
            message(Topic::Engagement, field, Some(&value)),
            Topic::Engagement,
        )
        .expect_err("refused");
        assert_eq!(r.code, RefusalCode::InvalidValue, "{field}");
        assert!(r.detail.starts_with(field), "{}", r.detail);
    }
    // The first bad field in contract order still decides.
    let msg =
        message(Topic::Engagement, "count", Some("1e400")).replace("\"event_id\":\"web-1\",", "");
    let r = run(msg, Topic::Engagement).expect_err("refused");
    assert_eq!(r.code, RefusalCode::MissingField);
    let surrogate = message(Topic::Engagement, "segment", Some(r#""\udc00""#));
    let r = run(surrogate, Topic::Engagement).expect_err("refused");
    assert_eq!(
        (r.code, r.detail.as_str()),
        (Malformed, "segment holds an invalid string escape")
    );
}
