//! What was registered, checked against the data: the units' series, the
//! treated units and their start, the controls (every other unit when
//! none are named), the pre-period and the planned test. Every refusal an
//! experiment can meet before any statistics is here; staggered starts
//! are among them (`experiment.rs` says why).

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use crate::error::Error;
use crate::panel::{KpiKind, Series};

/// One unit's KPI, one value per period (day or week), from period 0.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitSeries {
    pub unit: String,
    pub values: Vec<f64>,
}

/// A treated unit and the period its treatment starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreatedUnit {
    pub unit: String,
    pub start: usize,
}

/// What was registered, in periods.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    pub treated: Vec<TreatedUnit>,
    /// Empty: every unit with data that is not treated (the contract's default).
    pub control: Vec<String>,
    pub pre: Range<usize>,
    /// The planned test runs from the treated units' start to here
    /// (exclusive); data may stop earlier while it runs.
    pub test_end: usize,
    pub kind: KpiKind,
    /// The campaign's spend in the treated units over the test period.
    pub spend_cents: Option<u64>,
}

/// The design, checked against the data.
pub(crate) struct Checked<'a> {
    pub treated: Vec<Series<'a>>,
    pub control: Vec<Series<'a>>,
    pub start: usize,
    /// Where the data stop, within the planned test.
    pub observed_end: usize,
}

/// The design's units and periods, or why they do not fit the data.
pub(crate) fn check<'a>(units: &'a [UnitSeries], design: &'a Design) -> Result<Checked<'a>, Error> {
    let first = design.treated.first().ok_or(Error::NoTreated)?;
    if design.treated.iter().any(|t| t.start != first.start) {
        let starts: Vec<String> = design
            .treated
            .iter()
            .map(|t| format!("{}@{}", t.unit, t.start))
            .collect();
        return Err(Error::StaggeredStart {
            starts: starts.join(", "),
        });
    }
    let start = first.start;
    if design.pre.len() < 2 {
        return Err(Error::Periods("the pre-period needs at least 2 periods"));
    }
    if design.pre.end > start {
        return Err(Error::Periods(
            "the pre-period must end before the test starts",
        ));
    }
    if design.test_end <= start {
        return Err(Error::Periods("the test period is empty"));
    }
    let by_name: BTreeMap<&str, &[f64]> = units
        .iter()
        .map(|u| (u.unit.as_str(), u.values.as_slice()))
        .collect();
    let mut seen = BTreeSet::new();
    let mut pick = |name: &'a str| -> Result<Series<'a>, Error> {
        if !seen.insert(name) {
            return Err(Error::DuplicateUnit(name.to_owned()));
        }
        let values = by_name
            .get(name)
            .ok_or_else(|| Error::UnknownUnit(name.to_owned()))?;
        Ok(Series { name, values })
    };
    let treated = design
        .treated
        .iter()
        .map(|t| pick(t.unit.as_str()))
        .collect::<Result<Vec<_>, _>>()?;
    let control = if design.control.is_empty() {
        let treated_names: BTreeSet<&str> = treated.iter().map(|s| s.name).collect();
        units
            .iter()
            .filter(|u| !treated_names.contains(u.unit.as_str()))
            .map(|u| pick(u.unit.as_str()))
            .collect::<Result<Vec<_>, _>>()?
    } else {
        let treated_names: BTreeSet<&str> = treated.iter().map(|s| s.name).collect();
        design
            .control
            .iter()
            .map(|c| {
                if treated_names.contains(c.as_str()) {
                    return Err(Error::TreatedAndControl(c.clone()));
                }
                pick(c.as_str())
            })
            .collect::<Result<Vec<_>, _>>()?
    };
    if control.len() < 2 {
        return Err(Error::TooFewControls {
            controls: control.len(),
            needed: 2,
        });
    }
    let available = treated
        .iter()
        .chain(&control)
        .map(|s| s.values.len())
        .min()
        .unwrap_or(0);
    let observed_end = available.min(design.test_end);
    for s in treated.iter().chain(&control) {
        if s.values.len() < design.pre.end {
            return Err(Error::SeriesLength {
                unit: s.name.to_owned(),
                len: s.values.len(),
                needed: design.pre.end,
            });
        }
        if let Some(period) = s.values[..observed_end.max(design.pre.end)]
            .iter()
            .position(|v| !(v.is_finite() && *v >= 0.0))
        {
            return Err(Error::InvalidValue {
                unit: s.name.to_owned(),
                period,
            });
        }
    }
    Ok(Checked {
        treated,
        control,
        start,
        observed_end,
    })
}
