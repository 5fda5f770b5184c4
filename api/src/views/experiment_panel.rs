//! From the ledger's uptake per unit and reporting day to what
//! `cmp_measure::experiment` reads: one series per unit, one value per day
//! from `pre_from` (day 0) to the last complete day of data (yesterday, or
//! `to` once it is past), and the registration in days. Pure.
//!
//! - A unit's value on a day is its KPI: the count of the stage for the
//!   `program_uptake_*` KPIs; for `program_online_share`, completed online
//!   ÷ completed. A day without a completion has no share of its own: it
//!   takes the unit's share over the whole window, so it moves the unit's
//!   level neither way (the estimator averages shares over days).
//! - Days without a row are zero; today is never included (a partial day
//!   would read as a drop).
//! - "Units with data" (the default controls, and what a named unit must
//!   be) are the units whose KPI count (completed, for the share) is
//!   positive over the pre-period.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use cmp_measure::{Design, KpiKind, TreatedUnit, UnitSeries};
use cmp_store::UnitDay;

use super::experiment_body::{Definition, ExperimentKpi};

/// The counts behind one unit's KPI over a range of days.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// The KPI's count (completed, for the share).
    pub count: u64,
    /// Completed online (the share's numerator; 0 for the count KPIs).
    pub online: u64,
}

/// The data of one experiment, in days from `pre_from`.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    /// Per unit (by code) and day index, the counts.
    days: BTreeMap<String, BTreeMap<usize, Counts>>,
    /// Days of data: `pre_from ..= last`.
    pub len: usize,
    pub kpi: ExperimentKpi,
}

/// Days from `from` to `to`.
fn days(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days()
}

/// The last complete day of data for the registration: `to`, or yesterday
/// while the test runs (`None` before `pre_from` has passed).
pub fn last_day(def: &Definition, today: NaiveDate) -> Option<NaiveDate> {
    let yesterday = today.pred_opt()?;
    let last = def.to.min(yesterday);
    (last >= def.pre_from).then_some(last)
}

impl Panel {
    /// The ledger's rows of `pre_from ..= last` in zone `tz`.
    pub fn new(def: &Definition, last: NaiveDate, rows: &[UnitDay], tz: Tz) -> Panel {
        let len = usize::try_from(days(def.pre_from, last) + 1).unwrap_or(0);
        let mut by_unit: BTreeMap<String, BTreeMap<usize, Counts>> = BTreeMap::new();
        // Not a place: a region `XX` (unknown) or `CA` (national).
        let is_place = |u: &str| def.unit.code(u).as_deref() == Some(u);
        for r in rows.iter().filter(|r| is_place(&r.unit)) {
            let Some(start) = DateTime::<Utc>::from_timestamp(i64::from(r.day), 0) else {
                continue;
            };
            let date = cmp_kpi::local_date(start, tz);
            let Ok(i) = usize::try_from(days(def.pre_from, date)) else {
                continue;
            };
            if i >= len {
                continue;
            }
            let counts = match def.kpi {
                ExperimentKpi::ProgramUptakeStarted => Counts {
                    count: r.started,
                    online: 0,
                },
                ExperimentKpi::ProgramUptakeSubmitted => Counts {
                    count: r.submitted,
                    online: 0,
                },
                ExperimentKpi::ProgramUptakeCompleted => Counts {
                    count: r.completed,
                    online: 0,
                },
                ExperimentKpi::ProgramOnlineShare => Counts {
                    count: r.completed,
                    online: r.online_completed,
                },
            };
            let day = by_unit
                .entry(r.unit.clone())
                .or_default()
                .entry(i)
                .or_default();
            day.count += counts.count;
            day.online += counts.online;
        }
        Panel {
            days: by_unit,
            len,
            kpi: def.kpi,
        }
    }

    /// The unit's counts summed over the days `from ..= to` (clipped to the data).
    pub fn sum(&self, unit: &str, from: usize, to: usize) -> Counts {
        self.days
            .get(unit)
            .map(|days| {
                days.range(from..=to)
                    .fold(Counts::default(), |a, (_, c)| Counts {
                        count: a.count + c.count,
                        online: a.online + c.online,
                    })
            })
            .unwrap_or_default()
    }

    /// The unit's counts on each day `from ..= to` that has data, by day
    /// index.
    pub fn daily(&self, unit: &str, from: usize, to: usize) -> Vec<(usize, Counts)> {
        self.days
            .get(unit)
            .map(|days| days.range(from..=to).map(|(i, c)| (*i, *c)).collect())
            .unwrap_or_default()
    }

    /// Units whose KPI count is positive over the days `from ..= to`.
    pub fn with_data(&self, from: usize, to: usize) -> Vec<String> {
        self.days
            .keys()
            .filter(|u| self.sum(u, from, to).count > 0)
            .cloned()
            .collect()
    }

    /// One unit's series, one value per day.
    fn series(&self, unit: &str) -> Vec<f64> {
        let empty = BTreeMap::new();
        let days = self.days.get(unit).unwrap_or(&empty);
        let whole = self.sum(unit, 0, self.len.saturating_sub(1));
        let mean_share = if whole.count > 0 {
            whole.online as f64 / whole.count as f64
        } else {
            0.0
        };
        (0..self.len)
            .map(|i| {
                let c = days.get(&i).copied().unwrap_or_default();
                match self.kpi {
                    ExperimentKpi::ProgramOnlineShare if c.count == 0 => mean_share,
                    ExperimentKpi::ProgramOnlineShare => c.online as f64 / c.count as f64,
                    _ => c.count as f64,
                }
            })
            .collect()
    }

    /// The series of `units`.
    pub fn unit_series(&self, units: &[String]) -> Vec<UnitSeries> {
        units
            .iter()
            .map(|u| UnitSeries {
                unit: u.clone(),
                values: self.series(u),
            })
            .collect()
    }
}

/// The registration in days from `pre_from`, `control` resolved.
pub fn design(def: &Definition, control: &[String], spend_cents: u64) -> Design {
    let index = |d: NaiveDate| usize::try_from(days(def.pre_from, d)).unwrap_or(0);
    let start = index(def.start());
    Design {
        treated: def
            .treated
            .iter()
            .map(|t| TreatedUnit {
                unit: t.clone(),
                start,
            })
            .collect(),
        control: control.to_vec(),
        pre: 0..index(def.pre_to) + 1,
        test_end: index(def.to) + 1,
        kind: match def.kpi {
            ExperimentKpi::ProgramOnlineShare => KpiKind::Share,
            _ => KpiKind::Count,
        },
        spend_cents: Some(spend_cents),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::experiment_body::{Unit, parse_body};

    fn def(kpi: &str) -> Definition {
        let body = format!(
            r#"{{"unit": "region", "treated": ["NS"], "kpi": "{kpi}", "pre_from": "2026-10-01",
 "pre_to": "2026-10-03", "from": "2026-10-05", "to": "2026-10-06"}}"#
        );
        parse_body(body.as_bytes()).expect("valid")
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    /// A row on `date` (midnight in Toronto) with completed `c`, online `o`.
    fn row(unit: &str, date: &str, c: u64, o: u64) -> UnitDay {
        let (start, _) = cmp_kpi::local_day_bounds_utc(d(date), chrono_tz::America::Toronto);
        UnitDay {
            unit: unit.into(),
            day: u32::try_from(start.timestamp()).expect("fits"),
            started: 100 + c,
            submitted: 0,
            completed: c,
            online_completed: o,
        }
    }

    #[test]
    fn days_become_series_and_the_registration_becomes_periods() {
        let tz = chrono_tz::America::Toronto;
        let rows = [
            row("NS", "2026-10-01", 4, 1),
            row("NS", "2026-10-03", 4, 3),
            row("PE", "2026-10-02", 2, 2),
            row("PE", "2026-10-09", 9, 9), // after `last`: left out
            row("XX", "2026-10-02", 9, 9), // no place
            row("CA", "2026-10-02", 9, 9),
        ];
        let completed = def("program_uptake_completed");
        assert_eq!(completed.unit, Unit::Region);
        // Running: yesterday is the last day; before pre_from there is none.
        assert_eq!(last_day(&completed, d("2026-10-06")), Some(d("2026-10-05")));
        assert_eq!(last_day(&completed, d("2026-12-01")), Some(d("2026-10-06")));
        assert_eq!(last_day(&completed, d("2026-10-01")), None);
        let last = d("2026-10-05");
        let p = Panel::new(&completed, last, &rows, tz);
        assert_eq!(p.len, 5);
        let s = p.unit_series(&["NS".into(), "PE".into(), "QC".into()]);
        assert_eq!(s[0].values, [4.0, 0.0, 4.0, 0.0, 0.0]);
        assert_eq!(s[1].values, [0.0, 2.0, 0.0, 0.0, 0.0]);
        assert_eq!(s[2].values, [0.0; 5]);
        assert_eq!(
            p.sum("NS", 0, 2),
            Counts {
                count: 8,
                online: 0
            }
        );
        assert_eq!(p.with_data(0, 2), ["NS", "PE"]);
        let started = Panel::new(&def("program_uptake_started"), last, &rows, tz);
        assert_eq!(
            started.unit_series(&["NS".into()])[0].values,
            [104.0, 0.0, 104.0, 0.0, 0.0]
        );
        // Shares: a day without completions takes the unit's share (4 of 8).
        let share = Panel::new(&def("program_online_share"), last, &rows, tz);
        assert_eq!(
            share.unit_series(&["NS".into()])[0].values,
            [0.25, 0.5, 0.75, 0.5, 0.5]
        );
        let design = design(&completed, &["PE".into(), "QC".into()], 700);
        assert_eq!(design.pre, 0..3);
        assert_eq!((design.treated[0].start, design.test_end), (4, 6));
        assert_eq!(
            (design.kind, design.spend_cents),
            (KpiKind::Count, Some(700))
        );
    }
}
