//! Turns a captured raw value into a field's typed, normalised value, or
//! the refusal for it: absent or `null` where required is `missing_field`;
//! wrong JSON kind, broken rule or unknown code is `invalid_value`. An
//! optional field given as `null` counts as absent and gets its default
//! (serialisers commonly write `null` for "no value").

use std::borrow::Cow;
use std::ops::RangeInclusive;

use crate::capture::{Field, Raw};
use crate::refusal::Refusal;

/// A required field's value; absent or `null` is `missing_field`.
pub(crate) fn required(field: Field, raw: Option<Raw<'_>>) -> Result<Raw<'_>, Refusal> {
    match raw {
        None => Err(Refusal::missing(field.name(), "is required")),
        Some(Raw::Null) => Err(Refusal::missing(field.name(), "is null")),
        Some(raw) => Ok(raw),
    }
}

/// An optional field's value; `null` counts as absent.
pub(crate) fn optional(raw: Option<Raw<'_>>) -> Option<Raw<'_>> {
    raw.filter(|r| *r != Raw::Null)
}

/// The string in `raw`; any other kind is `invalid_value`.
pub(crate) fn string(field: Field, raw: Raw<'_>) -> Result<Cow<'_, str>, Refusal> {
    match raw {
        Raw::Str(s) => Ok(s),
        other => Err(wrong_kind(field, "a string", &other)),
    }
}

/// A string that must satisfy `rule`, described by `what` in the refusal.
pub(crate) fn checked_string<'a>(
    field: Field,
    raw: Raw<'a>,
    rule: fn(&str) -> bool,
    what: &str,
) -> Result<Cow<'a, str>, Refusal> {
    let s = string(field, raw)?;
    if rule(&s) {
        Ok(s)
    } else {
        Err(Refusal::invalid(field.name(), what))
    }
}

/// A code of a vocabulary, looked up by `parse`; `codes` lists the
/// vocabulary for the refusal.
pub(crate) fn code<T: Copy>(
    field: Field,
    raw: Raw<'_>,
    parse: fn(&str) -> Option<T>,
    codes: &[T],
    as_str: fn(T) -> &'static str,
) -> Result<T, Refusal> {
    let s = string(field, raw)?;
    parse(&s).ok_or_else(|| {
        let list: Vec<&str> = codes.iter().map(|&c| as_str(c)).collect();
        Refusal::invalid(field.name(), &format!("must be one of: {}", list.join(" ")))
    })
}

/// A JSON integer literal within `range`.
pub(crate) fn integer(
    field: Field,
    raw: Raw<'_>,
    range: RangeInclusive<u64>,
) -> Result<u64, Refusal> {
    let out_of_range = || {
        Refusal::invalid(
            field.name(),
            &format!(
                "must be an integer from {} to {}",
                range.start(),
                range.end()
            ),
        )
    };
    match raw {
        Raw::UInt(n) if range.contains(&n) => Ok(n),
        Raw::UInt(_) | Raw::NegInt => Err(out_of_range()),
        other => Err(wrong_kind(field, "an integer literal", &other)),
    }
}

fn wrong_kind(field: Field, want: &str, got: &Raw<'_>) -> Refusal {
    Refusal::invalid(field.name(), &format!("must be {want}, not {}", got.kind()))
}
