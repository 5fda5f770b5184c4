//! The federal fiscal year, 1 April to 31 March, named `2026-27` (the
//! contract also accepts `2026` for the year that starts 1 April 2026),
//! and its quarters: Q1 April–June, Q2 July–September, Q3 October–December,
//! Q4 January–March.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::range::DateRange;
use crate::error::Error;

/// A fiscal year, by the calendar year of its 1 April.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FiscalYear {
    start_year: i32,
}

/// Accepted start years when parsing: four digits, and a 31 March that
/// still has four digits.
const PARSE_YEARS: std::ops::RangeInclusive<i32> = 1000..=9998;

impl FiscalYear {
    /// The fiscal year starting 1 April of `start_year`.
    pub const fn starting(start_year: i32) -> FiscalYear {
        FiscalYear { start_year }
    }

    /// The calendar year of its 1 April.
    pub const fn start_year(self) -> i32 {
        self.start_year
    }

    /// `2026-27` or `2026`, nothing else: not `26-27`, `2026-2027`,
    /// `2026-28` (years must follow each other), nor surrounding spaces.
    /// The error names `fiscal_year`.
    pub fn parse(input: &str) -> Result<FiscalYear, Error> {
        let fail = |reason| Error::FiscalYear {
            input: input.to_owned(),
            reason,
        };
        const SHAPE: &str = "must be YYYY-YY (e.g. 2026-27) or YYYY (the year of its 1 April)";
        let (first, second) = match input.split_once('-') {
            Some((first, second)) => (first, Some(second)),
            None => (input, None),
        };
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|c| c.is_ascii_digit());
        if !digits(first, 4) || second.is_some_and(|s| !digits(s, 2)) {
            return Err(fail(SHAPE));
        }
        let start_year: i32 = first.parse().map_err(|_| fail(SHAPE))?;
        if !PARSE_YEARS.contains(&start_year) {
            return Err(fail("must start between 1000 and 9998"));
        }
        if let Some(second) = second {
            let end: i32 = second.parse().map_err(|_| fail(SHAPE))?;
            if end != (start_year + 1) % 100 {
                return Err(fail(
                    "must name two consecutive years, e.g. 2026-27 (1 April 2026 to 31 March 2027)",
                ));
            }
        }
        Ok(FiscalYear { start_year })
    }

    /// 1 April. (Clamped to chrono's last date for absurd years.)
    pub fn start(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.start_year, 4, 1).unwrap_or(NaiveDate::MAX)
    }

    /// 31 March of the next calendar year, inclusive.
    pub fn end(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.start_year.saturating_add(1), 3, 31).unwrap_or(NaiveDate::MAX)
    }

    /// `start()..=end()`.
    pub fn range(self) -> DateRange {
        DateRange {
            from: self.start(),
            to: self.end(),
        }
    }

    /// The fiscal year a calendar date falls in. Give it the date in the
    /// reporting time zone (`local_date`), not the UTC date.
    pub fn containing(date: NaiveDate) -> FiscalYear {
        let start_year = if date.month() >= 4 {
            date.year()
        } else {
            date.year() - 1
        };
        FiscalYear { start_year }
    }

    /// The next fiscal year.
    pub fn next(self) -> FiscalYear {
        FiscalYear {
            start_year: self.start_year.saturating_add(1),
        }
    }

    /// One quarter of this year.
    pub fn quarter(self, quarter: Quarter) -> FiscalQuarter {
        FiscalQuarter {
            year: self,
            quarter,
        }
    }
}

impl fmt::Display for FiscalYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let end = (self.start_year + 1).rem_euclid(100);
        write!(f, "{}-{end:02}", self.start_year)
    }
}

impl FromStr for FiscalYear {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FiscalYear::parse(s)
    }
}

impl Serialize for FiscalYear {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for FiscalYear {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        FiscalYear::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A quarter of the fiscal year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Quarter {
    /// April–June.
    Q1,
    /// July–September.
    Q2,
    /// October–December.
    Q3,
    /// January–March.
    Q4,
}

impl Quarter {
    /// The four, in order.
    pub const ALL: [Quarter; 4] = [Quarter::Q1, Quarter::Q2, Quarter::Q3, Quarter::Q4];

    /// `Q1`…`Q4`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Quarter::Q1 => "Q1",
            Quarter::Q2 => "Q2",
            Quarter::Q3 => "Q3",
            Quarter::Q4 => "Q4",
        }
    }

    const fn index(self) -> u32 {
        match self {
            Quarter::Q1 => 0,
            Quarter::Q2 => 1,
            Quarter::Q3 => 2,
            Quarter::Q4 => 3,
        }
    }
}

/// A quarter of a given fiscal year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FiscalQuarter {
    pub year: FiscalYear,
    pub quarter: Quarter,
}

impl FiscalQuarter {
    /// Its first day.
    pub fn start(self) -> NaiveDate {
        self.year
            .start()
            .checked_add_months(Months::new(3 * self.quarter.index()))
            .unwrap_or(NaiveDate::MAX)
    }

    /// Its last day, inclusive.
    pub fn end(self) -> NaiveDate {
        self.year
            .start()
            .checked_add_months(Months::new(3 * self.quarter.index() + 3))
            .and_then(|next| next.pred_opt())
            .unwrap_or(NaiveDate::MAX)
    }

    /// `start()..=end()`.
    pub fn range(self) -> DateRange {
        DateRange {
            from: self.start(),
            to: self.end(),
        }
    }
}

impl fmt::Display for FiscalQuarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.year, self.quarter.as_str())
    }
}

/// The fiscal quarter a calendar date (in the reporting time zone) falls in.
pub fn quarter_of(date: NaiveDate) -> FiscalQuarter {
    let quarter = match date.month() {
        4..=6 => Quarter::Q1,
        7..=9 => Quarter::Q2,
        10..=12 => Quarter::Q3,
        _ => Quarter::Q4,
    };
    FiscalQuarter {
        year: FiscalYear::containing(date),
        quarter,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn parse_accepts_both_names() {
        let table = [
            ("2026-27", 2026),
            ("2026", 2026),
            ("1999-00", 1999),
            ("2099-00", 2099),
            ("2000-01", 2000),
            ("9998-99", 9998),
        ];
        for (input, start) in table {
            assert_eq!(
                FiscalYear::parse(input),
                Ok(FiscalYear::starting(start)),
                "{input}"
            );
        }
    }

    #[test]
    fn parse_refuses_everything_else() {
        for bad in [
            "",
            "2026-28",
            "2026-26",
            "26-27",
            "2026-2027",
            "2026-7",
            "2026-",
            "-2026",
            " 2026-27",
            "2026-27 ",
            "2026/27",
            "20262",
            "202",
            "0999",
            "abcd",
            "2026-2a",
            "+2026",
            "2026-27-28",
            "９９９９",
        ] {
            let err = FiscalYear::parse(bad).expect_err(bad);
            assert_eq!(err.field(), "fiscal_year", "{bad}");
            assert!(err.to_string().contains(&format!("`{bad}`")), "{err}");
        }
        let err = FiscalYear::parse("2026-28").expect_err("not consecutive");
        assert!(err.to_string().contains("consecutive"), "{err}");
    }

    #[test]
    fn display_start_end() {
        let table = [
            (2026, "2026-27", "2026-04-01", "2027-03-31"),
            (1999, "1999-00", "1999-04-01", "2000-03-31"),
            (2027, "2027-28", "2027-04-01", "2028-03-31"),
        ];
        for (year, name, start, end) in table {
            let fy = FiscalYear::starting(year);
            assert_eq!(fy.to_string(), name);
            assert_eq!(fy.start(), d(start));
            assert_eq!(fy.end(), d(end));
            assert_eq!(FiscalYear::parse(name), Ok(fy));
        }
        assert_eq!(FiscalYear::starting(2027).range().days(), 366);
    }

    #[test]
    fn containing_edges() {
        let table = [
            ("2027-03-31", 2026),
            ("2027-04-01", 2027),
            ("2026-04-01", 2026),
            ("2026-03-31", 2025),
            ("2026-12-31", 2026),
            ("2027-01-01", 2026),
            ("2028-02-29", 2027),
        ];
        for (date, start) in table {
            assert_eq!(
                FiscalYear::containing(d(date)).start_year(),
                start,
                "{date}"
            );
        }
    }

    #[test]
    fn quarters_table() {
        let table = [
            ("2026-04-01", 2026, Quarter::Q1),
            ("2026-06-30", 2026, Quarter::Q1),
            ("2026-07-01", 2026, Quarter::Q2),
            ("2026-09-30", 2026, Quarter::Q2),
            ("2026-10-01", 2026, Quarter::Q3),
            ("2026-12-31", 2026, Quarter::Q3),
            ("2027-01-01", 2026, Quarter::Q4),
            ("2027-03-31", 2026, Quarter::Q4),
            ("2027-04-01", 2027, Quarter::Q1),
        ];
        for (date, year, quarter) in table {
            let q = quarter_of(d(date));
            assert_eq!((q.year.start_year(), q.quarter), (year, quarter), "{date}");
            assert!(q.range().contains(d(date)), "{date} in {q}");
        }
    }

    #[test]
    fn quarter_ranges_tile_the_year() {
        let fy = FiscalYear::starting(2027);
        let ranges = Quarter::ALL.map(|q| fy.quarter(q).range());
        assert_eq!(ranges[0].from, fy.start());
        assert_eq!(ranges[3].to, fy.end());
        for pair in ranges.windows(2) {
            assert_eq!(pair[0].to.succ_opt(), Some(pair[1].from));
        }
        assert_eq!(ranges.iter().map(DateRange::days).sum::<i64>(), 366);
        assert_eq!(ranges[3].to, d("2028-03-31"));
        assert_eq!(
            ranges[1],
            DateRange {
                from: d("2027-07-01"),
                to: d("2027-09-30")
            }
        );
        assert_eq!(fy.quarter(Quarter::Q3).to_string(), "2027-28 Q3");
    }

    #[test]
    fn serde_uses_the_name() {
        let fy: FiscalYear = serde_json::from_str("\"2026\"").expect("parse");
        assert_eq!(serde_json::to_string(&fy).expect("json"), "\"2026-27\"");
        assert!(serde_json::from_str::<FiscalYear>("\"2026-28\"").is_err());
    }
}
