//! The harness of the end-to-end tests: the real services started by
//! `deploy/local/services.sh` (found through the `CMP_*` variables it
//! exports), a fresh ClickHouse database and fresh topics per test, and the
//! project's real binaries started as child processes.

pub mod accounting;
pub mod api_env;
pub mod atom_attacker;
pub mod attacker;
pub mod attribution;
pub mod broker;
pub mod brute;
pub mod channels;
pub mod chaos;
pub mod figures;
pub mod fleet;
pub mod generate;
pub mod held;
pub mod hostile;
pub mod http;
pub mod join;
pub mod kafka;
pub mod ledger;
pub mod manifest;
pub mod privacy;
pub mod prober;
pub mod proc;
pub mod prometheus;
pub mod promql;
pub mod relay;
pub mod rng;
pub mod services;
pub mod tokens;
pub mod truth;

pub use accounting::{assert_accounted, migrated, migrated_to};
pub use manifest::Manifest;
pub use proc::{Process, bin_path, free_addr, http_get, log_text, metric_sum, run};
pub use services::{Hung, TestEnv, wait_until};
