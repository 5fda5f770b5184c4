//! `cmp-bench`: the measuring tools of the pipeline benchmark
//! (`deploy/bench/pipeline.sh`, BENCHMARKS.md). `main` only parses the
//! command line and runs it.

use std::process::ExitCode;

fn main() -> ExitCode {
    let command = match cmp_bench::cli::parse(std::env::args().skip(1)) {
        Ok(command) => command,
        Err(e) => {
            eprintln!("cmp-bench: {e}\n\n{}", cmp_bench::cli::USAGE);
            return ExitCode::from(2);
        }
    };
    match cmp_bench::run(command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cmp-bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}
