//! The time buckets of a report: which rows of a query sum together, and
//! the bucket starts a series walks. An hour belongs to the bucket holding
//! its first instant: ClickHouse maps each rollup hour to its bucket's first
//! instant with the whitelisted expression of [`expression`] in the
//! reporting time zone (bound), and Rust lists the same starts with
//! `cmp_kpi::bucket_start` (the integration tests compare both with a brute
//! force). Mapping each row with a function replaced a join against bound
//! arrays of bucket bounds, whose cost grew with rows × buckets (a daily
//! series over a year of 10 M events: 250 ms of 600).
//!
//! In zones whose offset is whole hours (every Canadian zone but
//! Newfoundland) local days, weeks and hours are whole UTC hours, so this is
//! exact; in America/St_Johns a UTC hour straddles two local hours and
//! counts in the one it starts in.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use cmp_kpi::{Granularity, bucket_start, next_bucket_start};

/// How a query's rows are bucketed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bucketing {
    /// One bucket (numbered 0) over the whole range.
    Whole,
    /// Local hours, days or weeks, numbered by their first instant.
    Every(Granularity),
}

/// The whitelist: the SQL expression of a row's bucket, from its `hour` and
/// the bound time zone `tz`.
pub(crate) const fn expression(bucketing: Bucketing) -> &'static str {
    match bucketing {
        Bucketing::Whole => "toUInt32(0)",
        Bucketing::Every(Granularity::Hour) => "toUInt32(toStartOfHour(hour, tz))",
        Bucketing::Every(Granularity::Day) => "toUInt32(toStartOfDay(hour, tz))",
        Bucketing::Every(Granularity::Week) => "toUInt32(toDateTime(toMonday(hour, tz), tz))",
    }
}

/// Half-open buckets `[starts[i], ends[i])`, in seconds, ascending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Buckets {
    pub starts: Vec<u32>,
    pub ends: Vec<u32>,
}

/// An instant as a `DateTime` column's seconds (clamped to its range).
pub(crate) fn seconds(t: DateTime<Utc>) -> u32 {
    u32::try_from(t.timestamp().max(0)).unwrap_or(u32::MAX)
}

/// Seconds back to an instant.
pub(crate) fn instant(s: u32) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(i64::from(s), 0).unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
}

impl Buckets {
    /// The buckets of `granularity` in `tz` that cover `[start, end)`: the
    /// first may begin before `start` (a week's Monday), each next one
    /// starts where the previous one ends.
    pub fn series(
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        granularity: Granularity,
        tz: Tz,
    ) -> Buckets {
        let mut b = Buckets {
            starts: Vec::new(),
            ends: Vec::new(),
        };
        let mut at = bucket_start(start, granularity, tz);
        while at < end {
            let next = next_bucket_start(at, granularity, tz);
            if next <= at {
                break; // the end of time
            }
            b.starts.push(seconds(at));
            b.ends.push(seconds(next));
            at = next;
        }
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cmp_kpi::DateRange;

    fn d(s: &str) -> chrono::NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn days_across_a_dst_change_tile_the_range() {
        let tz = chrono_tz::America::Toronto;
        // Clocks fall back on Sunday 2026-11-01.
        let (start, end) = DateRange {
            from: d("2026-10-31"),
            to: d("2026-11-02"),
        }
        .utc_bounds(tz);
        let b = Buckets::series(start, end, Granularity::Day, tz);
        let hours: Vec<u32> = b
            .starts
            .iter()
            .zip(&b.ends)
            .map(|(s, e)| (e - s) / 3600)
            .collect();
        assert_eq!(hours, vec![24, 25, 24]);
        assert_eq!(b.starts[0], seconds(start));
        assert_eq!(b.ends[2], seconds(end));
        let hourly = Buckets::series(start, end, Granularity::Hour, tz);
        assert_eq!(hourly.starts.len(), 73);
    }

    #[test]
    fn weeks_start_on_the_monday_before() {
        let tz = chrono_tz::America::Toronto;
        let (start, end) = DateRange {
            from: d("2026-11-04"),
            to: d("2026-11-10"),
        }
        .utc_bounds(tz);
        let b = Buckets::series(start, end, Granularity::Week, tz);
        assert_eq!(b.starts.len(), 2);
        assert_eq!(
            instant(b.starts[0]).to_rfc3339(),
            "2026-11-02T05:00:00+00:00"
        );
        assert_eq!(instant(b.ends[1]).to_rfc3339(), "2026-11-16T05:00:00+00:00");
    }
}
