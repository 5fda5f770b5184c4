//! Judging a target against its actual value on a given day: attainment,
//! the value expected by now, pace, the projection at the period's end and
//! the status (contract/API.md, "Performance of one campaign").
//!
//! Decisions where the contract is silent:
//! - **Today counts as elapsed.** On day `e` of an `n`-day period the
//!   elapsed share is `e / n` (the first day is 1/n, the last n/n): the
//!   report's actual includes today's data, and the first day needs a
//!   non-zero expectation. Early in the day this is conservative (today's
//!   share is expected in full).
//! - **Not started** (today before `from`): expected 0, no pace, no
//!   projection; attainment is still actual ÷ target (normally 0).
//! - **Over** (today after `to`): elapsed share 1, so expected = target,
//!   pace = attainment, projected = actual; status met/not met by
//!   attainment alone.
//! - **Ratios** (`ctr`, `cost_per_uptake_cents`, `program_online_share`)
//!   do not accumulate: expected to date is the target itself once the
//!   period has begun, pace = attainment, projected = the current value.
//!   Every other KPI (counts, spend, reach as a cumulative distinct count)
//!   is prorated: expected = target × e/n, pace = actual ÷ expected,
//!   projected = actual × n/e.
//! - **Lower is better** (`cost_per_uptake_cents`): attainment =
//!   target ÷ actual and pace = expected ÷ actual, so ≥ 1 is good for every
//!   KPI and one set of thresholds means the same thing everywhere.
//!   An actual of **0** (uptake at no cost) beats any target: attainment
//!   and pace are `None` (they would be infinite, which JSON cannot carry)
//!   and the status is the best one (`on_track`, then `met`).
//! - **No actual** (`None`: a ratio without a denominator, reach not
//!   measured): attainment, pace and projection are `None`; a running
//!   target is `off_track` and a finished one `not_met`: nothing shows it
//!   is being achieved.
//! - `spend_cents` (neither better) is judged as a spending plan, like a
//!   higher-is-better KPI.
//! - Thresholds are inclusive: pace exactly 0.90 is on track, exactly 0.75
//!   at risk. Pace is computed as one division of exact products
//!   (`actual × n ÷ (target × e)`), so inputs whose exact ratio is 0.9 give
//!   the same double as the literal `0.90`, with no tolerance needed.
//! - Numbers that are not finite (a target of 0 that skipped validation)
//!   give `None`, never NaN or infinity; a non-finite actual counts as no
//!   actual. `evaluate` never panics.
//! - Small-cell suppression is the caller's: for a client-count KPI whose
//!   actual is suppressed, hide `actual`, `attainment`, `pace` and
//!   `projected` too (any of them gives the actual back from the target).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::kpi::Direction;
use crate::period::DateRange;
use crate::status::Status;
use crate::target::Target;

/// The pace thresholds between on track, at risk and off track.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    /// Pace at or above this is on track (contract default 0.90).
    pub on_track: f64,
    /// Pace at or above this (and below `on_track`) is at risk (0.75).
    pub at_risk: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            on_track: 0.90,
            at_risk: 0.75,
        }
    }
}

impl Thresholds {
    /// Configured thresholds: finite, `0 < at_risk ≤ on_track`. The error
    /// names the bad one.
    pub fn new(on_track: f64, at_risk: f64) -> Result<Thresholds, Error> {
        if !on_track.is_finite() || on_track <= 0.0 {
            return Err(Error::invalid(
                "on_track",
                "must be a number greater than 0",
            ));
        }
        if !at_risk.is_finite() || at_risk <= 0.0 || at_risk > on_track {
            return Err(Error::invalid(
                "at_risk",
                "must be a number greater than 0 and at most the on-track threshold",
            ));
        }
        Ok(Thresholds { on_track, at_risk })
    }
}

/// A target judged on a day. `None` means "not defined" (see the module
/// documentation), serialised as `null`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Evaluation {
    /// The KPI's value over the target's slice and period so far.
    pub actual: Option<f64>,
    /// actual ÷ target (target ÷ actual for lower-is-better).
    pub attainment: Option<f64>,
    /// target × elapsed share (the target itself for a ratio KPI); 0
    /// before the period starts.
    pub expected_to_date: f64,
    /// actual ÷ expected_to_date (inverted for lower-is-better).
    pub pace: Option<f64>,
    /// The value at the period's end at the current rate.
    pub projected: Option<f64>,
    pub status: Status,
}

/// Where `today` stands in the period.
enum Phase {
    NotStarted,
    /// Day `elapsed` (1-based, today included) of `days`.
    Running {
        elapsed: i64,
        days: i64,
    },
    Over,
}

/// Judges `target` given its `actual` value over `period` (the target's
/// own `from`/`to`, else the campaign flight: `Target::period`) on `today`
/// (in the reporting time zone).
pub fn evaluate(
    target: &Target,
    actual: Option<f64>,
    period: DateRange,
    today: NaiveDate,
    thresholds: Thresholds,
) -> Evaluation {
    let goal = target.target;
    let actual = actual.filter(|a| a.is_finite());
    let lower = target.kpi.direction() == Direction::LowerIsBetter;
    let phase = if today < period.from {
        Phase::NotStarted
    } else if today > period.to {
        Phase::Over
    } else {
        Phase::Running {
            elapsed: (today - period.from).num_days() + 1,
            days: period.days(),
        }
    };
    // Elapsed share as the exact integers e / n.
    let (e, n) = match phase {
        Phase::NotStarted => (0.0, 1.0),
        Phase::Running { elapsed, days } => (elapsed as f64, days as f64),
        Phase::Over => (1.0, 1.0),
    };
    let started = !matches!(phase, Phase::NotStarted);
    // Uptake at no cost: infinitely good, and not a number we can report.
    let free = lower && actual == Some(0.0);

    let attainment = actual.and_then(|a| {
        if free {
            None
        } else if lower {
            ratio(goal, a)
        } else {
            ratio(a, goal)
        }
    });
    let (expected_to_date, pace, projected) = if target.kpi.is_ratio() {
        let expected = if started { goal } else { 0.0 };
        (
            expected,
            attainment.filter(|_| started),
            actual.filter(|_| started),
        )
    } else {
        // The whole period elapsed expects the target itself (goal × n / n
        // may round one ulp above it).
        let expected = if e >= n {
            goal
        } else {
            finite(goal * e / n).unwrap_or(0.0)
        };
        let pace = actual.filter(|_| started && !free).and_then(|a| {
            if lower {
                ratio(goal * e, a * n)
            } else {
                ratio(a * n, goal * e)
            }
        });
        let projected = actual.filter(|_| started).and_then(|a| ratio(a * n, e));
        (expected, pace, projected)
    };

    let status = match phase {
        Phase::NotStarted => Status::NotStarted,
        Phase::Over if free || attainment.is_some_and(|a| a >= 1.0) => Status::Met,
        Phase::Over => Status::NotMet,
        Phase::Running { .. } if free => Status::OnTrack,
        Phase::Running { .. } => match pace {
            Some(p) if p >= thresholds.on_track => Status::OnTrack,
            Some(p) if p >= thresholds.at_risk => Status::AtRisk,
            _ => Status::OffTrack,
        },
    };
    Evaluation {
        actual,
        attainment,
        expected_to_date,
        pace,
        projected,
        status,
    }
}

/// `a ÷ b` when it is a finite number.
fn ratio(a: f64, b: f64) -> Option<f64> {
    if b == 0.0 { None } else { finite(a / b) }
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kpi::Kpi;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    /// A 100-day period: 2026-10-01 ..= 2027-01-08.
    fn hundred_days() -> DateRange {
        let period = DateRange {
            from: d("2026-10-01"),
            to: d("2027-01-08"),
        };
        assert_eq!(period.days(), 100);
        period
    }

    /// Day `n` (1-based) of the 100-day period.
    fn day(n: i64) -> NaiveDate {
        d("2026-10-01") + chrono::Duration::days(n - 1)
    }

    fn eval(kpi: Kpi, goal: f64, actual: Option<f64>, today: NaiveDate) -> Evaluation {
        evaluate(
            &Target::new(kpi, goal),
            actual,
            hundred_days(),
            today,
            Thresholds::default(),
        )
    }

    #[test]
    fn additive_table() {
        use Status::*;
        // kpi, target, actual, today, expected, pace, projected, status
        #[rustfmt::skip]
        let table = [
            // Day 10 of 100: 100 expected.
            (Kpi::UptakeCompleted, 1000.0, 100.0, day(10), 100.0, Some(1.0), Some(1000.0), OnTrack),
            (Kpi::UptakeCompleted, 1000.0, 90.0, day(10), 100.0, Some(0.9), Some(900.0), OnTrack),
            (Kpi::UptakeCompleted, 1000.0, 89.0, day(10), 100.0, Some(0.89), Some(890.0), AtRisk),
            (Kpi::UptakeCompleted, 1000.0, 75.0, day(10), 100.0, Some(0.75), Some(750.0), AtRisk),
            (Kpi::UptakeCompleted, 1000.0, 74.0, day(10), 100.0, Some(0.74), Some(740.0), OffTrack),
            (Kpi::UptakeCompleted, 1000.0, 0.0, day(10), 100.0, Some(0.0), Some(0.0), OffTrack),
            // Exactly 0.90 / 0.75 with a target that does not divide evenly.
            (Kpi::Clicks, 300.0, 81.0, day(30), 90.0, Some(0.9), Some(270.0), OnTrack),
            (Kpi::Reach, 400.0, 75.0, day(25), 100.0, Some(0.75), Some(300.0), AtRisk),
            // First day: today counts, 1/100 expected.
            (Kpi::Visits, 500.0, 5.0, day(1), 5.0, Some(1.0), Some(500.0), OnTrack),
            // Last day: the whole target expected.
            (Kpi::Visits, 500.0, 450.0, day(100), 500.0, Some(0.9), Some(450.0), OnTrack),
            // Ahead of pace.
            (Kpi::Impressions, 1e6, 2e5, day(10), 1e5, Some(2.0), Some(2e6), OnTrack),
            // Spend is a spending plan.
            (Kpi::SpendCents, 10_000.0, 500.0, day(10), 1000.0, Some(0.5), Some(5000.0), OffTrack),
        ];
        for (kpi, goal, actual, today, expected, pace, projected, status) in table {
            let got = eval(kpi, goal, Some(actual), today);
            let case = format!("{kpi} {goal} {actual} {today}");
            assert_eq!(got.expected_to_date, expected, "{case}");
            assert_eq!(got.pace, pace, "{case}");
            assert_eq!(got.projected, projected, "{case}");
            assert_eq!(got.status, status, "{case}");
            assert_eq!(got.attainment, Some(actual / goal), "{case}");
            assert_eq!(got.actual, Some(actual), "{case}");
        }
    }

    #[test]
    fn period_phases_table() {
        use Status::*;
        // today, actual, status, expected, pace, projected
        #[rustfmt::skip]
        let table = [
            (d("2026-09-30"), 0.0, NotStarted, 0.0, None, None),
            (d("2026-01-01"), 5.0, NotStarted, 0.0, None, None),
            (d("2027-01-09"), 1000.0, Met, 1000.0, Some(1.0), Some(1000.0)),
            (d("2027-01-09"), 1200.0, Met, 1000.0, Some(1.2), Some(1200.0)),
            (d("2027-01-09"), 999.0, NotMet, 1000.0, Some(0.999), Some(999.0)),
            (d("2027-06-01"), 0.0, NotMet, 1000.0, Some(0.0), Some(0.0)),
            // Over: status by attainment even though pace ≥ 0.9.
            (d("2027-01-09"), 950.0, NotMet, 1000.0, Some(0.95), Some(950.0)),
        ];
        for (today, actual, status, expected, pace, projected) in table {
            let got = eval(Kpi::UptakeCompleted, 1000.0, Some(actual), today);
            assert_eq!(got.status, status, "{today} {actual}");
            assert_eq!(got.expected_to_date, expected, "{today} {actual}");
            assert_eq!(got.pace, pace, "{today} {actual}");
            assert_eq!(got.projected, projected, "{today} {actual}");
        }
        // A one-day period: running on its day, over the day after.
        let one = DateRange::day(d("2026-10-01"));
        let t = Target::new(Kpi::Clicks, 10.0);
        let on = |today, actual| evaluate(&t, Some(actual), one, today, Thresholds::default());
        assert_eq!(on(d("2026-10-01"), 9.0).status, Status::OnTrack);
        assert_eq!(on(d("2026-10-01"), 9.0).expected_to_date, 10.0);
        assert_eq!(on(d("2026-10-02"), 9.0).status, Status::NotMet);
        assert_eq!(on(d("2026-10-02"), 10.0).status, Status::Met);
    }

    #[test]
    fn ratio_table() {
        use Status::*;
        // kpi, target, actual, today, attainment, pace, status
        #[rustfmt::skip]
        let table = [
            (Kpi::Ctr, 0.02, 0.02, day(10), Some(1.0), OnTrack),
            // Divisors that are powers of two keep the boundaries exact.
            (Kpi::Ctr, 0.25, 0.225, day(10), Some(0.9), OnTrack),
            (Kpi::Ctr, 0.25, 0.1875, day(50), Some(0.75), AtRisk),
            (Kpi::Ctr, 0.25, 0.1874, day(50), Some(0.1874 / 0.25), OffTrack),
            (Kpi::Ctr, 0.02, 0.01, day(1), Some(0.5), OffTrack),
            (Kpi::ProgramOnlineShare, 0.5, 0.45, day(99), Some(0.9), OnTrack),
            (Kpi::ProgramOnlineShare, 0.5, 0.375, day(2), Some(0.75), AtRisk),
            (Kpi::ProgramOnlineShare, 0.5, 0.5, d("2027-01-09"), Some(1.0), Met),
            (Kpi::ProgramOnlineShare, 0.5, 0.49, d("2027-01-09"), Some(0.98), NotMet),
            // Lower is better: 2500 ¢ target.
            (Kpi::CostPerUptakeCents, 2500.0, 2500.0, day(10), Some(1.0), OnTrack),
            (Kpi::CostPerUptakeCents, 2700.0, 3000.0, day(10), Some(0.9), OnTrack),
            (Kpi::CostPerUptakeCents, 2400.0, 3000.0, day(10), Some(0.8), AtRisk),
            (Kpi::CostPerUptakeCents, 3000.0, 4000.0, day(10), Some(0.75), AtRisk),
            (Kpi::CostPerUptakeCents, 2500.0, 5000.0, day(10), Some(0.5), OffTrack),
            (Kpi::CostPerUptakeCents, 2500.0, 1250.0, day(10), Some(2.0), OnTrack),
            (Kpi::CostPerUptakeCents, 2500.0, 2000.0, d("2027-01-09"), Some(1.25), Met),
            (Kpi::CostPerUptakeCents, 2500.0, 2600.0, d("2027-01-09"), Some(2500.0 / 2600.0), NotMet),
        ];
        for (kpi, goal, actual, today, attainment, status) in table {
            let got = eval(kpi, goal, Some(actual), today);
            let case = format!("{kpi} {goal} {actual} {today}");
            assert_eq!(got.attainment, attainment, "{case}");
            assert_eq!(
                got.pace, attainment,
                "{case}: a ratio's pace is its attainment"
            );
            assert_eq!(got.expected_to_date, goal, "{case}: not prorated");
            assert_eq!(got.projected, Some(actual), "{case}: the current value");
            assert_eq!(got.status, status, "{case}");
        }
        let early = eval(Kpi::Ctr, 0.02, Some(0.03), d("2026-09-01"));
        assert_eq!(
            (early.status, early.expected_to_date, early.pace),
            (NotStarted, 0.0, None)
        );
    }

    #[test]
    fn zero_cost_beats_any_target() {
        let table = [
            (day(10), Status::OnTrack),
            (d("2027-01-09"), Status::Met),
            (d("2026-09-01"), Status::NotStarted),
        ];
        for (today, status) in table {
            let got = eval(Kpi::CostPerUptakeCents, 2500.0, Some(0.0), today);
            assert_eq!(got.status, status, "{today}");
            assert_eq!((got.attainment, got.pace), (None, None), "{today}");
            assert_eq!(got.actual, Some(0.0));
        }
    }

    #[test]
    fn missing_actual_table() {
        let table = [
            (Kpi::Ctr, day(10), Status::OffTrack),
            (Kpi::Ctr, d("2027-01-09"), Status::NotMet),
            (Kpi::Ctr, d("2026-09-30"), Status::NotStarted),
            (Kpi::Reach, day(10), Status::OffTrack),
            (Kpi::CostPerUptakeCents, day(10), Status::OffTrack),
            (Kpi::CostPerUptakeCents, d("2027-01-09"), Status::NotMet),
        ];
        for (kpi, today, status) in table {
            let got = eval(kpi, 0.5, None, today);
            assert_eq!(got.status, status, "{kpi} {today}");
            assert_eq!(
                (got.attainment, got.pace, got.projected),
                (None, None, None)
            );
        }
    }

    #[test]
    fn unvalidated_zero_target_gives_no_numbers() {
        let got = eval(Kpi::Clicks, 0.0, Some(5.0), day(10));
        assert_eq!(
            (got.attainment, got.pace, got.expected_to_date),
            (None, None, 0.0)
        );
        assert_eq!(got.status, Status::OffTrack);
        let got = eval(Kpi::CostPerUptakeCents, 0.0, Some(5.0), d("2027-01-09"));
        assert_eq!((got.attainment, got.status), (Some(0.0), Status::NotMet));
    }

    #[test]
    fn configured_thresholds() {
        let strict = Thresholds::new(1.0, 0.95).expect("valid");
        let t = Target::new(Kpi::Clicks, 1000.0);
        let status = |actual| evaluate(&t, Some(actual), hundred_days(), day(10), strict).status;
        assert_eq!(status(100.0), Status::OnTrack);
        assert_eq!(status(95.0), Status::AtRisk);
        assert_eq!(status(94.0), Status::OffTrack);
        let table = [
            (f64::NAN, 0.5, "on_track"),
            (0.0, 0.0, "on_track"),
            (0.9, 0.95, "at_risk"),
            (0.9, -0.1, "at_risk"),
            (0.9, f64::INFINITY, "at_risk"),
        ];
        for (on, at, field) in table {
            assert_eq!(
                Thresholds::new(on, at).expect_err(field).field(),
                field,
                "{on} {at}"
            );
        }
        assert_eq!(Thresholds::new(0.9, 0.9).map(|t| t.at_risk), Ok(0.9));
    }

    #[test]
    fn serialises_with_contract_names() {
        let got = eval(Kpi::Ctr, 0.02, None, day(10));
        let json = serde_json::to_value(got).expect("json");
        assert_eq!(
            json,
            serde_json::json!({"actual": null, "attainment": null, "expected_to_date": 0.02,
                               "pace": null, "projected": null, "status": "off_track"})
        );
    }
}
