//! `cmp-ingest`: parses configuration and runs the ingest workers until SIGTERM.

use anyhow::Context;
use cmp_config::Settings;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let settings = Settings::load().context("invalid configuration")?;
    cmp_process::init_logging(settings.log_format);
    cmp_ingest::run(settings, cmp_process::shutdown_signal()).await
}
