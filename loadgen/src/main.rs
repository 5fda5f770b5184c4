//! `cmp-loadgen`: produces generated contract traffic to Kafka. `main` only
//! parses the command line, starts the runtime and turns the outcome into
//! an exit code: 0 done (or stopped by a signal with everything flushed),
//! 1 a failure (Kafka unreachable, a message not acknowledged), 2 bad usage.

mod app;

use std::process::ExitCode;

use app::cli::{self, Command};

fn main() -> ExitCode {
    let parsed = cli::parse(
        std::env::args_os().skip(1),
        |name| std::env::var(name).ok(),
        chrono::Utc::now(),
    );
    let options = match parsed {
        Ok(Command::Help) => {
            print!("{}", cli::USAGE);
            return ExitCode::SUCCESS;
        }
        Ok(Command::Run(options)) => *options,
        Err(e) => {
            eprintln!("cmp-loadgen: {e}\nRun `cmp-loadgen --help` for the flags.");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("cmp-loadgen: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(async { app::run(options, app::shutdown::on_signal()).await }) {
        Ok(summary) => {
            println!("{summary}");
            if summary.failed == 0 {
                ExitCode::SUCCESS
            } else {
                eprintln!(
                    "cmp-loadgen: {} messages were not acknowledged by Kafka",
                    summary.failed
                );
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("cmp-loadgen: {e:#}");
            ExitCode::FAILURE
        }
    }
}
