//! `cmp-api`: parses configuration and serves the API until SIGTERM.

use anyhow::Context;
use cmp_config::Settings;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let settings = Settings::load().context("invalid configuration")?;
    cmp_process::init_logging(settings.log_format);
    cmp_api::run(settings, cmp_process::shutdown_signal()).await
}
