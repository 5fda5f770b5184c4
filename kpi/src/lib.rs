//! The KPI and target engine of contract/API.md as pure functions: the
//! fifteen KPIs and how they derive from a rollup's sums, federal fiscal
//! years and reporting-time-zone buckets, targets and their validation,
//! evaluation against a target (attainment, pace, projection, status),
//! small-cell suppression, random rounding (published daily atoms), channel
//! shift and unit costs of service, budget pacing and anomalies (v1.1), and
//! the bilingual labels of contract/LABELS.md.
//! No I/O and no clock: "today" and "now" are always parameters, so every
//! rule is a table-driven test away.

mod anomaly;
mod atoms;
mod costs;
mod dimension;
mod error;
mod evaluate;
mod kpi;
mod labels;
mod measures;
mod pacing;
pub mod period;
mod round;
mod shift;
mod status;
mod suppress;
mod target;

pub use anomaly::{Band, Flag, Model, Series, WEEKS as ANOMALY_WEEKS, detect as detect_anomalies};
pub use costs::{MAX_COSTS, ServiceCost, costs_of_year, parse_costs};
pub use dimension::Dimension;
pub use error::Error;
pub use evaluate::{Evaluation, Thresholds, evaluate};
pub use kpi::{Direction, Kpi};
pub use labels::{LabelKind, Lang, codes, label, label_or_code};
pub use measures::{Measures, Reach};
pub use pacing::{Flight, MAX_WEEKS, ON_PACE, Pacing, PlanWeek, days_off_pace, pacing, parse_plan};
pub use period::{
    DateRange, FiscalQuarter, FiscalYear, Granularity, Quarter, bucket_start, local_date,
    local_day_bounds_utc, next_bucket_start, quarter_of,
};
pub use round::{CellKey, DEFAULT_BASE, Disclosure};
pub use shift::{ChannelFigures, MixFigures, ShiftPeriods, Stages, mix, savings};
pub use status::Status;
pub use suppress::{Cell, DEFAULT_K, is_small, suppress};
pub use target::{Target, parse_target_set};
