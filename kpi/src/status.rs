//! The six result statuses of a target and their Government of Canada
//! wording in both languages, plus the "riskiest first" order of the ADM's
//! portfolio.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::error::Error;
use crate::labels::{Lang, STATUSES};

/// Where a target stands (contract/API.md, "Performance of one campaign").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// The target's period has not begun.
    NotStarted,
    /// Running, pace ≥ the on-track threshold (0.90).
    OnTrack,
    /// Running, at-risk threshold (0.75) ≤ pace < on-track threshold.
    AtRisk,
    /// Running, pace < the at-risk threshold, or no actual to judge by.
    OffTrack,
    /// Period over, attainment ≥ 1.
    Met,
    /// Period over, attainment < 1 (or no actual).
    NotMet,
}

impl Status {
    /// Every status, in declaration order (the order of the label table).
    pub const ALL: [Status; 6] = [
        Status::NotStarted,
        Status::OnTrack,
        Status::AtRisk,
        Status::OffTrack,
        Status::Met,
        Status::NotMet,
    ];

    /// The contract code (`status`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Status::NotStarted => "not_started",
            Status::OnTrack => "on_track",
            Status::AtRisk => "at_risk",
            Status::OffTrack => "off_track",
            Status::Met => "met",
            Status::NotMet => "not_met",
        }
    }

    /// The status with this exact code; the error names `status`.
    pub fn parse(code: &str) -> Result<Status, Error> {
        Status::ALL
            .into_iter()
            .find(|s| s.as_str() == code)
            .ok_or_else(|| {
                Error::invalid(
                    "status",
                    format!("has unknown value `{code}`; expected not_started, on_track, at_risk, off_track, met or not_met"),
                )
            })
    }

    /// The contract's `status_label`, exactly.
    pub fn label(self, lang: Lang) -> &'static str {
        let (_, en, fr) = STATUSES[self as usize];
        match lang {
            Lang::En => en,
            Lang::Fr => fr,
        }
    }

    /// Position in "riskiest first" order, 0 first: `off_track` (still
    /// running and needing action now), `not_met` (over and missed: needs
    /// an explanation, no longer a decision), `at_risk`, `on_track`,
    /// `not_started` (nothing to judge yet), `met` (nothing to do).
    pub const fn risk_rank(self) -> u8 {
        match self {
            Status::OffTrack => 0,
            Status::NotMet => 1,
            Status::AtRisk => 2,
            Status::OnTrack => 3,
            Status::NotStarted => 4,
            Status::Met => 5,
        }
    }

    /// Whether the target's period is running (the pace-based statuses).
    pub const fn is_running(self) -> bool {
        matches!(self, Status::OnTrack | Status::AtRisk | Status::OffTrack)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Status {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_the_contracts() {
        #[rustfmt::skip]
        let table = [
            (Status::NotStarted, "not_started", "Result to be achieved in the future", "Résultat à atteindre dans le futur"),
            (Status::OnTrack, "on_track", "On track", "En bonne voie"),
            (Status::AtRisk, "at_risk", "At risk", "À risque"),
            (Status::OffTrack, "off_track", "Off track", "Hors trajectoire"),
            (Status::Met, "met", "Target met", "Cible atteinte"),
            (Status::NotMet, "not_met", "Target not met", "Cible non atteinte"),
        ];
        assert_eq!(table.len(), Status::ALL.len());
        for (status, code, en, fr) in table {
            assert_eq!(status.as_str(), code);
            assert_eq!(Status::parse(code), Ok(status));
            assert_eq!(status.label(Lang::En), en);
            assert_eq!(status.label(Lang::Fr), fr);
        }
    }

    #[test]
    fn label_table_follows_declaration_order() {
        for (i, status) in Status::ALL.into_iter().enumerate() {
            assert_eq!(status as usize, i);
            assert_eq!(STATUSES[i].0, status.as_str());
        }
    }

    #[test]
    fn riskiest_first() {
        let mut all = Status::ALL;
        all.sort_by_key(|s| s.risk_rank());
        assert_eq!(
            all,
            [
                Status::OffTrack,
                Status::NotMet,
                Status::AtRisk,
                Status::OnTrack,
                Status::NotStarted,
                Status::Met
            ]
        );
    }

    #[test]
    fn unknown_status_names_the_field() {
        assert_eq!(
            Status::parse("OnTrack").expect_err("unknown").field(),
            "status"
        );
        assert_eq!(
            serde_json::to_string(&Status::AtRisk).expect("json"),
            "\"at_risk\""
        );
    }
}
