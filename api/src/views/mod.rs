//! The API's data, one module per resource: each function checks the
//! caller's rights, reads the store through `cmp_store` and the report
//! engine, applies small-cell suppression and labels, and returns a typed
//! view. The JSON handlers only translate HTTP to and from these; the
//! dashboard pages (`crate::pages`) render the same views.

pub mod anomalies;
pub mod attribution;
pub mod campaign;
pub mod costs;
pub mod experiment_body;
pub mod experiment_panel;
pub mod experiment_result;
pub mod experiments;
pub mod headline;
pub mod history;
pub mod inventory;
pub mod kept;
pub mod kpis;
pub mod live;
pub mod office_body;
pub mod office_performance;
pub mod offices;
pub mod pacing;
pub mod performance;
pub mod portfolio;
pub mod program_counts;
pub mod shift;
pub mod split;
pub mod targets;
pub mod variants;
