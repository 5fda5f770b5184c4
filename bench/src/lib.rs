//! Tools of the pipeline benchmark that the shell script cannot be:
//! [`drain`], the ceiling (a bare Kafka consumer that reads and drops), and
//! [`freshness`], a paced producer that times each event until it is
//! visible at a [`visibility`] point (ClickHouse, or the API:
//! [`api_point`]). Kafka and ClickHouse are reached
//! through the usual `CMP_*` settings (`cmp_config`). The criterion
//! microbenchmarks of decoding and dedup live in `benches/`.

pub mod api_point;
pub mod cli;
pub mod drain;
pub mod freshness;
pub mod latency;
pub mod visibility;

use cmp_config::Settings;

/// Runs one command to completion.
pub fn run(command: cli::Command) -> anyhow::Result<()> {
    let settings = Settings::load()?;
    match command {
        cli::Command::Drain {
            messages,
            consumers,
            fetch_wait_ms,
        } => drain::run(&settings, messages, consumers, fetch_wait_ms),
        cli::Command::Freshness(options) => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()?;
            runtime.block_on(freshness::run(&settings, options))
        }
    }
}
