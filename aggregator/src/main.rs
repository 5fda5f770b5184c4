//! `cmp-aggregator`: `migrate` applies the ClickHouse schema and exits;
//! without arguments the process keeps the rollups current.

use anyhow::{Context, bail};
use cmp_config::Settings;
use cmp_store::Store;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let settings = Settings::load().context("invalid configuration")?;
    cmp_process::init_logging(settings.log_format);
    let args: Vec<String> = std::env::args().skip(1).collect();
    let store = Store::new(&settings);
    match args.first().map(String::as_str) {
        Some("migrate") => {
            let applied = cmp_store::migrate(&store)
                .await
                .context("migration failed")?;
            println!(
                "schema of database {} is current ({} migration(s) applied now)",
                store.database,
                applied.len()
            );
            Ok(())
        }
        None => cmp_aggregator::run(settings, store, cmp_process::shutdown_signal()).await,
        Some(other) => bail!("unknown command {other:?}; usage: cmp-aggregator [migrate]"),
    }
}
