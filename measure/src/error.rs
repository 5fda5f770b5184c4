//! The crate's one error type. Each variant says what was wrong with the
//! numbers or the design a caller passed, in words a person can act on;
//! the API maps them to a `400` (a bad registration or parameter) or, for
//! data that cannot support the method, to the result's explanation.

use thiserror::Error;

/// Why a message test or an experiment could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Error {
    /// A message test with no variant at all.
    #[error("no variant has data")]
    NoVariants,
    /// The same variant twice in one stratum.
    #[error("variant `{0}` is listed twice")]
    DuplicateVariant(String),
    /// A `control` that is not one of the variants.
    #[error("control `{0}` is not one of the variants")]
    UnknownControl(String),
    /// A planned split that leaves a variant out.
    #[error("the planned split has no share for variant `{0}`")]
    SplitMissing(String),
    /// A planned share that is zero, negative or not a number.
    #[error("the planned share of variant `{0}` must be a positive number")]
    SplitShare(String),
    /// A unit named in the design that has no series.
    #[error("unit `{0}` has no data")]
    UnknownUnit(String),
    /// A unit listed twice in the design.
    #[error("unit `{0}` is listed twice")]
    DuplicateUnit(String),
    /// A unit both treated and control.
    #[error("unit `{0}` is both treated and control")]
    TreatedAndControl(String),
    /// A design without a treated unit.
    #[error("no treated unit")]
    NoTreated,
    /// Too few control units to compare with (and to tell the units'
    /// own noise from what they share).
    #[error("{controls} control units; an experiment needs at least {needed}")]
    TooFewControls { controls: usize, needed: usize },
    /// Treated units starting on different periods. Pooling them into one
    /// before/after comparison would compare early-treated units with
    /// already-treated ones and mis-estimate the effect, so the design is
    /// refused rather than guessed at.
    #[error(
        "treated units start on different periods ({starts}); staggered starts are not supported: register one experiment per start date"
    )]
    StaggeredStart {
        /// `unit@period` for each treated unit, as passed.
        starts: String,
    },
    /// Pre and test periods that are empty, overlap, or run past the data.
    #[error("periods: {0}")]
    Periods(&'static str),
    /// A unit's series shorter than the periods asked.
    #[error("unit `{unit}` has {len} periods of data, {needed} are needed")]
    SeriesLength {
        unit: String,
        len: usize,
        needed: usize,
    },
    /// A negative or non-finite KPI value.
    #[error("unit `{unit}` has an invalid value in period {period}")]
    InvalidValue { unit: String, period: usize },
    /// A unit whose KPI is zero over a whole period, so its relative change
    /// is undefined (only for share KPIs; counts are smoothed by ½).
    #[error("unit `{0}` has a zero KPI over the pre or test period")]
    ZeroUnit(String),
    /// A tuning parameter out of its range.
    #[error("parameter `{name}` {reason}")]
    Parameter {
        name: &'static str,
        reason: &'static str,
    },
}
