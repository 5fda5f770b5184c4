//! The time window: `event_in_future` and `event_too_old`, with inclusive
//! bounds, applied after conversion to UTC and truncation to milliseconds.

use chrono::Duration;
use cmp_model::{Limits, RefusalCode, Topic, decode};

use crate::support::{js, message, now, utc};

use RefusalCode::{EventInFuture as Future, EventTooOld as Old};

fn at(time: &str, limits: &Limits) -> Option<RefusalCode> {
    let msg = message(Topic::Uptake, "event_time", Some(&js(time)));
    decode(msg.as_bytes(), Topic::Uptake, now(), limits)
        .err()
        .map(|r| r.code)
}

#[test]
fn default_window_bounds() {
    let l = Limits::default();
    let cases = [
        // now is 2026-11-05T00:00:00Z; max_future 5 minutes.
        ("2026-11-05T00:00:00Z", None),
        ("2026-11-05T00:05:00Z", None),
        ("2026-11-05T00:05:00.000Z", None),
        ("2026-11-04T19:05:00-05:00", None),
        ("2026-11-05T00:05:00.001Z", Some(Future)),
        ("2026-11-05T00:05:01Z", Some(Future)),
        ("2026-11-04T19:05:00.001-05:00", Some(Future)),
        ("2027-01-01T00:00:00Z", Some(Future)),
        ("9999-12-31T23:59:59Z", Some(Future)),
        // Sub-millisecond digits are truncated, so this is exactly the bound.
        ("2026-11-05T00:05:00.0009Z", None),
        // max_age 90 days: oldest accepted is 2026-08-07T00:00:00Z.
        ("2026-08-07T00:00:00Z", None),
        ("2026-08-06T20:00:00-04:00", None),
        ("2026-08-06T23:59:59.999Z", Some(Old)),
        ("2026-08-06T23:59:59.9999Z", Some(Old)),
        ("2026-08-06T19:59:59.999-04:00", Some(Old)),
        ("2000-01-01T00:00:00Z", Some(Old)),
        ("0000-01-01T00:00:00Z", Some(Old)),
    ];
    for (time, want) in cases {
        assert_eq!(at(time, &l), want, "{time}");
    }
}

#[test]
fn window_is_configurable() {
    let l = Limits {
        max_age: Duration::hours(1),
        max_future: Duration::zero(),
        ..Limits::default()
    };
    assert_eq!(at("2026-11-05T00:00:00Z", &l), None);
    assert_eq!(at("2026-11-05T00:00:00.001Z", &l), Some(Future));
    assert_eq!(at("2026-11-04T23:00:00Z", &l), None);
    assert_eq!(at("2026-11-04T22:59:59.999Z", &l), Some(Old));
}

#[test]
fn huge_limits_do_not_overflow() {
    let l = Limits {
        max_age: Duration::MAX,
        max_future: Duration::MAX,
        ..Limits::default()
    };
    assert_eq!(at("0000-01-01T00:00:00Z", &l), None);
    assert_eq!(at("9999-12-31T23:59:59Z", &l), None);
    let far = utc("9999-12-31T23:59:59Z");
    let msg = message(
        Topic::Uptake,
        "event_time",
        Some(&js("2026-11-05T00:00:00Z")),
    );
    assert!(decode(msg.as_bytes(), Topic::Uptake, far, &Limits::default()).is_err());
}

#[test]
fn window_details_state_the_limit() {
    let msg = message(
        Topic::Uptake,
        "event_time",
        Some(&js("2027-01-01T00:00:00Z")),
    );
    let r = decode(msg.as_bytes(), Topic::Uptake, now(), &Limits::default()).expect_err("future");
    assert_eq!(
        r.detail,
        "event_time is more than 5 minutes ahead of the pipeline clock"
    );
    let msg = message(
        Topic::Uptake,
        "event_time",
        Some(&js("2020-01-01T00:00:00Z")),
    );
    let r = decode(msg.as_bytes(), Topic::Uptake, now(), &Limits::default()).expect_err("old");
    assert_eq!(
        r.detail,
        "event_time is older than the maximum age of 90 days"
    );
}
