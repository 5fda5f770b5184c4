//! Attribution to exposure (contract/API.md v1.1, "Attribution to
//! exposure"): the windows (`windows.rs`), the credit an uptake event gives
//! its eligible exposures (`credit.rs`), the rows a slice of it is kept as
//! (`rows.rs`) and the aggregator's pass that keeps them current as events
//! arrive (`refresh.rs`). The API reads the kept rows
//! (`cmp_store::credit_values`), so a report's cost follows the hours and
//! groups it asks for, not the events behind them.

mod credit;
mod refresh;
mod rows;
mod windows;

pub use credit::{Credit, Model, credits};
pub use refresh::{Refreshed, SETTLE, refresh};
pub use rows::{GROUPINGS, Key, slice_rows};
pub use windows::{BadWindow, MAX_DAYS, Windows, parse as parse_windows};
