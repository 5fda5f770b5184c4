//! `event_time`: a strict RFC 3339 `date-time` parser, converted to UTC and
//! truncated to the millisecond.
//!
//! Accepted: `YYYY-MM-DDTHH:MM:SS[.f+](Z|+hh:mm|-hh:mm)`, with `t` and `z`
//! also in lower case (RFC 3339 section 5.6 allows it). Refused: no offset
//! (a local time is ambiguous), a space instead of `T`, offsets without the
//! colon, impossible dates and times. Any number of fraction digits is
//! accepted; digits past the millisecond are dropped (truncated, not
//! rounded), because the store keeps milliseconds and an event must not move
//! into the next hour by rounding. A leap second (`:60`, which RFC 3339
//! allows) is read as `:59.999`, the last representable instant before it.
//! `-00:00` means UTC, as in RFC 3339.
//!
//! Hand-written rather than chrono's parser: it is on the hot path, it gives
//! a precise reason, and it accepts exactly the grammar above.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};

/// Why a string is not an accepted `event_time`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TimestampError {
    /// Not of the shape `YYYY-MM-DDTHH:MM:SS[.fff](Z|±hh:mm)`.
    #[error("must be an RFC 3339 timestamp like YYYY-MM-DDTHH:MM:SS[.fff]Z or +hh:mm")]
    Format,
    /// A date and time without `Z` or `±hh:mm`.
    #[error("has no UTC offset (Z or +hh:mm)")]
    MissingOffset,
    /// Right shape, impossible value (month 13, 30 February, hour 24, ...).
    #[error("is not a valid calendar date, time or offset")]
    OutOfRange,
}

/// Parses an RFC 3339 timestamp with offset into UTC, truncated to ms.
pub fn parse_rfc3339(s: &str) -> Result<DateTime<Utc>, TimestampError> {
    use TimestampError::{Format, MissingOffset, OutOfRange};

    let b = s.as_bytes();
    let year = digits(b, 0, 4).ok_or(Format)?;
    expect(b, 4, b'-')?;
    let month = digits(b, 5, 2).ok_or(Format)?;
    expect(b, 7, b'-')?;
    let day = digits(b, 8, 2).ok_or(Format)?;
    if !matches!(b.get(10), Some(b'T' | b't')) {
        return Err(Format);
    }
    let hour = digits(b, 11, 2).ok_or(Format)?;
    expect(b, 13, b':')?;
    let minute = digits(b, 14, 2).ok_or(Format)?;
    expect(b, 16, b':')?;
    let second = digits(b, 17, 2).ok_or(Format)?;

    let mut i = 19;
    let mut millis = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            if i - start < 3 {
                millis = millis * 10 + u32::from(b[i] - b'0');
            }
            i += 1;
        }
        match i - start {
            0 => return Err(Format),
            1 => millis *= 100,
            2 => millis *= 10,
            _ => {}
        }
    }

    let offset_seconds: i64 = match b.get(i) {
        None => return Err(MissingOffset),
        Some(b'Z' | b'z') => {
            i += 1;
            0
        }
        Some(&sign @ (b'+' | b'-')) => {
            let oh = digits(b, i + 1, 2).ok_or(Format)?;
            expect(b, i + 3, b':')?;
            let om = digits(b, i + 4, 2).ok_or(Format)?;
            i += 6;
            if oh > 23 || om > 59 {
                return Err(OutOfRange);
            }
            let magnitude = i64::from(oh * 3600 + om * 60);
            if sign == b'-' { -magnitude } else { magnitude }
        }
        Some(_) => return Err(Format),
    };
    if i != b.len() {
        return Err(Format);
    }

    let (second, millis) = match second {
        60 => (59, 999),
        s => (s, millis),
    };
    let year = i32::try_from(year).map_err(|_| OutOfRange)?;
    let local = NaiveDate::from_ymd_opt(year, month, day)
        .and_then(|d| d.and_hms_milli_opt(hour, minute, second, millis))
        .ok_or(OutOfRange)?
        .and_utc();
    local
        .checked_sub_signed(TimeDelta::seconds(offset_seconds))
        .ok_or(OutOfRange)
}

/// The `n`-digit decimal number at `at`, if every byte there is a digit.
fn digits(b: &[u8], at: usize, n: usize) -> Option<u32> {
    let field = b.get(at..at.checked_add(n)?)?;
    field.iter().try_fold(0u32, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

fn expect(b: &[u8], at: usize, want: u8) -> Result<(), TimestampError> {
    if b.get(at) == Some(&want) {
        Ok(())
    } else {
        Err(TimestampError::Format)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TimestampError::{Format, MissingOffset, OutOfRange};
    use proptest::prelude::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("test timestamp")
            .to_utc()
    }

    #[test]
    fn accepts_the_grammar_and_converts_to_utc() {
        let cases = [
            ("2026-11-02T14:05:09-05:00", "2026-11-02T19:05:09Z"),
            ("2026-11-02T19:06:41.120Z", "2026-11-02T19:06:41.120Z"),
            ("2026-11-02T19:06:41.1Z", "2026-11-02T19:06:41.100Z"),
            ("2026-11-02T19:06:41.12Z", "2026-11-02T19:06:41.120Z"),
            ("2026-11-02T19:06:41.123999999Z", "2026-11-02T19:06:41.123Z"),
            (
                "2026-11-02T19:06:41.1239999999999999Z",
                "2026-11-02T19:06:41.123Z",
            ),
            ("2026-11-02t19:06:41z", "2026-11-02T19:06:41Z"),
            ("2026-11-02T23:30:00-00:00", "2026-11-02T23:30:00Z"),
            ("2026-11-03T01:00:00+05:30", "2026-11-02T19:30:00Z"),
            ("2026-01-01T00:00:00+23:59", "2025-12-31T00:01:00Z"),
            ("2024-02-29T12:00:00Z", "2024-02-29T12:00:00Z"),
            ("2016-12-31T23:59:60Z", "2016-12-31T23:59:59.999Z"),
            ("0000-01-01T00:00:00Z", "0000-01-01T00:00:00Z"),
            ("9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999Z"),
        ];
        for (input, want) in cases {
            assert_eq!(parse_rfc3339(input), Ok(utc(want)), "{input}");
        }
    }

    #[test]
    fn refuses_with_a_reason() {
        let cases = [
            ("", Format),
            ("2026-11-02", Format),
            ("2026-11-02T14:05:09", MissingOffset),
            ("2026-11-02T14:05:09.5", MissingOffset),
            ("2026-11-02 14:05:09Z", Format),
            ("2026-11-02T14:05Z", Format),
            ("2026-11-02T14:05:09.Z", Format),
            ("2026-11-02T14:05:09+0500", Format),
            ("2026-11-02T14:05:09+05", Format),
            ("2026-11-02T14:05:09+05:00 ", Format),
            (" 2026-11-02T14:05:09Z", Format),
            ("2026-11-02T14:05:09ZZ", Format),
            ("2026-11-02T14:05:09UTC", Format),
            ("26-11-02T14:05:09Z", Format),
            ("+2026-11-02T14:05:09Z", Format),
            ("2026-1-02T14:05:09Z", Format),
            ("2026-11-02T14:05:09,5Z", Format),
            ("２０２６-11-02T14:05:09Z", Format),
            ("2026-13-02T14:05:09Z", OutOfRange),
            ("2026-00-02T14:05:09Z", OutOfRange),
            ("2026-02-29T14:05:09Z", OutOfRange),
            ("2026-11-31T14:05:09Z", OutOfRange),
            ("2026-11-00T14:05:09Z", OutOfRange),
            ("2026-11-02T24:00:00Z", OutOfRange),
            ("2026-11-02T14:60:09Z", OutOfRange),
            ("2026-11-02T14:05:61Z", OutOfRange),
            ("2026-11-02T14:05:09+24:00", OutOfRange),
            ("2026-11-02T14:05:09+05:60", OutOfRange),
        ];
        for (input, want) in cases {
            assert_eq!(parse_rfc3339(input), Err(want), "{input}");
        }
    }

    proptest! {
        /// On well-shaped strings, agrees with chrono's RFC 3339 parser
        /// (after truncating chrono's result to the millisecond).
        #[test]
        fn agrees_with_chrono(
            y in 1900u32..2100, mo in 1u32..=12, d in 1u32..=31,
            h in 0u32..24, mi in 0u32..60, s in 0u32..60,
            frac in proptest::option::of("[0-9]{1,12}"),
            off in prop_oneof![Just("Z".to_owned()), (any::<bool>(), 0u32..24, 0u32..60)
                .prop_map(|(neg, oh, om)| format!("{}{oh:02}:{om:02}", if neg { '-' } else { '+' }))],
        ) {
            let frac = frac.map(|f| format!(".{f}")).unwrap_or_default();
            let text = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{frac}{off}");
            let ours = parse_rfc3339(&text).ok();
            let theirs = DateTime::parse_from_rfc3339(&text).ok().map(|t| {
                let t = t.to_utc();
                let ms = t.timestamp_millis();
                DateTime::from_timestamp_millis(ms).expect("in range")
            });
            prop_assert_eq!(ours, theirs, "{}", text);
        }

        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            let _ = parse_rfc3339(&s);
        }
    }
}
