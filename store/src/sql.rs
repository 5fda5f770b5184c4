//! Every query the processes issue, kept in `store/sql/queries/*.sql` so the
//! SQL check runs each through the current ClickHouse engine as well as the
//! integration tests through 18.16. `?` marks a bound value (escaped by the
//! client, never pasted); `?fields` the row type's columns.

pub const PING: &str = include_str!("../sql/queries/ping.sql");
pub const MIGRATIONS_TABLE_EXISTS: &str =
    include_str!("../sql/queries/migrations_table_exists.sql");
pub const MIGRATIONS_APPLIED: &str = include_str!("../sql/queries/migrations_applied.sql");
pub const MIGRATION_0005_NEEDED: &str = include_str!("../sql/queries/migration_0005_needed.sql");
pub const MIGRATION_0007_NEEDED: &str = include_str!("../sql/queries/migration_0007_needed.sql");
pub const MIGRATION_0011_NEEDED: &str = include_str!("../sql/queries/migration_0011_needed.sql");
pub const MIGRATION_0012_NEEDED: &str = include_str!("../sql/queries/migration_0012_needed.sql");
pub const MIGRATION_0016_NEEDED: &str = include_str!("../sql/queries/migration_0016_needed.sql");
pub const STORED_OFFSETS: &str = include_str!("../sql/queries/stored_offsets.sql");
pub const DEDUP_KEYS_SINCE: &str = include_str!("../sql/queries/dedup_keys_since.sql");
pub const DEDUP_LOOKUP: &str = include_str!("../sql/queries/dedup_lookup.sql");
pub const REBUILD_CAMPAIGN_MONTHS: &str =
    include_str!("../sql/queries/rebuild_campaign_months.sql");
pub const REBUILD_DROP_STAGING: &str = include_str!("../sql/queries/rebuild_drop_staging.sql");
pub const REBUILD_STAGING_ROWS: &str = include_str!("../sql/queries/rebuild_staging_rows.sql");
pub const REBUILD_CLEAR_MONTH: &str = include_str!("../sql/queries/rebuild_clear_month.sql");
pub const REBUILD_ENGAGEMENT_STAGING: &str =
    include_str!("../sql/queries/rebuild_engagement_1_staging.sql");
pub const REBUILD_ENGAGEMENT_FILL: &str =
    include_str!("../sql/queries/rebuild_engagement_2_fill.sql");
pub const REBUILD_ENGAGEMENT_VERIFY: &str =
    include_str!("../sql/queries/rebuild_engagement_4_verify.sql");
pub const REBUILD_UPTAKE_STAGING: &str =
    include_str!("../sql/queries/rebuild_uptake_1_staging.sql");
pub const REBUILD_UPTAKE_FILL: &str = include_str!("../sql/queries/rebuild_uptake_2_fill.sql");
pub const REBUILD_ENGAGEMENT_DAILY_STAGING: &str =
    include_str!("../sql/queries/rebuild_engagement_daily_1_staging.sql");
pub const REBUILD_ENGAGEMENT_DAILY_FILL: &str =
    include_str!("../sql/queries/rebuild_engagement_daily_2_fill.sql");
pub const REBUILD_ENGAGEMENT_DAILY_VERIFY: &str =
    include_str!("../sql/queries/rebuild_engagement_daily_4_verify.sql");
pub const REBUILD_UPTAKE_DAILY_STAGING: &str =
    include_str!("../sql/queries/rebuild_uptake_daily_1_staging.sql");
pub const REBUILD_UPTAKE_DAILY_FILL: &str =
    include_str!("../sql/queries/rebuild_uptake_daily_2_fill.sql");
pub const REBUILD_UPTAKE_DAILY_VERIFY: &str =
    include_str!("../sql/queries/rebuild_uptake_daily_4_verify.sql");
pub const REBUILD_PROGRAM_DAILY_STAGING: &str =
    include_str!("../sql/queries/rebuild_program_daily_1_staging.sql");
pub const REBUILD_PROGRAM_DAILY_FILL: &str =
    include_str!("../sql/queries/rebuild_program_daily_2_fill.sql");
pub const REBUILD_PROGRAM_DAILY_VERIFY: &str =
    include_str!("../sql/queries/rebuild_program_daily_4_verify.sql");
pub const REBUILD_REACH_DAILY_STAGING: &str =
    include_str!("../sql/queries/rebuild_reach_daily_1_staging.sql");
pub const REBUILD_REACH_DAILY_FILL: &str =
    include_str!("../sql/queries/rebuild_reach_daily_2_fill.sql");
pub const REBUILD_REACH_DAILY_VERIFY: &str =
    include_str!("../sql/queries/rebuild_reach_daily_4_verify.sql");
pub const REPORT_ENGAGEMENT_DAILY: &str =
    include_str!("../sql/queries/report_engagement_daily.sql");
pub const REPORT_REACH_DAILY: &str = include_str!("../sql/queries/report_reach_daily.sql");
pub const REPORT_UPTAKE_DAILY: &str = include_str!("../sql/queries/report_uptake_daily.sql");
pub const REPORT_PROGRAM_DAILY: &str = include_str!("../sql/queries/report_program_daily.sql");
pub const REPORT_NEWEST: &str = include_str!("../sql/queries/report_newest.sql");
pub const REBUILD_SWAP: &str = include_str!("../sql/queries/rebuild_swap.sql");
pub const REBUILD_UPTAKE_VERIFY: &str = include_str!("../sql/queries/rebuild_uptake_4_verify.sql");
pub const REBUILD_UPTAKE_TOUCHES_STAGING: &str =
    include_str!("../sql/queries/rebuild_uptake_touches_1_staging.sql");
pub const REBUILD_UPTAKE_TOUCHES_FILL: &str =
    include_str!("../sql/queries/rebuild_uptake_touches_2_fill.sql");
pub const REBUILD_UPTAKE_TOUCHES_VERIFY: &str =
    include_str!("../sql/queries/rebuild_uptake_touches_4_verify.sql");
pub const REBUILD_EXPOSURE_TOUCHES_STAGING: &str =
    include_str!("../sql/queries/rebuild_exposure_touches_1_staging.sql");
pub const REBUILD_EXPOSURE_TOUCHES_FILL: &str =
    include_str!("../sql/queries/rebuild_exposure_touches_2_fill.sql");
pub const REBUILD_EXPOSURE_TOUCHES_VERIFY: &str =
    include_str!("../sql/queries/rebuild_exposure_touches_4_verify.sql");
pub const REBUILD_MARKS_STAGING: &str = include_str!("../sql/queries/rebuild_marks_1_staging.sql");
pub const REBUILD_MARKS_FILL: &str = include_str!("../sql/queries/rebuild_marks_2_fill.sql");
pub const REBUILD_MARKS_VERIFY: &str = include_str!("../sql/queries/rebuild_marks_4_verify.sql");
pub const REBUILD_VARIANTS_STAGING: &str =
    include_str!("../sql/queries/rebuild_variants_1_staging.sql");
pub const REBUILD_VARIANTS_FILL: &str = include_str!("../sql/queries/rebuild_variants_2_fill.sql");
pub const REBUILD_VARIANTS_VERIFY: &str =
    include_str!("../sql/queries/rebuild_variants_4_verify.sql");
pub const RETENTION_OLD_MONTHS: &str = include_str!("../sql/queries/retention_old_months.sql");
pub const RETENTION_DROP_MONTH: &str = include_str!("../sql/queries/retention_drop_month.sql");
pub const LEDGER_ENGINE: &str = include_str!("../sql/queries/ledger_engine.sql");
pub const SHARD_OF_NODE: &str = include_str!("../sql/queries/shard_of_node.sql");
pub const CLUSTER_SHARDS: &str = include_str!("../sql/queries/cluster_shards.sql");
pub const SYNC_REPLICA: &str = include_str!("../sql/queries/sync_replica.sql");
pub const ROLLUP_NEWEST_HOUR: &str = include_str!("../sql/queries/rollup_newest_hour.sql");
pub const REGISTRY_CAMPAIGNS: &str = include_str!("../sql/queries/registry_campaigns.sql");
pub const REGISTRY_CAMPAIGN: &str = include_str!("../sql/queries/registry_campaign.sql");
pub const REGISTRY_CAMPAIGN_NEWEST: &str =
    include_str!("../sql/queries/registry_campaign_newest.sql");
pub const REGISTRY_TARGET_SET_NEWEST: &str =
    include_str!("../sql/queries/registry_target_set_newest.sql");
pub const REGISTRY_TARGET_SETS: &str = include_str!("../sql/queries/registry_target_sets.sql");
pub const SERVICE_COSTS_NEWEST: &str = include_str!("../sql/queries/service_costs_newest.sql");
pub const SERVICE_COSTS_VERSIONS: &str = include_str!("../sql/queries/service_costs_versions.sql");
pub const OFFICE_NEWEST: &str = include_str!("../sql/queries/office_newest.sql");
pub const OFFICE_VERSIONS: &str = include_str!("../sql/queries/office_versions.sql");
pub const OFFICES_CURRENT: &str = include_str!("../sql/queries/offices_current.sql");
pub const OFFICE_IMPRESSIONS: &str = include_str!("../sql/queries/office_impressions.sql");
pub const OFFICE_IN_PERSON: &str = include_str!("../sql/queries/office_in_person.sql");
pub const CATCHMENT_COMPLETED: &str = include_str!("../sql/queries/catchment_completed.sql");
pub const SERVICE_UPTAKE: &str = include_str!("../sql/queries/service_uptake.sql");
pub const PROGRAM_HAS_UPTAKE: &str = include_str!("../sql/queries/program_has_uptake.sql");
pub const REPORT_ENGAGEMENT: &str = include_str!("../sql/queries/report_engagement.sql");
pub const REPORT_REACH: &str = include_str!("../sql/queries/report_reach.sql");
pub const REPORT_UPTAKE: &str = include_str!("../sql/queries/report_uptake.sql");
pub const REPORT_PROGRAM: &str = include_str!("../sql/queries/report_program.sql");
pub const ATTAINMENT_HISTORY: &str = include_str!("../sql/queries/attainment_history.sql");
pub const DATA_VERSION: &str = include_str!("../sql/queries/data_version.sql");
pub const BENCH_VISIBLE_LEDGER: &str = include_str!("../sql/queries/bench_visible_ledger.sql");
pub const BENCH_VISIBLE_ROLLUPS: &str = include_str!("../sql/queries/bench_visible_rollups.sql");
pub const BENCH_VISIBLE_UPTAKE: &str = include_str!("../sql/queries/bench_visible_uptake.sql");
pub const EXPERIMENT_NEWEST: &str = include_str!("../sql/queries/experiment_newest.sql");
pub const EXPERIMENT_VERSIONS: &str = include_str!("../sql/queries/experiment_versions.sql");
pub const EXPERIMENTS_CURRENT: &str = include_str!("../sql/queries/experiments_current.sql");
pub const EXPERIMENT_CAMPAIGNS: &str = include_str!("../sql/queries/experiment_campaigns.sql");
pub const EXPERIMENT_UPTAKE: &str = include_str!("../sql/queries/experiment_uptake.sql");
pub const EXPERIMENT_SPEND: &str = include_str!("../sql/queries/experiment_spend.sql");
pub const MEASUREMENT_SETTINGS_NEWEST: &str =
    include_str!("../sql/queries/measurement_settings_newest.sql");
pub const MEASUREMENT_SETTINGS_CURRENT: &str =
    include_str!("../sql/queries/measurement_settings_current.sql");
pub const ATTRIBUTION_MARKS_SINCE: &str =
    include_str!("../sql/queries/attribution_marks_since.sql");
pub const ATTRIBUTION_SLICES_SINCE: &str =
    include_str!("../sql/queries/attribution_slices_since.sql");
pub const ATTRIBUTION_SLICE_UPTAKE: &str =
    include_str!("../sql/queries/attribution_slice_uptake.sql");
pub const ATTRIBUTION_SLICE_EXPOSURES: &str =
    include_str!("../sql/queries/attribution_slice_exposures.sql");
pub const ATTRIBUTION_CREDIT_KEYS: &str =
    include_str!("../sql/queries/attribution_credit_keys.sql");
pub const ATTRIBUTION_CREDITS_READ: &str =
    include_str!("../sql/queries/attribution_credits_read.sql");
pub const VARIANT_EXPOSURE: &str = include_str!("../sql/queries/variant_exposure.sql");
