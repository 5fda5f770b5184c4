//! ClickHouse access shared by the three processes: building the client from
//! settings, the versioned schema (ordered `.sql` migrations under
//! `store/sql/migrations`, applied by `cmp-aggregator migrate`), the check
//! that refuses to run against an older schema, and the row type of the
//! `events` ledger. Every statement lives in a `.sql` file so the SQL check
//! (`deploy/local/check-sql.sh`) can run it through the current engine too.

mod attainment;
mod attribution;
mod client;
mod costs;
mod credits;
mod error;
mod events;
mod experiments;
mod migrate;
mod office_reads;
mod offices;
mod registry;
mod shared;
pub mod sql;
mod version;
mod versioned;

pub use attainment::{AttainmentQuery, AttainmentRecord, attainment_history};
pub use attribution::{
    Exposure, MeasurementSettings, UptakeTouch, VariantExposure, measurement_settings,
    put_measurement_settings, variant_exposure,
};
pub use client::{Store, ping};
pub use costs::{CostsVersion, put_service_costs, service_cost_history, service_costs};
pub use credits::{
    CreditKey, CreditQuery, CreditRow, CreditValue, Mark, SliceRecord, SliceRow, attribution_marks,
    attribution_slices, credit_keys, credit_values, slice_exposures, slice_uptake, write_credits,
    write_slices,
};
pub use error::StoreError;
pub use events::{Code, EventRow, KIND_ENGAGEMENT, KIND_UPTAKE};
pub use experiments::{
    ExperimentVersion, UnitDay, UnitSpend, experiment, experiment_campaigns, experiment_history,
    experiment_spend, experiment_uptake, experiments, put_experiment,
};
pub use migrate::{MIGRATIONS, Migration, check_schema, migrate, wait_for_schema};
pub use office_reads::{
    CampaignImpressions, ChannelDay, StageDay, catchment_completed, office_impressions,
    office_in_person,
};
pub use offices::{OfficeVersion, office, office_history, offices, put_office};
pub use registry::{
    Campaign, TargetSetVersion, campaign, campaigns, put_campaign, put_targets, target_history,
    target_set,
};
pub use shared::Shared;
pub use version::{TableVersion, data_version};
