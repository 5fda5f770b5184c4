//! Why a message was refused: one of the contract's `cmp-error` codes plus a
//! short detail for `cmp-error-detail`. The detail names the field and the
//! rule it broke but never the value, because it is written to headers and
//! logs, and the contract forbids payloads (and so client identifiers) there.
//! Details are plain ASCII so they fit any header.

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;

/// The contract's refusal codes (`cmp-error`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RefusalCode {
    /// Not UTF-8, not JSON, or not a JSON object.
    Malformed,
    /// Over the size limit (64 KiB by default).
    TooLarge,
    /// A required field is absent or `null`.
    MissingField,
    /// A field has the wrong type, is out of range or not in its vocabulary.
    InvalidValue,
    /// `event_time` is too far ahead of the pipeline's clock.
    EventInFuture,
    /// `event_time` is older than the maximum age.
    EventTooOld,
}

impl RefusalCode {
    /// Every code, in contract order (handy for pre-registering metrics).
    pub const ALL: &[Self] = &[
        Self::Malformed,
        Self::TooLarge,
        Self::MissingField,
        Self::InvalidValue,
        Self::EventInFuture,
        Self::EventTooOld,
    ];

    /// The contract code, as written to the `cmp-error` header.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Malformed => "malformed",
            Self::TooLarge => "too_large",
            Self::MissingField => "missing_field",
            Self::InvalidValue => "invalid_value",
            Self::EventInFuture => "event_in_future",
            Self::EventTooOld => "event_too_old",
        }
    }
}

impl fmt::Display for RefusalCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for RefusalCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A refused message: the code and a short, value-free reason.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {detail}")]
pub struct Refusal {
    /// Goes to the `cmp-error` header and the refusal metrics' label.
    pub code: RefusalCode,
    /// Goes to `cmp-error-detail`: names the field, never contains its value.
    pub detail: String,
}

impl Refusal {
    /// A refusal with the given code and detail.
    pub fn new(code: RefusalCode, detail: impl Into<Cow<'static, str>>) -> Self {
        Self {
            code,
            detail: detail.into().into_owned(),
        }
    }

    pub(crate) fn malformed(detail: impl Into<Cow<'static, str>>) -> Self {
        Self::new(RefusalCode::Malformed, detail)
    }

    pub(crate) fn missing(field: &str, why: &str) -> Self {
        Self::new(RefusalCode::MissingField, format!("{field} {why}"))
    }

    pub(crate) fn invalid(field: &str, rule: &str) -> Self {
        Self::new(RefusalCode::InvalidValue, format!("{field} {rule}"))
    }
}
