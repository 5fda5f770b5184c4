//! End-to-end tests against the real broker and ClickHouse started by
//! `deploy/local/test.sh`; one binary, one module per concern.

mod adversarial;
mod aggregator;
mod anomalies;
mod api;
mod api_start;
mod attribution;
mod channel_shift;
mod chaos;
mod contract_v11;
mod dashboard;
mod disclosure;
mod experiment;
mod hostile_http;
mod ingest;
mod migrate;
mod offices;
mod organisations;
mod outage;
mod pacing;
mod pipeline;
mod rebalance;
mod registry;
mod report;
mod report_tiers;
mod scrape;
mod tier_migration;
mod tls;
mod worker_panic;
