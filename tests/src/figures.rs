//! Figures a reliability test measured: printed, and appended as
//! `name<TAB>value` lines to the file `CMP_RELIABILITY_FIGURES` names (if
//! any), from which `deploy/reliability/run.sh` writes RELIABILITY.md.

use std::io::Write;

/// Records one figure.
pub fn record(name: &str, value: impl std::fmt::Display) {
    eprintln!("figure {name}: {value}");
    let Ok(path) = std::env::var("CMP_RELIABILITY_FIGURES") else {
        return;
    };
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .unwrap_or_else(|e| panic!("open {path}: {e}"));
    writeln!(file, "{name}\t{value}").unwrap_or_else(|e| panic!("write {path}: {e}"));
}
