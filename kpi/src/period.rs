//! Periods of time as the directorate counts them: federal fiscal years
//! and their quarters, inclusive date ranges, and the hour/day/week buckets
//! of a series, all in the reporting time zone (`CMP_REPORT_TZ`), which the
//! caller passes in.

mod bucket;
mod fiscal;
mod range;

pub use bucket::{Granularity, bucket_start, local_date, local_day_bounds_utc, next_bucket_start};
pub use fiscal::{FiscalQuarter, FiscalYear, Quarter, quarter_of};
pub use range::DateRange;
