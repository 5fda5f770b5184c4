//! The breakdown dimensions of the contract (`by=` and a target's
//! narrowing fields) and the vocabulary of values each accepts.

use std::fmt;

use crate::error::Error;
use crate::labels::{self, LabelKind};

/// A dimension a breakdown or a target can narrow by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    Segment,
    Channel,
    ServiceChannel,
    Region,
    Language,
}

/// Longest segment slug, in characters (as in contract/EVENTS.md).
const MAX_SEGMENT_LEN: usize = 64;

impl Dimension {
    /// Every dimension, in the contract's order.
    pub const ALL: [Dimension; 5] = [
        Dimension::Segment,
        Dimension::Channel,
        Dimension::ServiceChannel,
        Dimension::Region,
        Dimension::Language,
    ];

    /// The contract's name (the `by=` value and the target field).
    pub const fn as_str(self) -> &'static str {
        match self {
            Dimension::Segment => "segment",
            Dimension::Channel => "channel",
            Dimension::ServiceChannel => "service_channel",
            Dimension::Region => "region",
            Dimension::Language => "language",
        }
    }

    /// The dimension with this exact name; the error names `by`.
    pub fn parse(name: &str) -> Result<Dimension, Error> {
        Dimension::ALL
            .into_iter()
            .find(|d| d.as_str() == name)
            .ok_or_else(|| {
                Error::invalid(
                    "by",
                    format!(
                        "has unknown dimension `{name}`; expected segment, channel, service_channel, region or language"
                    ),
                )
            })
    }

    /// Checks a value in its stored form, as a target narrows by it:
    /// segments lower-case slugs (1–64 of `a-z 0-9 _ -`), regions upper-case
    /// codes (`CA` national and `XX` unknown included: both are stored),
    /// languages `en` or `fr` (a target on `und` is refused: it is the
    /// absence of a language, not one), channels and service channels their
    /// codes. The error names the dimension's field.
    pub fn check_value(self, value: &str) -> Result<(), Error> {
        let ok = match self {
            Dimension::Segment => {
                (1..=MAX_SEGMENT_LEN).contains(&value.len())
                    && value.bytes().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_' || c == b'-'
                    })
            }
            Dimension::Language => matches!(value, "en" | "fr"),
            Dimension::Channel => labels::codes(LabelKind::Channel).any(|c| c == value),
            Dimension::ServiceChannel => {
                labels::codes(LabelKind::ServiceChannel).any(|c| c == value)
            }
            Dimension::Region => labels::codes(LabelKind::Region).any(|c| c == value),
        };
        if ok {
            return Ok(());
        }
        let rule = match self {
            Dimension::Segment => {
                "must be a lower-case segment slug: 1-64 characters of a-z 0-9 _ -".to_owned()
            }
            Dimension::Language => "must be en or fr".to_owned(),
            Dimension::Channel => one_of(LabelKind::Channel),
            Dimension::ServiceChannel => one_of(LabelKind::ServiceChannel),
            Dimension::Region => one_of(LabelKind::Region),
        };
        Err(Error::invalid(self.as_str(), rule))
    }
}

fn one_of(kind: LabelKind) -> String {
    format!(
        "must be one of {}",
        labels::codes(kind).collect::<Vec<_>>().join(", ")
    )
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for d in Dimension::ALL {
            assert_eq!(Dimension::parse(d.as_str()), Ok(d));
        }
        assert_eq!(
            Dimension::parse("program").expect_err("unknown").field(),
            "by"
        );
    }

    #[test]
    fn values_table() {
        use Dimension::*;
        let table = [
            (Segment, "seniors", true),
            (Segment, "unspecified", true),
            (Segment, "new-parents_2", true),
            (Segment, "Seniors", false),
            (Segment, "", false),
            (Segment, "a b", false),
            (Channel, "signage", true),
            (Channel, "outreach", true),
            (Channel, "Signage", false),
            (Channel, "online", false),
            (ServiceChannel, "in_person", true),
            (ServiceChannel, "web", false),
            (Region, "QC", true),
            (Region, "CA", true),
            (Region, "XX", true),
            (Region, "qc", false),
            (Region, "PQ", false),
            (Language, "en", true),
            (Language, "fr", true),
            (Language, "und", false),
            (Language, "EN", false),
        ];
        for (dim, value, ok) in table {
            let got = dim.check_value(value);
            assert_eq!(got.is_ok(), ok, "{dim} {value:?}");
            if let Err(err) = got {
                assert_eq!(err.field(), dim.as_str());
            }
        }
        assert!(Segment.check_value(&"s".repeat(64)).is_ok());
        assert!(Segment.check_value(&"s".repeat(65)).is_err());
    }
}
