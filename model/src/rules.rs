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
//! - v1.1 `office_id` and `fsa` are ASCII: a letter outside `A-Z a-z` (`É`)
//!   is refused, not folded. `fsa` is letter-digit-letter in any letters
//!   (the contract's rule), not only the letters Canada Post uses: a
//!   stricter check would refuse what the contract accepts.

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

/// Longest `office_id`, in characters (v1.1).
pub const MAX_OFFICE_ID_LEN: usize = 16;

/// `office_id` as a producer may send it (v1.1): 1–16 of `A-Z 0-9 -`,
/// letters in any case.
pub fn is_office_id_input(s: &str) -> bool {
    (1..=MAX_OFFICE_ID_LEN).contains(&s.len())
        && s.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
}

/// `fsa` as a producer may send it (v1.1): exactly letter, digit, letter,
/// in any case. A full postal code (`K1A 0B1`, `K1A0B1`) is not an FSA.
pub fn is_fsa_input(s: &str) -> bool {
    matches!(s.as_bytes(), [a, d, b] if a.is_ascii_alphabetic() && d.is_ascii_digit() && b.is_ascii_alphabetic())
}

/// `office_id` and `fsa` as stored: upper-case.
pub fn normalise_upper(s: &str) -> String {
    s.to_ascii_uppercase()
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
    fn office_id_bounds_alphabet_and_case() {
        for good in ["ON-0412", "on-0412", "A", "-", &"9".repeat(16)] {
            assert!(is_office_id_input(good), "{good:?}");
        }
        for bad in [
            "",
            &"9".repeat(17),
            "ON 0412",
            "ON_0412",
            "ON.1",
            "É-1",
            "ON-0412\n",
        ] {
            assert!(!is_office_id_input(bad), "{bad:?}");
        }
        assert_eq!(normalise_upper("on-0412"), "ON-0412");
    }

    #[test]
    fn fsa_is_letter_digit_letter_and_never_a_postal_code() {
        for good in ["K1A", "k2p", "h3Z"] {
            assert!(is_fsa_input(good), "{good:?}");
        }
        for bad in [
            "", "K1", "K1A0B1", "K1A 0B1", "k1a 0b1", "1KA", "KAA", "K11", "K1-", "É1A", " K1A",
        ] {
            assert!(!is_fsa_input(bad), "{bad:?}");
        }
        assert_eq!(normalise_upper("k2p"), "K2P");
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
