//! An inclusive range of calendar dates (`from`/`to` of the contract: `to`
//! is inclusive), and its instants in the reporting time zone.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::bucket::local_day_bounds_utc;
use crate::error::Error;

/// Dates `from` to `to`, both included. The fields are public for
/// convenience; a range built with `from > to` is empty (0 days, overlaps
/// nothing), and `new` refuses one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DateRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl DateRange {
    /// The range, or an error naming `from` when it is after `to`.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<DateRange, Error> {
        if from > to {
            return Err(Error::invalid("from", format!("{from} is after `to` {to}")));
        }
        Ok(DateRange { from, to })
    }

    /// A single day.
    pub fn day(date: NaiveDate) -> DateRange {
        DateRange {
            from: date,
            to: date,
        }
    }

    /// No day at all (`from > to`).
    pub fn is_empty(&self) -> bool {
        self.from > self.to
    }

    /// Number of days, both ends counted: 1 for a single day, 0 if empty.
    pub fn days(&self) -> i64 {
        if self.is_empty() {
            0
        } else {
            (self.to - self.from).num_days() + 1
        }
    }

    /// Whether `date` is in the range.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }

    /// Whether the two ranges share at least one day.
    pub fn overlaps(&self, other: &DateRange) -> bool {
        !self.is_empty() && !other.is_empty() && self.from <= other.to && other.from <= self.to
    }

    /// The days of `self` inside `bounds`, or `None` when they share none
    /// (e.g. the campaign flight clipped to "up to today").
    pub fn clip(&self, bounds: &DateRange) -> Option<DateRange> {
        let clipped = DateRange {
            from: self.from.max(bounds.from),
            to: self.to.min(bounds.to),
        };
        (!clipped.is_empty()).then_some(clipped)
    }

    /// The instants of the range in `tz`, half-open: from the first
    /// instant of `from` to the first instant of the day after `to`.
    pub fn utc_bounds(&self, tz: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
        let (start, _) = local_day_bounds_utc(self.from, tz);
        let (_, end) = local_day_bounds_utc(self.to, tz);
        (start, end)
    }
}

impl fmt::Display for DateRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..={}", self.from, self.to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn r(from: &str, to: &str) -> DateRange {
        DateRange {
            from: d(from),
            to: d(to),
        }
    }

    #[test]
    fn days_table() {
        let table = [
            (r("2026-10-01", "2026-10-01"), 1),
            (r("2026-10-01", "2027-03-31"), 182),
            (r("2027-04-01", "2028-03-31"), 366),
            (r("2026-04-01", "2027-03-31"), 365),
            (r("2026-10-02", "2026-10-01"), 0),
        ];
        for (range, days) in table {
            assert_eq!(range.days(), days, "{range}");
        }
    }

    #[test]
    fn new_refuses_inverted_ranges() {
        assert!(DateRange::new(d("2026-10-01"), d("2026-10-01")).is_ok());
        let err = DateRange::new(d("2026-10-02"), d("2026-10-01")).expect_err("inverted");
        assert_eq!(err.field(), "from");
    }

    #[test]
    fn overlaps_table() {
        let fy = r("2026-04-01", "2027-03-31");
        let table = [
            (r("2026-10-01", "2027-03-31"), true),
            (r("2027-03-31", "2027-06-30"), true),
            (r("2027-04-01", "2027-06-30"), false),
            (r("2026-01-01", "2026-03-31"), false),
            (r("2026-01-01", "2026-04-01"), true),
            (r("2025-01-01", "2028-01-01"), true),
            (r("2026-06-02", "2026-06-01"), false),
        ];
        for (other, want) in table {
            assert_eq!(fy.overlaps(&other), want, "{other}");
            assert_eq!(other.overlaps(&fy), want, "{other} (swapped)");
        }
    }

    #[test]
    fn clip_table() {
        let flight = r("2026-10-01", "2027-03-31");
        #[rustfmt::skip]
        let table = [
            (r("2026-01-01", "2026-11-15"), Some(r("2026-10-01", "2026-11-15"))),
            (r("2026-10-05", "2026-10-06"), Some(r("2026-10-05", "2026-10-06"))),
            (r("2027-03-31", "2027-12-31"), Some(r("2027-03-31", "2027-03-31"))),
            (r("2027-04-01", "2027-12-31"), None),
            (r("2026-01-01", "2026-09-30"), None),
        ];
        for (bounds, want) in table {
            assert_eq!(flight.clip(&bounds), want, "{bounds}");
        }
    }

    #[test]
    fn utc_bounds_in_toronto() {
        let tz = chrono_tz::America::Toronto;
        let (start, end) = r("2026-04-01", "2027-03-31").utc_bounds(tz);
        assert_eq!(start.to_rfc3339(), "2026-04-01T04:00:00+00:00");
        assert_eq!(end.to_rfc3339(), "2027-04-01T04:00:00+00:00");
        let (start, end) = DateRange::day(d("2026-12-25")).utc_bounds(tz);
        assert_eq!(start.to_rfc3339(), "2026-12-25T05:00:00+00:00");
        assert_eq!(end.to_rfc3339(), "2026-12-26T05:00:00+00:00");
    }
}
