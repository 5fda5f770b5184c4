//! The fifteen KPIs of the contract, by their fixed codes: which way is
//! better, which are ratios rather than sums, which count clients (and so
//! are subject to small-cell suppression) and which breakdown dimensions
//! each one can be narrowed by.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::dimension::Dimension;
use crate::error::Error;

/// A KPI of contract/API.md. The codes are fixed by the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kpi {
    Impressions,
    Clicks,
    Engagements,
    Shares,
    VideoCompletes,
    Visits,
    Ctr,
    Reach,
    SpendCents,
    UptakeStarted,
    UptakeSubmitted,
    UptakeCompleted,
    CostPerUptakeCents,
    ProgramUptakeCompleted,
    ProgramOnlineShare,
}

/// Which way a KPI should move. Decides whether attainment and pace are
/// `actual ÷ target` or inverted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    HigherIsBetter,
    LowerIsBetter,
    /// Neither (`spend_cents`): a spend target is a plan to spend, so it is
    /// evaluated like a higher-is-better one (attainment = actual ÷ target,
    /// under-spending is "off track"); over-spending is not flagged here.
    Neither,
}

impl Kpi {
    /// Every KPI, in the contract's order (the order of totals and CSVs).
    pub const ALL: [Kpi; 15] = [
        Kpi::Impressions,
        Kpi::Clicks,
        Kpi::Engagements,
        Kpi::Shares,
        Kpi::VideoCompletes,
        Kpi::Visits,
        Kpi::Ctr,
        Kpi::Reach,
        Kpi::SpendCents,
        Kpi::UptakeStarted,
        Kpi::UptakeSubmitted,
        Kpi::UptakeCompleted,
        Kpi::CostPerUptakeCents,
        Kpi::ProgramUptakeCompleted,
        Kpi::ProgramOnlineShare,
    ];

    /// The contract code.
    pub const fn as_str(self) -> &'static str {
        match self {
            Kpi::Impressions => "impressions",
            Kpi::Clicks => "clicks",
            Kpi::Engagements => "engagements",
            Kpi::Shares => "shares",
            Kpi::VideoCompletes => "video_completes",
            Kpi::Visits => "visits",
            Kpi::Ctr => "ctr",
            Kpi::Reach => "reach",
            Kpi::SpendCents => "spend_cents",
            Kpi::UptakeStarted => "uptake_started",
            Kpi::UptakeSubmitted => "uptake_submitted",
            Kpi::UptakeCompleted => "uptake_completed",
            Kpi::CostPerUptakeCents => "cost_per_uptake_cents",
            Kpi::ProgramUptakeCompleted => "program_uptake_completed",
            Kpi::ProgramOnlineShare => "program_online_share",
        }
    }

    /// The KPI with this exact code (codes are case-sensitive, like the
    /// contract's field names).
    pub fn parse(code: &str) -> Result<Kpi, Error> {
        Kpi::ALL
            .into_iter()
            .find(|k| k.as_str() == code)
            .ok_or_else(|| Error::UnknownKpi(code.to_owned()))
    }

    /// Which way is better, per the contract's "better" column.
    pub const fn direction(self) -> Direction {
        match self {
            Kpi::CostPerUptakeCents => Direction::LowerIsBetter,
            Kpi::SpendCents => Direction::Neither,
            _ => Direction::HigherIsBetter,
        }
    }

    /// A ratio of two sums rather than a sum: its value does not grow with
    /// time, so its "expected to date" is the target itself and its
    /// projection is its current value. (`shares` is a count of share
    /// actions, not a ratio; `reach` is a cumulative count of distinct
    /// clients and grows with time like a sum.)
    pub const fn is_ratio(self) -> bool {
        matches!(
            self,
            Kpi::Ctr | Kpi::CostPerUptakeCents | Kpi::ProgramOnlineShare
        )
    }

    /// A ratio bounded by 1 (a share of something), so a target above 1
    /// can never be met.
    pub const fn is_fraction(self) -> bool {
        matches!(self, Kpi::Ctr | Kpi::ProgramOnlineShare)
    }

    /// A count of clients: subject to small-cell suppression.
    pub const fn is_client_count(self) -> bool {
        matches!(
            self,
            Kpi::Reach
                | Kpi::UptakeStarted
                | Kpi::UptakeSubmitted
                | Kpi::UptakeCompleted
                | Kpi::ProgramUptakeCompleted
        )
    }

    /// Whether the KPI's events carry this dimension, so a target or a
    /// breakdown can narrow by it. Engagement events have a `channel` and
    /// no `service_channel`; uptake events the reverse. A KPI that mixes
    /// both (`cost_per_uptake_cents`) narrows only by what both share;
    /// `program_online_share` is itself a split by service channel.
    pub const fn narrows_by(self, dimension: Dimension) -> bool {
        match dimension {
            Dimension::Segment | Dimension::Region | Dimension::Language => true,
            Dimension::Channel => matches!(
                self,
                Kpi::Impressions
                    | Kpi::Clicks
                    | Kpi::Engagements
                    | Kpi::Shares
                    | Kpi::VideoCompletes
                    | Kpi::Visits
                    | Kpi::Ctr
                    | Kpi::Reach
                    | Kpi::SpendCents
            ),
            Dimension::ServiceChannel => matches!(
                self,
                Kpi::UptakeStarted
                    | Kpi::UptakeSubmitted
                    | Kpi::UptakeCompleted
                    | Kpi::ProgramUptakeCompleted
            ),
        }
    }
}

/// The codes joined for error messages.
pub(crate) fn codes_list() -> String {
    Kpi::ALL.map(Kpi::as_str).join(", ")
}

impl fmt::Display for Kpi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Kpi {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Kpi::parse(s)
    }
}

impl Serialize for Kpi {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Kpi {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Kpi::parse(&code).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips_and_is_unique() {
        for kpi in Kpi::ALL {
            assert_eq!(Kpi::parse(kpi.as_str()), Ok(kpi));
            assert_eq!(kpi.to_string(), kpi.as_str());
        }
        let mut codes: Vec<_> = Kpi::ALL.iter().map(|k| k.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 15);
    }

    #[test]
    fn unknown_codes_are_refused_naming_kpi() {
        for bad in [
            "",
            "CTR",
            "Reach",
            "spend",
            "uptake",
            " ctr",
            "cost_per_uptake",
        ] {
            let err = Kpi::parse(bad).expect_err(bad);
            assert_eq!(err.field(), "kpi");
            assert!(err.to_string().contains("unknown kpi"), "{err}");
        }
    }

    #[test]
    fn properties_table() {
        use Direction::*;
        // kpi, direction, ratio, client count
        let table = [
            (Kpi::Impressions, HigherIsBetter, false, false),
            (Kpi::Clicks, HigherIsBetter, false, false),
            (Kpi::Engagements, HigherIsBetter, false, false),
            (Kpi::Shares, HigherIsBetter, false, false),
            (Kpi::VideoCompletes, HigherIsBetter, false, false),
            (Kpi::Visits, HigherIsBetter, false, false),
            (Kpi::Ctr, HigherIsBetter, true, false),
            (Kpi::Reach, HigherIsBetter, false, true),
            (Kpi::SpendCents, Neither, false, false),
            (Kpi::UptakeStarted, HigherIsBetter, false, true),
            (Kpi::UptakeSubmitted, HigherIsBetter, false, true),
            (Kpi::UptakeCompleted, HigherIsBetter, false, true),
            (Kpi::CostPerUptakeCents, LowerIsBetter, true, false),
            (Kpi::ProgramUptakeCompleted, HigherIsBetter, false, true),
            (Kpi::ProgramOnlineShare, HigherIsBetter, true, false),
        ];
        assert_eq!(table.len(), Kpi::ALL.len());
        for (kpi, direction, ratio, client) in table {
            assert_eq!(kpi.direction(), direction, "{kpi}");
            assert_eq!(kpi.is_ratio(), ratio, "{kpi}");
            assert_eq!(kpi.is_client_count(), client, "{kpi}");
        }
    }

    #[test]
    fn narrowing_follows_the_events_that_carry_the_dimension() {
        let table = [
            (Kpi::Clicks, Dimension::Channel, true),
            (Kpi::Clicks, Dimension::ServiceChannel, false),
            (Kpi::UptakeCompleted, Dimension::Channel, false),
            (Kpi::UptakeCompleted, Dimension::ServiceChannel, true),
            (Kpi::CostPerUptakeCents, Dimension::Channel, false),
            (Kpi::CostPerUptakeCents, Dimension::ServiceChannel, false),
            (Kpi::ProgramOnlineShare, Dimension::ServiceChannel, false),
            (Kpi::Reach, Dimension::Region, true),
        ];
        for (kpi, dim, ok) in table {
            assert_eq!(kpi.narrows_by(dim), ok, "{kpi} by {dim:?}");
        }
        for kpi in Kpi::ALL {
            for dim in [Dimension::Segment, Dimension::Region, Dimension::Language] {
                assert!(kpi.narrows_by(dim));
            }
        }
    }

    #[test]
    fn serde_uses_the_code() {
        let json = serde_json::to_string(&Kpi::CostPerUptakeCents).expect("serialise");
        assert_eq!(json, "\"cost_per_uptake_cents\"");
        let back: Kpi = serde_json::from_str(&json).expect("deserialise");
        assert_eq!(back, Kpi::CostPerUptakeCents);
        let err = serde_json::from_str::<Kpi>("\"nope\"").expect_err("unknown");
        assert!(err.to_string().contains("unknown kpi `nope`"), "{err}");
    }
}
