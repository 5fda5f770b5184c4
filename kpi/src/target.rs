//! A target a campaign committed to, as the contract's target set carries
//! it, and the rules a target must meet before it is stored.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::dimension::Dimension;
use crate::error::Error;
use crate::kpi::Kpi;
use crate::period::DateRange;

/// One target: a KPI value to reach over a period, possibly for a narrower
/// slice of the campaign. Field names are the contract's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub kpi: Kpi,
    /// The value to reach (or, for lower-is-better KPIs, not to exceed).
    pub target: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_channel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// First day of the target's own period; default the flight's start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<NaiveDate>,
    /// Last day (inclusive); default the flight's end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<NaiveDate>,
}

impl Target {
    /// A target on the whole campaign over its flight.
    pub fn new(kpi: Kpi, target: f64) -> Target {
        Target {
            kpi,
            target,
            segment: None,
            channel: None,
            service_channel: None,
            region: None,
            language: None,
            from: None,
            to: None,
        }
    }

    /// The narrowing value for a dimension, if the target narrows by it.
    pub fn narrowing(&self, dimension: Dimension) -> Option<&str> {
        match dimension {
            Dimension::Segment => self.segment.as_deref(),
            Dimension::Channel => self.channel.as_deref(),
            Dimension::ServiceChannel => self.service_channel.as_deref(),
            Dimension::Region => self.region.as_deref(),
            Dimension::Language => self.language.as_deref(),
        }
    }

    /// The period the target is judged over: its own `from`/`to`, each
    /// defaulting to the campaign's flight.
    pub fn period(&self, flight: DateRange) -> DateRange {
        DateRange {
            from: self.from.unwrap_or(flight.from),
            to: self.to.unwrap_or(flight.to),
        }
    }

    /// Checks the rules; the error names the first bad field:
    /// - `target`: finite and > 0; at most 1 for `ctr` and
    ///   `program_online_share` (shares of a whole). A target of 0 is
    ///   refused: nothing could be "off track" against it and
    ///   lower-is-better attainment would divide by it.
    /// - `segment` `channel` `service_channel` `region` `language`: values
    ///   in their contract vocabulary, in stored form
    ///   (`Dimension::check_value`), and only dimensions the KPI's events
    ///   carry (`Kpi::narrows_by`: no `channel` on an uptake KPI, no
    ///   `service_channel` on an engagement KPI), since such a target could
    ///   only ever read 0.
    /// - `from` ≤ `to` when both are given. (Whether the period lies
    ///   within the flight is the caller's check: it knows the flight.)
    ///
    /// An unknown `kpi` or field is refused earlier, by deserialisation.
    pub fn validate(&self) -> Result<(), Error> {
        if !self.target.is_finite() || self.target <= 0.0 {
            return Err(Error::invalid("target", "must be a number greater than 0"));
        }
        if self.kpi.is_fraction() && self.target > 1.0 {
            return Err(Error::invalid(
                "target",
                format!("must be at most 1 for {} (a ratio, e.g. 0.65)", self.kpi),
            ));
        }
        for dimension in Dimension::ALL {
            let Some(value) = self.narrowing(dimension) else {
                continue;
            };
            if !self.kpi.narrows_by(dimension) {
                return Err(Error::invalid(
                    dimension.as_str(),
                    format!(
                        "cannot narrow a {} target: its events carry no {dimension}",
                        self.kpi
                    ),
                ));
            }
            dimension.check_value(value)?;
        }
        if let (Some(from), Some(to)) = (self.from, self.to)
            && from > to
        {
            return Err(Error::invalid("from", format!("{from} is after `to` {to}")));
        }
        Ok(())
    }

    /// Whether two targets judge the same thing: same KPI, same narrowing,
    /// same period fields. The value does not matter.
    pub fn same_scope(&self, other: &Target) -> bool {
        self.kpi == other.kpi
            && Dimension::ALL
                .iter()
                .all(|&d| self.narrowing(d) == other.narrowing(d))
            && self.from == other.from
            && self.to == other.to
    }
}

/// Parses and validates a whole target set (the body of
/// `PUT …/targets`): a JSON array of targets. Errors name the position and
/// field (`[2].region`). Two targets with the same scope are refused (the
/// second names `[i].kpi`): which one would the report show?
pub fn parse_target_set(json: &str) -> Result<Vec<Target>, Error> {
    let targets: Vec<Target> = serde_json::from_str(json)
        .map_err(|e| Error::invalid("targets", format!("is not a valid target list: {e}")))?;
    for (i, target) in targets.iter().enumerate() {
        target.validate().map_err(|e| match e {
            Error::Invalid { field, reason } => Error::invalid(format!("[{i}].{field}"), reason),
            other => other,
        })?;
        if let Some(first) = targets[..i].iter().position(|t| t.same_scope(target)) {
            return Err(Error::invalid(
                format!("[{i}].kpi"),
                format!("repeats the target at [{first}] (same kpi, narrowing and period)"),
            ));
        }
    }
    Ok(targets)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(json: &str) -> Target {
        serde_json::from_str(json).expect(json)
    }

    #[test]
    fn contract_example_parses_and_validates() {
        let body = r#"[{"kpi": "uptake_completed", "target": 12000},
 {"kpi": "uptake_completed", "target": 3000, "segment": "seniors"},
 {"kpi": "program_online_share", "target": 0.65},
 {"kpi": "cost_per_uptake_cents", "target": 2500},
 {"kpi": "reach", "target": 400000, "region": "QC",
  "from": "2026-10-01", "to": "2026-12-31"}]"#;
        let set = parse_target_set(body).expect("contract example");
        assert_eq!(set.len(), 5);
        assert_eq!(set[4].region.as_deref(), Some("QC"));
        assert_eq!(set[4].from, Some("2026-10-01".parse().expect("date")));
        // Serialisation omits absent fields and round-trips.
        let json = serde_json::to_string(&set[0]).expect("json");
        assert_eq!(json, r#"{"kpi":"uptake_completed","target":12000.0}"#);
        assert_eq!(target(&json), set[0]);
    }

    #[test]
    fn validation_table() {
        // (json, Ok or the field named)
        #[rustfmt::skip]
        let table: [(&str, Option<&str>); 24] = [
            (r#"{"kpi":"clicks","target":1}"#, None),
            (r#"{"kpi":"ctr","target":1}"#, None),
            (r#"{"kpi":"ctr","target":0.02,"channel":"search"}"#, None),
            (r#"{"kpi":"uptake_started","target":5,"service_channel":"online","language":"fr"}"#, None),
            (r#"{"kpi":"reach","target":9,"region":"CA","segment":"new-parents"}"#, None),
            (r#"{"kpi":"spend_cents","target":100,"from":"2026-10-01","to":"2026-10-01"}"#, None),
            (r#"{"kpi":"spend_cents","target":100,"to":"2026-10-01"}"#, None),
            (r#"{"kpi":"clicks","target":0}"#, Some("target")),
            (r#"{"kpi":"clicks","target":-5}"#, Some("target")),
            (r#"{"kpi":"ctr","target":1.5}"#, Some("target")),
            (r#"{"kpi":"program_online_share","target":65}"#, Some("target")),
            (r#"{"kpi":"clicks","target":1,"channel":"billboard"}"#, Some("channel")),
            (r#"{"kpi":"clicks","target":1,"channel":"Web"}"#, Some("channel")),
            (r#"{"kpi":"uptake_completed","target":1,"service_channel":"fax"}"#, Some("service_channel")),
            (r#"{"kpi":"clicks","target":1,"region":"qc"}"#, Some("region")),
            (r#"{"kpi":"clicks","target":1,"region":"PQ"}"#, Some("region")),
            (r#"{"kpi":"clicks","target":1,"language":"und"}"#, Some("language")),
            (r#"{"kpi":"clicks","target":1,"segment":"Seniors"}"#, Some("segment")),
            (r#"{"kpi":"clicks","target":1,"segment":""}"#, Some("segment")),
            (r#"{"kpi":"uptake_completed","target":1,"channel":"tv"}"#, Some("channel")),
            (r#"{"kpi":"clicks","target":1,"service_channel":"online"}"#, Some("service_channel")),
            (r#"{"kpi":"cost_per_uptake_cents","target":1,"channel":"tv"}"#, Some("channel")),
            (r#"{"kpi":"program_online_share","target":0.5,"service_channel":"online"}"#, Some("service_channel")),
            (r#"{"kpi":"clicks","target":1,"from":"2026-10-02","to":"2026-10-01"}"#, Some("from")),
        ];
        for (json, bad) in table {
            let got = target(json).validate();
            match bad {
                None => assert_eq!(got, Ok(()), "{json}"),
                Some(field) => assert_eq!(got.expect_err(json).field(), field, "{json}"),
            }
        }
    }

    #[test]
    fn non_finite_targets_are_refused() {
        for value in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 0.0, -0.0] {
            let t = Target::new(Kpi::Clicks, value);
            assert_eq!(
                t.validate().expect_err("refused").field(),
                "target",
                "{value}"
            );
        }
    }

    #[test]
    fn deserialisation_refuses_unknown_kpi_and_fields() {
        #[rustfmt::skip]
        let table = [
            (r#"{"kpi":"conversions","target":1}"#, "unknown kpi `conversions`"),
            (r#"{"kpi":"clicks","target":1,"program":"oas"}"#, "unknown field `program`"),
            (r#"{"target":1}"#, "missing field `kpi`"),
            (r#"{"kpi":"clicks"}"#, "missing field `target`"),
            (r#"{"kpi":"clicks","target":"10"}"#, "invalid type"),
            (r#"{"kpi":"clicks","target":1,"from":"2026-13-01"}"#, "input is out of range"),
        ];
        for (json, message) in table {
            let err = serde_json::from_str::<Target>(json).expect_err(json);
            assert!(err.to_string().contains(message), "{json}: {err}");
        }
    }

    #[test]
    fn target_set_errors_name_position_and_field() {
        #[rustfmt::skip]
        let table = [
            (r#"[{"kpi":"clicks","target":1},{"kpi":"clicks","target":1,"region":"ZZ"}]"#, "[1].region"),
            (r#"[{"kpi":"clicks","target":1},{"kpi":"clicks","target":2}]"#, "[1].kpi"),
            (r#"[{"kpi":"nope","target":1}]"#, "targets"),
            (r#"{"kpi":"clicks","target":1}"#, "targets"),
        ];
        for (json, field) in table {
            assert_eq!(
                parse_target_set(json).expect_err(json).field(),
                field,
                "{json}"
            );
        }
        // Same KPI, different scope: fine.
        let ok = r#"[{"kpi":"clicks","target":1},{"kpi":"clicks","target":1,"region":"ON"},
                     {"kpi":"clicks","target":1,"to":"2026-12-31"}]"#;
        assert_eq!(parse_target_set(ok).map(|s| s.len()), Ok(3));
        assert_eq!(parse_target_set("[]"), Ok(vec![]));
    }

    #[test]
    fn period_defaults_to_the_flight() {
        let d = |s: &str| s.parse::<NaiveDate>().expect("date");
        let flight = DateRange {
            from: d("2026-10-01"),
            to: d("2027-03-31"),
        };
        let mut t = Target::new(Kpi::Reach, 10.0);
        assert_eq!(t.period(flight), flight);
        t.to = Some(d("2026-12-31"));
        assert_eq!(
            t.period(flight),
            DateRange {
                from: d("2026-10-01"),
                to: d("2026-12-31")
            }
        );
    }
}
