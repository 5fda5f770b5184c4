//! The contract's closed vocabularies as enums: `Channel`, `Action`,
//! `ServiceChannel`, `Stage`, `Region`, `Language`. Each has `as_str` (the
//! contract code), `parse`/`FromStr` (the exact code), `ALL`, and serde as the
//! code string, so the code is the only spelling that crosses a boundary.
//!
//! Case sensitivity on input: the contract makes `region` and `language`
//! case-insensitive, so [`Region::parse_input`] and [`Language::parse_input`]
//! fold case; it says nothing for `channel`, `action`, `service_channel` and
//! `stage`, and field names and codes are otherwise exact, so those four are
//! matched exactly (lower-case only). `XX` and `und` are what the pipeline
//! stores when the field is absent; they are not input codes, so
//! `parse_input` refuses them (a producer that does not know omits the field).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A string that is not a code of the named vocabulary. It deliberately
/// does not carry the string: refusals end up in logs and headers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a known {vocabulary} code")]
pub struct UnknownCode {
    /// The contract field the vocabulary belongs to, e.g. `channel`.
    pub vocabulary: &'static str,
}

macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $name:ident, field $field:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in contract order.
            pub const ALL: &[Self] = &[$(Self::$variant),+];

            /// The contract field this vocabulary belongs to.
            pub const FIELD: &str = $field;

            /// The contract code.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $code,)+
                }
            }

            /// The value whose contract code is exactly `s`.
            pub fn parse(s: &str) -> Option<Self> {
                match s {
                    $($code => Some(Self::$variant),)+
                    _ => None,
                }
            }
        }

        impl FromStr for $name {
            type Err = UnknownCode;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s).ok_or(UnknownCode { vocabulary: $field })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let code = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
                code.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

vocabulary! {
    /// Where an engagement happened (`channel`).
    Channel, field "channel" {
        Web = "web",
        Social = "social",
        Search = "search",
        Display = "display",
        Video = "video",
        Tv = "tv",
        Radio = "radio",
        Print = "print",
        Signage = "signage",
        Email = "email",
        Outreach = "outreach",
    }
}

vocabulary! {
    /// What the person did with the material (`action`).
    Action, field "action" {
        Impression = "impression",
        Click = "click",
        Engagement = "engagement",
        Share = "share",
        VideoComplete = "video_complete",
        Visit = "visit",
    }
}

vocabulary! {
    /// How a client reached the program (`service_channel`).
    ServiceChannel, field "service_channel" {
        Online = "online",
        Phone = "phone",
        InPerson = "in_person",
        Mail = "mail",
    }
}

vocabulary! {
    /// How far the application got (`stage`).
    Stage, field "stage" {
        Started = "started",
        Submitted = "submitted",
        Completed = "completed",
    }
}

vocabulary! {
    /// Province or territory, `CA` for national, `XX` when unknown (`region`).
    #[derive(Default)]
    Region, field "region" {
        Ab = "AB",
        Bc = "BC",
        Mb = "MB",
        Nb = "NB",
        Nl = "NL",
        Ns = "NS",
        Nt = "NT",
        Nu = "NU",
        On = "ON",
        Pe = "PE",
        Qc = "QC",
        Sk = "SK",
        Yt = "YT",
        /// National.
        Ca = "CA",
        /// Unknown: stored when the field is absent; never accepted as input.
        #[default]
        Xx = "XX",
    }
}

vocabulary! {
    /// Language of the material or service (`language`).
    #[derive(Default)]
    Language, field "language" {
        En = "en",
        Fr = "fr",
        /// Undetermined: stored when the field is absent; never accepted as input.
        #[default]
        Und = "und",
    }
}

impl Region {
    /// A producer's `region`, case-insensitive; `XX` is not an input code.
    pub fn parse_input(s: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|r| *r != Self::Xx && r.as_str().eq_ignore_ascii_case(s))
    }
}

impl Language {
    /// A producer's `language`, case-insensitive; `und` is not an input code.
    pub fn parse_input(s: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|l| *l != Self::Und && l.as_str().eq_ignore_ascii_case(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trips<T>(all: &[T])
    where
        T: Copy + PartialEq + fmt::Debug + FromStr<Err = UnknownCode> + Serialize + fmt::Display,
        T: for<'de> Deserialize<'de>,
    {
        for &v in all {
            let code = v.to_string();
            assert_eq!(code.parse::<T>(), Ok(v));
            let json = serde_json::to_string(&v).expect("serialize");
            assert_eq!(json, format!("\"{code}\""));
            assert_eq!(serde_json::from_str::<T>(&json).expect("deserialize"), v);
        }
        assert!("".parse::<T>().is_err());
        assert!("nope".parse::<T>().is_err());
    }

    #[test]
    fn every_vocabulary_round_trips_through_its_code() {
        round_trips(Channel::ALL);
        round_trips(Action::ALL);
        round_trips(ServiceChannel::ALL);
        round_trips(Stage::ALL);
        round_trips(Region::ALL);
        round_trips(Language::ALL);
    }

    #[test]
    fn vocabulary_sizes_match_the_contract() {
        assert_eq!(Channel::ALL.len(), 11);
        assert_eq!(Action::ALL.len(), 6);
        assert_eq!(ServiceChannel::ALL.len(), 4);
        assert_eq!(Stage::ALL.len(), 3);
        assert_eq!(Region::ALL.len(), 15);
        assert_eq!(Language::ALL.len(), 3);
    }

    #[test]
    fn exact_parse_is_case_sensitive() {
        assert_eq!(Channel::parse("Web"), None);
        assert_eq!(Stage::parse("COMPLETED"), None);
        assert_eq!(Region::parse("qc"), None);
    }

    #[test]
    fn input_parse_folds_case_and_refuses_the_absent_markers() {
        assert_eq!(Region::parse_input("qc"), Some(Region::Qc));
        assert_eq!(Region::parse_input("Nt"), Some(Region::Nt));
        assert_eq!(Region::parse_input("ca"), Some(Region::Ca));
        assert_eq!(Region::parse_input("XX"), None);
        assert_eq!(Region::parse_input("xx"), None);
        assert_eq!(Language::parse_input("FR"), Some(Language::Fr));
        assert_eq!(Language::parse_input("En"), Some(Language::En));
        assert_eq!(Language::parse_input("und"), None);
        assert_eq!(Language::parse_input("e"), None);
    }

    #[test]
    fn unknown_code_does_not_echo_the_input() {
        let err = "SECRET".parse::<Channel>().expect_err("unknown");
        assert_eq!(err.to_string(), "not a known channel code");
    }
}
