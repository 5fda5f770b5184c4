//! A geographic experiment's registration (contract/API.md v1.1,
//! "Geographic experiments"): the `PUT` body checked field by field, so a
//! `400` names the field at fault (`treated[1]`, `pre_to`, …), and the
//! definition as it is stored and shown. What needs the ledger (do the
//! units exist, are there enough controls) is checked in
//! `experiments.rs`; everything here is pure.
//!
//! Where the contract is silent:
//! - Unit codes are case-insensitive and stored as the ledger stores them
//!   (upper-case); a `region` is a province or territory (`CA`, national,
//!   and `XX`, unknown, are no place to treat).
//! - `treated_from` (an addition) gives a treated unit its own start date,
//!   default `from`. Treated units starting on different dates (a
//!   staggered start) are refused: pooled into one before/after comparison
//!   they would be mis-estimated (`cmp_measure::Error::StaggeredStart`
//!   says why); register one experiment per start date instead. All
//!   starting on one later date moves the test's start there.
//! - `method` is `did`; `synthetic_control`, which the contract allows, is
//!   not available yet and is refused with a `400` saying so.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use cmp_model::Region;
use cmp_model::rules::{is_fsa_input, is_office_id_input, normalise_upper};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::params;

/// Most units one list may name (FSAs number about 1 600).
pub const MAX_UNITS: usize = 2_000;
/// Longest span from `pre_from` to `to`, in days (bounds the ledger read).
pub const MAX_SPAN_DAYS: i64 = 731;

/// What a unit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Region,
    Fsa,
    Office,
}

impl Unit {
    pub const ALL: [Unit; 3] = [Unit::Region, Unit::Fsa, Unit::Office];

    /// The contract's code (also the key of its label).
    pub const fn as_str(self) -> &'static str {
        match self {
            Unit::Region => "region",
            Unit::Fsa => "fsa",
            Unit::Office => "office",
        }
    }

    /// The ledger column (and breakdown dimension) holding the unit.
    pub const fn column(self) -> &'static str {
        match self {
            Unit::Region => "region",
            Unit::Fsa => "fsa",
            Unit::Office => "office_id",
        }
    }

    /// A unit code as given, normalised as the ledger stores it.
    pub fn code(self, given: &str) -> Option<String> {
        match self {
            Unit::Region => Region::parse_input(given)
                .filter(|r| *r != Region::Ca)
                .map(|r| r.as_str().to_owned()),
            Unit::Fsa => is_fsa_input(given).then(|| normalise_upper(given)),
            Unit::Office => is_office_id_input(given).then(|| normalise_upper(given)),
        }
    }

    fn rule(self) -> &'static str {
        match self {
            Unit::Region => "a province or territory code (AB BC MB NB NL NS NT NU ON PE QC SK YT)",
            Unit::Fsa => "a forward sortation area: letter, digit, letter (K2P)",
            Unit::Office => "an office_id: 1-16 characters of A-Z 0-9 -",
        }
    }
}

/// The KPI an experiment measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExperimentKpi {
    ProgramUptakeStarted,
    ProgramUptakeSubmitted,
    ProgramUptakeCompleted,
    ProgramOnlineShare,
}

impl ExperimentKpi {
    pub const ALL: [ExperimentKpi; 4] = [
        ExperimentKpi::ProgramUptakeStarted,
        ExperimentKpi::ProgramUptakeSubmitted,
        ExperimentKpi::ProgramUptakeCompleted,
        ExperimentKpi::ProgramOnlineShare,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            ExperimentKpi::ProgramUptakeStarted => "program_uptake_started",
            ExperimentKpi::ProgramUptakeSubmitted => "program_uptake_submitted",
            ExperimentKpi::ProgramUptakeCompleted => "program_uptake_completed",
            ExperimentKpi::ProgramOnlineShare => "program_online_share",
        }
    }

    fn parse(s: &str) -> Option<ExperimentKpi> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A registered experiment, as stored and shown (codes normalised).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Definition {
    pub unit: Unit,
    /// Treated units.
    #[schema(example = json!(["NS", "NB"]))]
    pub treated: Vec<String>,
    /// Control units as registered; empty: every other unit with data.
    #[schema(example = json!(["PE", "NL", "MB", "SK"]))]
    pub control: Vec<String>,
    pub kpi: ExperimentKpi,
    pub pre_from: NaiveDate,
    /// Inclusive; before `from`.
    pub pre_to: NaiveDate,
    /// The test period's first day (treated units' start, unless `treated_from`).
    pub from: NaiveDate,
    /// Inclusive.
    pub to: NaiveDate,
    /// `did` (difference in differences).
    #[schema(example = "did")]
    pub method: String,
    /// A treated unit's own start, when not `from`; all must be equal
    /// (staggered starts are refused).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub treated_from: BTreeMap<String, NaiveDate>,
}

impl Definition {
    /// The day the treated units start (all start on it).
    pub fn start(&self) -> NaiveDate {
        self.treated_from
            .values()
            .next()
            .copied()
            .unwrap_or(self.from)
    }
}

/// The body of `PUT .../experiments/{experiment_id}`, for the OpenAPI document.
#[derive(Debug, Clone, ToSchema)]
pub struct ExperimentBody {
    /// `region`, `fsa` or `office`.
    #[schema(example = "region")]
    pub unit: String,
    #[schema(example = json!(["NS", "NB"]))]
    pub treated: Vec<String>,
    /// Default: every other unit with data.
    #[schema(example = json!(["PE", "NL", "MB", "SK"]))]
    pub control: Option<Vec<String>>,
    /// `program_uptake_started`, `program_uptake_submitted`,
    /// `program_uptake_completed` or `program_online_share`.
    #[schema(example = "program_uptake_completed")]
    pub kpi: String,
    pub pre_from: NaiveDate,
    pub pre_to: NaiveDate,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// `did` (default).
    pub method: Option<String>,
    /// Per treated unit, its start date if not `from` (all equal: staggered
    /// starts are refused).
    pub treated_from: Option<BTreeMap<String, NaiveDate>>,
}

/// The definition a `PUT` body describes; a `400` names the first bad field.
pub fn parse_body(body: &[u8]) -> Result<Definition, ApiError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad("body", format!("is not valid JSON: {e}")))?;
    let Value::Object(mut fields) = value else {
        return Err(ApiError::bad("body", "must be a JSON object"));
    };
    let unit_text = string(&mut fields, "unit")?;
    let unit = Unit::ALL
        .into_iter()
        .find(|u| u.as_str() == unit_text)
        .ok_or_else(|| ApiError::bad("unit", "must be region, fsa or office"))?;
    let treated = units(unit, "treated", fields.remove("treated"), true)?;
    let control = units(unit, "control", fields.remove("control"), false)?;
    let treated_set: BTreeSet<&str> = treated.iter().map(String::as_str).collect();
    if let Some(i) = control
        .iter()
        .position(|c| treated_set.contains(c.as_str()))
    {
        return Err(ApiError::bad(
            format!("control[{i}]"),
            format!("`{}` is also treated", control[i]),
        ));
    }
    let kpi_text = string(&mut fields, "kpi")?;
    let kpi = ExperimentKpi::parse(&kpi_text).ok_or_else(|| {
        ApiError::bad(
            "kpi",
            "must be program_uptake_started, program_uptake_submitted, program_uptake_completed or program_online_share",
        )
    })?;
    let mut date = |name: &str| params::date(name, &string(&mut fields, name)?);
    let (pre_from, pre_to, from, to) = (
        date("pre_from")?,
        date("pre_to")?,
        date("from")?,
        date("to")?,
    );
    check_periods(pre_from, pre_to, from, to)?;
    let method = match fields.remove("method") {
        None | Some(Value::Null) => "did".to_owned(),
        Some(Value::String(m)) if m == "did" => m,
        Some(Value::String(m)) if m == "synthetic_control" => {
            return Err(ApiError::bad(
                "method",
                "synthetic_control is not available yet; use did",
            ));
        }
        Some(_) => return Err(ApiError::bad("method", "must be did")),
    };
    let treated_from = starts(fields.remove("treated_from"), unit, &treated, from, to)?;
    if let Some(extra) = fields.keys().next() {
        return Err(ApiError::bad(
            extra.clone(),
            "is not an experiment field (unit, treated, control, kpi, pre_from, pre_to, from, to, method, treated_from)",
        ));
    }
    Ok(Definition {
        unit,
        treated,
        control,
        kpi,
        pre_from,
        pre_to,
        from,
        to,
        method,
        treated_from,
    })
}

fn string(fields: &mut Map<String, Value>, name: &str) -> Result<String, ApiError> {
    match fields.remove(name) {
        Some(Value::String(s)) => Ok(s),
        None | Some(Value::Null) => Err(ApiError::bad(name, "is required")),
        Some(_) => Err(ApiError::bad(name, "must be a string")),
    }
}

/// A list of unit codes: each well-formed and named once.
fn units(
    unit: Unit,
    name: &str,
    value: Option<Value>,
    required: bool,
) -> Result<Vec<String>, ApiError> {
    let items = match value {
        Some(Value::Array(items)) => items,
        None | Some(Value::Null) if !required => return Ok(Vec::new()),
        None | Some(Value::Null) => return Err(ApiError::bad(name, "is required")),
        Some(_) => return Err(ApiError::bad(name, "must be an array of unit codes")),
    };
    if required && items.is_empty() {
        return Err(ApiError::bad(name, "must name at least one unit"));
    }
    if items.len() > MAX_UNITS {
        return Err(ApiError::bad(
            name,
            format!("names {} units; at most {MAX_UNITS}", items.len()),
        ));
    }
    let mut seen = BTreeSet::new();
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let at = format!("{name}[{i}]");
            let code = item
                .as_str()
                .and_then(|s| unit.code(s))
                .ok_or_else(|| ApiError::bad(&at, format!("must be {}", unit.rule())))?;
            if !seen.insert(code.clone()) {
                return Err(ApiError::bad(&at, format!("`{code}` is listed twice")));
            }
            Ok(code)
        })
        .collect()
}

/// Pre-period of at least two days, then the test, in order, not too long.
fn check_periods(
    pre_from: NaiveDate,
    pre_to: NaiveDate,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(), ApiError> {
    if pre_to <= pre_from {
        return Err(ApiError::bad(
            "pre_to",
            format!("{pre_to} must be after pre_from {pre_from} (a pre-period of at least 2 days)"),
        ));
    }
    if from <= pre_to {
        return Err(ApiError::bad(
            "from",
            format!("{from} must be after pre_to {pre_to}: the pre-period comes before the test"),
        ));
    }
    if to < from {
        return Err(ApiError::bad("to", format!("{to} is before from {from}")));
    }
    if (to - pre_from).num_days() >= MAX_SPAN_DAYS {
        return Err(ApiError::bad(
            "pre_from",
            format!("pre_from to to spans more than {MAX_SPAN_DAYS} days"),
        ));
    }
    Ok(())
}

/// `treated_from`: an object of treated units' start dates within the
/// test, all equal (a staggered start is refused, naming the starts).
fn starts(
    value: Option<Value>,
    unit: Unit,
    treated: &[String],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<BTreeMap<String, NaiveDate>, ApiError> {
    let fields = match value {
        None | Some(Value::Null) => return Ok(BTreeMap::new()),
        Some(Value::Object(fields)) => fields,
        Some(_) => {
            return Err(ApiError::bad(
                "treated_from",
                "must be an object of treated unit codes and dates",
            ));
        }
    };
    let mut starts = BTreeMap::new();
    for (given, date) in fields {
        let at = format!("treated_from.{given}");
        let code = unit
            .code(&given)
            .filter(|c| treated.contains(c))
            .ok_or_else(|| ApiError::bad(&at, "is not a treated unit"))?;
        let date = match date {
            Value::String(s) => params::date(&at, &s)?,
            _ => return Err(ApiError::bad(&at, "must be a date (YYYY-MM-DD)")),
        };
        if !(from..=to).contains(&date) {
            return Err(ApiError::bad(
                &at,
                format!("{date} is outside the test period {from}..{to}"),
            ));
        }
        starts.insert(code, date);
    }
    if starts.is_empty() {
        return Ok(starts);
    }
    // Units not named start on `from`.
    let all: Vec<(String, NaiveDate)> = treated
        .iter()
        .map(|t| (t.clone(), starts.get(t).copied().unwrap_or(from)))
        .collect();
    if all.iter().any(|(_, d)| *d != all[0].1) {
        let listed: Vec<String> = all.iter().map(|(u, d)| format!("{u}@{d}")).collect();
        let refusal = cmp_measure::Error::StaggeredStart {
            starts: listed.join(", "),
        };
        return Err(ApiError::bad("treated_from", refusal.to_string()));
    }
    Ok(all.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"unit": "region", "treated": ["NS", "NB"], "control": ["PE", "NL", "MB", "SK"],
 "kpi": "program_uptake_completed", "pre_from": "2026-08-01", "pre_to": "2026-09-30",
 "from": "2026-10-01", "to": "2026-11-30"}"#;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn the_contract_example_parses() {
        let def = parse_body(GOOD.as_bytes()).expect("valid");
        assert_eq!(def.unit, Unit::Region);
        assert_eq!(def.treated, ["NS", "NB"]);
        assert_eq!(def.control, ["PE", "NL", "MB", "SK"]);
        assert_eq!(def.kpi, ExperimentKpi::ProgramUptakeCompleted);
        assert_eq!(
            (def.pre_to, def.start()),
            (d("2026-09-30"), d("2026-10-01"))
        );
        assert_eq!(def.method, "did");
        // Stored and read back unchanged.
        let json = serde_json::to_string(&def).expect("json");
        assert_eq!(serde_json::from_str::<Definition>(&json).ok(), Some(def));
        // Codes in any case; control optional; FSAs and offices.
        let fsa = r#"{"unit": "fsa", "treated": ["k2p", "K1a"], "kpi": "program_online_share",
 "pre_from": "2026-08-01", "pre_to": "2026-08-02", "from": "2026-08-03", "to": "2026-08-03"}"#;
        let def = parse_body(fsa.as_bytes()).expect("valid");
        assert_eq!(
            (def.treated, def.control.len()),
            (vec!["K2P".to_owned(), "K1A".to_owned()], 0)
        );
        let office = GOOD
            .replace(r#""region""#, r#""office""#)
            .replace(r#"["NS", "NB"]"#, r#"["on-0412"]"#);
        assert_eq!(
            parse_body(office.as_bytes()).expect("valid").treated,
            ["ON-0412"]
        );
    }

    #[test]
    fn every_bad_field_is_named() {
        #[rustfmt::skip]
        let table: &[(&str, &str, &str)] = &[
            (r#""unit": "region""#, r#""unit": "province""#, "unit"),
            (r#""unit": "region""#, r#""unit": 1"#, "unit"),
            (r#"["NS", "NB"]"#, "[]", "treated"),
            (r#"["NS", "NB"]"#, r#""NS""#, "treated"),
            (r#"["NS", "NB"]"#, r#"["NS", "ZZ"]"#, "treated[1]"),
            (r#"["NS", "NB"]"#, r#"["NS", "CA"]"#, "treated[1]"),
            (r#"["NS", "NB"]"#, r#"["NS", "ns"]"#, "treated[1]"),
            (r#"["PE", "NL", "MB", "SK"]"#, r#"["PE", "NB"]"#, "control[1]"),
            (r#"["PE", "NL", "MB", "SK"]"#, r#"["PE", 3]"#, "control[1]"),
            (r#""program_uptake_completed""#, r#""uptake_completed""#, "kpi"),
            (r#""pre_from": "2026-08-01""#, r#""pre_from": "2026-08-32""#, "pre_from"),
            (r#""pre_to": "2026-09-30""#, r#""pre_to": "2026-08-01""#, "pre_to"),
            (r#""from": "2026-10-01""#, r#""from": "2026-09-30""#, "from"),
            (r#""to": "2026-11-30""#, r#""to": "2026-09-30""#, "to"),
            (r#""pre_from": "2026-08-01""#, r#""pre_from": "2024-08-01""#, "pre_from"),
            (r#""to": "2026-11-30""#, r#""to": "2026-11-30", "method": "synthetic_control""#, "method"),
            (r#""to": "2026-11-30""#, r#""to": "2026-11-30", "method": "bayes""#, "method"),
            (r#""to": "2026-11-30""#, r#""to": "2026-11-30", "treated_from": {"PE": "2026-10-01"}"#, "treated_from.PE"),
            (r#""to": "2026-11-30""#, r#""to": "2026-11-30", "treated_from": {"NS": "2026-12-01"}"#, "treated_from.NS"),
            (r#""to": "2026-11-30""#, r#""to": "2026-11-30", "treated_from": {"NS": "2026-10-15"}"#, "treated_from"),
            (r#""to": "2026-11-30""#, r#""to": "2026-11-30", "colour": "red""#, "colour"),
        ];
        for bad in ["{", "[]", "3"] {
            assert!(
                matches!(parse_body(bad.as_bytes()), Err(ApiError::BadRequest { parameter, .. }) if parameter == "body"),
                "{bad}"
            );
        }
        for (from, to, field) in table {
            let body = GOOD.replacen(from, to, 1);
            assert_ne!(body, GOOD, "{from} not in the example");
            match parse_body(body.as_bytes()) {
                Err(ApiError::BadRequest { parameter, .. }) => {
                    assert_eq!(parameter, *field, "{body}")
                }
                other => panic!("{body}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_staggered_start_is_refused_naming_the_starts_and_a_common_one_moves_the_test() {
        let staggered = GOOD.replace(
            r#""to": "2026-11-30""#,
            r#""to": "2026-11-30", "treated_from": {"nb": "2026-10-15"}"#,
        );
        let Err(ApiError::BadRequest { parameter, message }) = parse_body(staggered.as_bytes())
        else {
            panic!("accepted")
        };
        assert_eq!(parameter, "treated_from");
        assert!(
            message.contains("staggered starts are not supported")
                && message.contains("NS@2026-10-01, NB@2026-10-15"),
            "{message}"
        );
        let later = GOOD.replace(
            r#""to": "2026-11-30""#,
            r#""to": "2026-11-30", "treated_from": {"NB": "2026-10-15", "NS": "2026-10-15"}"#,
        );
        assert_eq!(
            parse_body(later.as_bytes()).expect("one start").start(),
            d("2026-10-15")
        );
    }
}
