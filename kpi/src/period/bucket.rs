//! Local calendar days, Monday-first weeks and hours of the reporting time
//! zone, as UTC instants: where a day of a report starts and ends, and
//! which series bucket an instant falls in. DST is handled by asking the
//! time zone, never by adding 24 hours: a local day may last 23 or 25 hours,
//! and in a zone whose clocks skip midnight the day starts at the first
//! instant that exists.

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc,
};
use chrono_tz::Tz;

use crate::error::Error;

/// The size of a series bucket (`granularity=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Granularity {
    /// A local clock hour.
    Hour,
    /// A local calendar day.
    Day,
    /// Monday to Sunday, local.
    Week,
}

impl Granularity {
    /// `hour`, `day` or `week`; the error names `granularity`.
    pub fn parse(s: &str) -> Result<Granularity, Error> {
        match s {
            "hour" => Ok(Granularity::Hour),
            "day" => Ok(Granularity::Day),
            "week" => Ok(Granularity::Week),
            other => Err(Error::UnknownGranularity(other.to_owned())),
        }
    }

    /// The parameter value.
    pub const fn as_str(self) -> &'static str {
        match self {
            Granularity::Hour => "hour",
            Granularity::Day => "day",
            Granularity::Week => "week",
        }
    }
}

/// The calendar date of an instant in `tz`.
pub fn local_date(instant: DateTime<Utc>, tz: Tz) -> NaiveDate {
    instant.with_timezone(&tz).date_naive()
}

/// The local day `date` in `tz` as a half-open span of instants: its first
/// instant, and the first instant of the next day. 23 hours on the day
/// clocks spring forward, 25 on the day they fall back.
pub fn local_day_bounds_utc(date: NaiveDate, tz: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = first_instant_at_or_after(date.and_time(chrono::NaiveTime::MIN), tz);
    let end = match date.succ_opt() {
        Some(next) => first_instant_at_or_after(next.and_time(chrono::NaiveTime::MIN), tz),
        None => DateTime::<Utc>::MAX_UTC,
    };
    (start, end)
}

/// The first instant of the bucket `instant` falls in. Hours are local
/// clock hours (so a half-hour zone such as America/St_Johns gets
/// `hh:30Z` boundaries; in a fall-back the repeated hour is two buckets),
/// assuming the zone changes offset only on a local hour boundary, as every
/// Canadian zone does.
pub fn bucket_start(instant: DateTime<Utc>, granularity: Granularity, tz: Tz) -> DateTime<Utc> {
    let local = instant.with_timezone(&tz);
    match granularity {
        Granularity::Hour => {
            let into_hour = Duration::seconds(i64::from(local.minute() * 60 + local.second()))
                + Duration::nanoseconds(i64::from(local.nanosecond()));
            instant - into_hour
        }
        Granularity::Day => local_day_bounds_utc(local.date_naive(), tz).0,
        Granularity::Week => {
            let date = local.date_naive();
            let monday = date - Duration::days(i64::from(date.weekday().num_days_from_monday()));
            local_day_bounds_utc(monday, tz).0
        }
    }
}

/// The first instant of the bucket after the one starting at (or holding)
/// `instant`: the end of its half-open span.
pub fn next_bucket_start(
    instant: DateTime<Utc>,
    granularity: Granularity,
    tz: Tz,
) -> DateTime<Utc> {
    let start = bucket_start(instant, granularity, tz);
    match granularity {
        Granularity::Hour => start + Duration::hours(1),
        Granularity::Day => local_day_bounds_utc(local_date(start, tz), tz).1,
        Granularity::Week => {
            let monday = local_date(start, tz);
            match monday.checked_add_signed(Duration::days(7)) {
                Some(next) => local_day_bounds_utc(next, tz).0,
                None => DateTime::<Utc>::MAX_UTC,
            }
        }
    }
}

/// The earliest instant whose local time in `tz` is `local` (the first of
/// two in a fall-back), or, when `local` falls in a spring-forward gap, the
/// instant the clocks jump (the first one whose local time is later).
fn first_instant_at_or_after(local: NaiveDateTime, tz: Tz) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
        LocalResult::None => {
            // In a gap: binary search, by the second, for the transition.
            // Local time is monotonic over a window of a day or so around
            // one transition.
            let guess = local.and_utc().timestamp();
            let (mut lo, mut hi) = (guess - 30 * 3600, guess + 30 * 3600);
            let local_at = |ts: i64| {
                DateTime::<Utc>::from_timestamp(ts, 0).map(|t| t.with_timezone(&tz).naive_local())
            };
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                if local_at(mid).is_some_and(|l| l >= local) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            DateTime::<Utc>::from_timestamp(lo, 0).unwrap_or(DateTime::<Utc>::MAX_UTC)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::FiscalYear;

    const TORONTO: Tz = chrono_tz::America::Toronto;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("instant")
            .with_timezone(&Utc)
    }

    #[test]
    fn granularity_parses() {
        for g in [Granularity::Hour, Granularity::Day, Granularity::Week] {
            assert_eq!(Granularity::parse(g.as_str()), Ok(g));
        }
        assert_eq!(
            Granularity::parse("month").expect_err("month").field(),
            "granularity"
        );
    }

    #[test]
    fn day_bounds_across_dst_in_toronto() {
        // date, start, end, hours
        #[rustfmt::skip]
        let table = [
            ("2026-11-02", "2026-11-02T05:00:00Z", "2026-11-03T05:00:00Z", 24),
            ("2026-07-01", "2026-07-01T04:00:00Z", "2026-07-02T04:00:00Z", 24),
            // Spring forward 8 March 2026: 23 hours.
            ("2026-03-08", "2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z", 23),
            // Fall back 1 November 2026: 25 hours.
            ("2026-11-01", "2026-11-01T04:00:00Z", "2026-11-02T05:00:00Z", 25),
        ];
        for (date, start, end, hours) in table {
            let (s, e) = local_day_bounds_utc(d(date), TORONTO);
            assert_eq!((s, e), (t(start), t(end)), "{date}");
            assert_eq!((e - s).num_hours(), hours, "{date}");
        }
    }

    #[test]
    fn midnight_in_a_gap_starts_the_day_at_the_jump() {
        // America/Havana springs forward at midnight: 2026-03-08 00:00 does
        // not exist; the day starts at 01:00 CDT = 05:00Z.
        let havana: Tz = chrono_tz::America::Havana;
        let (start, end) = local_day_bounds_utc(d("2026-03-08"), havana);
        assert_eq!(start, t("2026-03-08T05:00:00Z"));
        assert_eq!(end, t("2026-03-09T04:00:00Z"));
        assert_eq!(local_date(start, havana), d("2026-03-08"));
        assert_eq!(
            local_date(start - Duration::seconds(1), havana),
            d("2026-03-07")
        );
    }

    #[test]
    fn fiscal_year_edges_in_toronto() {
        // The last second of 31 March EDT is still 2026-27; the first of
        // 1 April is 2027-28, although both are 1 April in UTC.
        let table = [
            ("2027-04-01T03:59:59Z", "2026-27"),
            ("2027-04-01T04:00:00Z", "2027-28"),
            ("2026-04-01T03:59:59Z", "2025-26"),
            ("2026-04-01T04:00:00Z", "2026-27"),
        ];
        for (instant, fy) in table {
            let date = local_date(t(instant), TORONTO);
            assert_eq!(FiscalYear::containing(date).to_string(), fy, "{instant}");
        }
        let (start, end) = FiscalYear::starting(2026).range().utc_bounds(TORONTO);
        assert_eq!(
            (start, end),
            (t("2026-04-01T04:00:00Z"), t("2027-04-01T04:00:00Z"))
        );
    }

    #[test]
    fn bucket_start_table() {
        use Granularity::*;
        let st_johns: Tz = chrono_tz::America::St_Johns;
        #[rustfmt::skip]
        let table = [
            ("2026-11-03T15:42:10.5Z", Hour, TORONTO, "2026-11-03T15:00:00Z"),
            ("2026-11-03T15:42:10Z", Day, TORONTO, "2026-11-03T05:00:00Z"),
            // 00:30 local on 4 Nov is 05:30Z; 04:30Z is still 3 Nov.
            ("2026-11-04T04:30:00Z", Day, TORONTO, "2026-11-03T05:00:00Z"),
            // Tuesday 3 Nov 2026 → Monday 2 Nov.
            ("2026-11-03T15:42:10Z", Week, TORONTO, "2026-11-02T05:00:00Z"),
            // Sunday 8 Nov 23:00 local → Monday 2 Nov.
            ("2026-11-09T04:00:00Z", Week, TORONTO, "2026-11-02T05:00:00Z"),
            // Monday 9 Nov 00:00 local → itself.
            ("2026-11-09T05:00:00Z", Week, TORONTO, "2026-11-09T05:00:00Z"),
            // A week holding the fall-back: Monday 26 Oct was EDT.
            ("2026-11-01T12:00:00Z", Week, TORONTO, "2026-10-26T04:00:00Z"),
            // Fall back: 01:30 EDT and 01:30 EST are two buckets.
            ("2026-11-01T05:30:00Z", Hour, TORONTO, "2026-11-01T05:00:00Z"),
            ("2026-11-01T06:30:00Z", Hour, TORONTO, "2026-11-01T06:00:00Z"),
            // Newfoundland is UTC−3:30: local hours start at hh:30Z.
            ("2026-11-03T15:42:00Z", Hour, st_johns, "2026-11-03T15:30:00Z"),
            ("2026-11-03T15:12:00Z", Hour, st_johns, "2026-11-03T14:30:00Z"),
            ("2026-11-03T15:12:00Z", Day, st_johns, "2026-11-03T03:30:00Z"),
        ];
        for (instant, g, tz, want) in table {
            assert_eq!(
                bucket_start(t(instant), g, tz),
                t(want),
                "{instant} {g:?} {tz}"
            );
        }
    }

    #[test]
    fn next_bucket_start_table() {
        use Granularity::*;
        let table = [
            ("2026-11-03T15:42:10Z", Hour, "2026-11-03T16:00:00Z"),
            ("2026-11-01T12:00:00Z", Day, "2026-11-02T05:00:00Z"),
            ("2026-11-01T12:00:00Z", Week, "2026-11-02T05:00:00Z"),
            ("2026-03-08T12:00:00Z", Day, "2026-03-09T04:00:00Z"),
        ];
        for (instant, g, want) in table {
            assert_eq!(
                next_bucket_start(t(instant), g, TORONTO),
                t(want),
                "{instant} {g:?}"
            );
        }
    }
}
