//! The contract's per-field rules as plain predicates and bounds, shared by
//! `decode` and by anything that produces events (the load generator, tests).
//!
//! Decisions where the contract is silent:
//! - Lengths count characters; for the ASCII-only fields that is bytes.
//!   `client_id` may hold any Unicode text; its 1–128 limit counts `char`s.
//! - `segment` has no "starts with a letter or digit" rule (only slugs do),
//!   so `-x` is a valid segment but not a valid `campaign_id`.
//! - `count` and `cost_cents` must be JSON integer literals: `240.0` and
//!   `2.4e2` are refused as `invalid_value`. Once a float is parsed, a
//!   rounded fraction (`1.0000000000000001`) cannot be told from an integer,
//!   and producers serialise integers as integer literals.

use std::ops::RangeInclusive;

/// Longest `event_id`, `segment` and slug, in characters.
pub const MAX_ID_LEN: usize = 64;
/// Longest `client_id`, in characters.
pub const MAX_CLIENT_ID_CHARS: usize = 128;
/// Accepted `count` values.
pub const COUNT_RANGE: RangeInclusive<u64> = 1..=1_000_000;
/// Accepted `cost_cents` values.
pub const COST_CENTS_RANGE: RangeInclusive<u64> = 0..=1_000_000_000_000;

/// `event_id`: 1–64 of `A-Z a-z 0-9 . _ : -`.
pub fn is_event_id(s: &str) -> bool {
    (1..=MAX_ID_LEN).contains(&s.len())
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b':' | b'-'))
}

/// `campaign_id` and `program`: 1–64 of `a-z 0-9 _ -`, starting with a
/// letter or digit. Exact case: slugs are identifiers, not free text.
pub fn is_slug(s: &str) -> bool {
    s.as_bytes()
        .first()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && s.len() <= MAX_ID_LEN
        && s.bytes().all(is_slug_byte)
}

/// `segment` as a producer may send it: 1–64 of `a-z 0-9 _ -` in any case.
pub fn is_segment_input(s: &str) -> bool {
    (1..=MAX_ID_LEN).contains(&s.len()) && s.bytes().all(|c| is_slug_byte(c.to_ascii_lowercase()))
}

/// `segment` as stored: lower-case.
pub fn normalise_segment(s: &str) -> String {
    s.to_ascii_lowercase()
}

/// `client_id`: 1–128 characters, any text.
pub fn is_client_id(s: &str) -> bool {
    !s.is_empty() && (s.len() <= MAX_CLIENT_ID_CHARS || s.chars().count() <= MAX_CLIENT_ID_CHARS)
}

fn is_slug_byte(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_' || c == b'-'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_id_bounds_and_alphabet() {
        assert!(is_event_id("a"));
        assert!(is_event_id("AZaz09._:-"));
        assert!(is_event_id(&"x".repeat(64)));
        assert!(!is_event_id(""));
        assert!(!is_event_id(&"x".repeat(65)));
        for bad in ["a b", "a/b", "a+b", "é", "a\u{0}", "a\"b"] {
            assert!(!is_event_id(bad), "{bad:?}");
        }
    }

    #[test]
    fn slug_bounds_alphabet_and_first_character() {
        assert!(is_slug("a"));
        assert!(is_slug("0"));
        assert!(is_slug("oas-online_2026"));
        assert!(is_slug(&"a".repeat(64)));
        for bad in ["", "-a", "_a", "A", "oas.online", "oas online", "é"] {
            assert!(!is_slug(bad), "{bad:?}");
        }
        assert!(!is_slug(&"a".repeat(65)));
    }

    #[test]
    fn segment_folds_case_but_keeps_the_alphabet() {
        assert!(is_segment_input("Seniors"));
        assert!(is_segment_input("-x_Y"));
        assert!(is_segment_input(&"S".repeat(64)));
        assert!(!is_segment_input(&"s".repeat(65)));
        assert!(!is_segment_input(""));
        assert!(!is_segment_input("a b"));
        assert!(!is_segment_input("K\u{212a}")); // Kelvin sign does not fold to k
        assert_eq!(normalise_segment("SeNiOrS-2"), "seniors-2");
    }

    #[test]
    fn client_id_counts_characters_not_bytes() {
        assert!(is_client_id("x"));
        assert!(is_client_id(&"é".repeat(128)));
        assert!(!is_client_id(&"é".repeat(129)));
        assert!(is_client_id(&"x".repeat(128)));
        assert!(!is_client_id(&"x".repeat(129)));
        assert!(!is_client_id(""));
    }
}
