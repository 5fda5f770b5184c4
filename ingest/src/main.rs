//! `cmp-ingest`: parses configuration and runs the ingest workers until SIGTERM.

use anyhow::Context;
use cmp_config::Settings;

/// glibc's malloc spent about a third of ingest's CPU (most of it
/// consolidating the many small blocks a flushed batch frees at once, see
/// BENCHMARKS.md); mimalloc keeps that cost small.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let settings = Settings::load().context("invalid configuration")?;
    cmp_process::init_logging(settings.log_format);
    cmp_ingest::run(settings, cmp_process::shutdown_signal()).await
}
