//! The statistics of contract/API.md v1.1 "Message tests" and "Geographic
//! experiments", as pure functions over counts: no I/O, no clock, no
//! database. The routes count (exposed clients, completions, a KPI per
//! unit and period, spend) and this crate says what the counts show.
//!
//! - Message tests (`variants.rs`): conversion and relative lift per
//!   variant against control, an always-valid 95 % confidence sequence
//!   (Waudby-Smith et al.'s asymptotic confidence sequence, the
//!   normal-mixture boundary; `sequence.rs` says why and how it is tuned),
//!   the sample-ratio-mismatch χ² check (`srm.rs`), per language stratum
//!   and combined, and a decision in the contract's words.
//! - Geographic experiments (`experiment.rs`): difference in differences
//!   of each unit's log KPI between the pre and test periods (`panel.rs`),
//!   weighted by each unit's noise (`noise.rs`), placebo (permutation)
//!   inference for the p-value and the 90 % interval (`placebo.rs`;
//!   MacKinnon & Webb: with few units clustered standard errors mislead),
//!   a pre-trend check (`pretrend.rs`), the minimum detectable effect at
//!   80 % power from the pre-period (`mde.rs`), cost per incremental
//!   completion (`cost.rs`). Staggered starts are refused with an error,
//!   never pooled. Synthetic control (the contract's second `method`) is
//!   not here.
//! - Distributions (`gamma.rs`, `normal.rs`): log-gamma, incomplete gamma,
//!   normal and χ² tails, written out and tested against published values.
//!
//! Each method's assumptions and references are in its module. The
//! simulation studies that check the error rates, coverage and power are
//! `tests/study/` (short by default; `CMP_LONG_STUDY=1` for the long runs).

mod cost;
mod design;
mod error;
mod experiment;
mod gamma;
mod mde;
mod noise;
mod normal;
mod panel;
mod placebo;
mod pretrend;
mod sequence;
mod srm;
mod variants;

pub use cost::{CostEfficiency, cost_efficiency};
pub use design::{Design, TreatedUnit, UnitSeries};
pub use error::Error;
pub use experiment::{ExperimentParams, ExperimentResult, Status, experiment};
pub use mde::Mde;
pub use normal::{normal_cdf, normal_quantile};
pub use panel::KpiKind;
pub use pretrend::PreTrend;
pub use sequence::{Arm, Interval, Lift, half_width, lift_sequence, rho_squared};
pub use srm::{SRM_ALPHA, SampleRatio, chi_square_sf, sample_ratio};
pub use variants::{
    Decision, MessageTest, MessageTestParams, Stratum, StratumResult, VariantCounts, VariantResult,
    message_test,
};
