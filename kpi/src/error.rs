//! The crate's one error type. Every variant names what was wrong in terms
//! a caller can pass on to a person: the parameter or field, the rule it
//! broke, never an internal name. The API maps each to a `400` naming the
//! parameter (`field()`).

use thiserror::Error;

/// Why an input to this crate was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Error {
    /// A KPI code outside the contract's fixed list.
    #[error("unknown kpi `{0}`; expected one of {list}", list = crate::kpi::codes_list())]
    UnknownKpi(String),
    /// A `lang` other than `en` or `fr`.
    #[error("unknown language `{0}`; expected en or fr")]
    UnknownLang(String),
    /// A `granularity` other than `hour`, `day` or `week`.
    #[error("unknown granularity `{0}`; expected hour, day or week")]
    UnknownGranularity(String),
    /// A fiscal-year name that is not `YYYY-YY` (consecutive years) or `YYYY`.
    #[error("fiscal year `{input}` {reason}")]
    FiscalYear {
        /// What the caller sent, echoed so they can see it.
        input: String,
        /// The rule it broke.
        reason: &'static str,
    },
    /// A field of a structured input (a target, thresholds, a date range)
    /// that breaks its rule. `field` is the JSON name, prefixed by the
    /// item's position (`[2].region`) inside a list.
    #[error("`{field}` {reason}")]
    Invalid {
        /// The JSON field name, or path inside a list.
        field: String,
        /// The rule it broke, phrased to follow the field name.
        reason: String,
    },
}

impl Error {
    /// The parameter or field the error is about, for the `400` response.
    pub fn field(&self) -> &str {
        match self {
            Self::UnknownKpi(_) => "kpi",
            Self::UnknownLang(_) => "lang",
            Self::UnknownGranularity(_) => "granularity",
            Self::FiscalYear { .. } => "fiscal_year",
            Self::Invalid { field, .. } => field,
        }
    }

    pub(crate) fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }
}
