//! Budget pacing (contract/API.md v1.1, "Budget pacing"): how a campaign's
//! spend compares with its plan, and where it is heading.
//!
//! - **The plan** is a number of cents per day of the flight, in whole
//!   cents that add up exactly: an optional weekly flight plan (each week's
//!   amount evenly over its 7 days, the days outside the flight dropped),
//!   else the budget evenly over the flight's days. "Evenly" shares `n`
//!   cents over `d` days as `⌊n·(i+1)/d⌋ − ⌊n·i/d⌋` for day `i`, so the days
//!   sum to `n`.
//! - **To date** means from the flight's start through today, today
//!   included (days of the reporting time zone).
//! - **Projection**: spent + the average daily spend of the 7 whole days
//!   before today × the flight's days after today, rounded once to the
//!   cent; `fiscal_year_end_cents` stops the same projection at 31 March of
//!   the fiscal year the flight starts in, and `lapse_cents` is the plan up
//!   to that day that the projection leaves unspent (money that would
//!   lapse).
//! - **Status**: `not_started` before the flight, `ended` after it, else
//!   `on_pace` for an index from 0.9 to 1.1, `under` below, `over` above;
//!   with nothing planned to date, any spend is `over`.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use crate::FiscalYear;

/// The pacing index band read as on pace (inclusive).
pub const ON_PACE: (f64, f64) = (0.9, 1.1);

/// One week of a flight plan: cents planned for the 7 days from `week`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PlanWeek {
    pub week: NaiveDate,
    pub cents: u64,
}

/// What a campaign planned to spend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flight<'a> {
    pub start: NaiveDate,
    /// Inclusive.
    pub end: NaiveDate,
    pub budget_cents: u64,
    /// Empty: the budget evenly over the flight.
    pub plan: &'a [PlanWeek],
}

/// Where a campaign's spend stands (contract field names).
#[derive(Debug, Clone, PartialEq)]
pub struct Pacing {
    pub budget_cents: u64,
    pub spent_cents: u64,
    pub planned_to_date_cents: u64,
    /// `None` with nothing planned to date.
    pub pacing_index: Option<f64>,
    pub projected_cents: u64,
    pub fiscal_year_end_cents: u64,
    pub lapse_cents: u64,
    pub status: &'static str,
}

/// `total` cents shared evenly over `days` days: the share of day `i`.
fn even_share(total: u64, days: u64, i: u64) -> u64 {
    let at = |k: u64| (u128::from(total) * u128::from(k) / u128::from(days)) as u64;
    at(i + 1) - at(i)
}

impl Flight<'_> {
    /// Cents planned per day of the flight (days with nothing planned left out).
    pub fn daily_plan(&self) -> BTreeMap<NaiveDate, u64> {
        let mut plan = BTreeMap::new();
        let in_flight = |d: &NaiveDate| (self.start..=self.end).contains(d);
        if self.plan.is_empty() {
            let days = (self.end - self.start).num_days() + 1;
            let Ok(days) = u64::try_from(days) else {
                return plan;
            };
            for (i, day) in self.start.iter_days().take(days as usize).enumerate() {
                plan.insert(day, even_share(self.budget_cents, days, i as u64));
            }
        } else {
            for w in self.plan {
                for (i, day) in w.week.iter_days().take(7).enumerate() {
                    if in_flight(&day) {
                        *plan.entry(day).or_insert(0) += even_share(w.cents, 7, i as u64);
                    }
                }
            }
        }
        plan.retain(|_, c| *c > 0);
        plan
    }
}

/// 31 March of the fiscal year `day` falls in.
fn fiscal_year_end(day: NaiveDate) -> NaiveDate {
    FiscalYear::containing(day).end()
}

/// The pacing of `flight` on `today`, from its spend per day (days outside
/// the flight are ignored for `spent_cents`, but the 7 days before today
/// count whatever they are).
pub fn pacing(flight: &Flight<'_>, spend: &BTreeMap<NaiveDate, u64>, today: NaiveDate) -> Pacing {
    let plan = flight.daily_plan();
    let to_date = |days: &BTreeMap<NaiveDate, u64>| -> u64 {
        if today < flight.start {
            return 0;
        }
        days.range(flight.start..=today.min(flight.end))
            .map(|(_, c)| c)
            .sum()
    };
    let (spent, planned) = (to_date(spend), to_date(&plan));
    let week_before = today - chrono::Duration::days(7)..today;
    let last7: u64 = spend.range(week_before).map(|(_, c)| c).sum();
    // Whole days of the flight after today, up to `last` (inclusive).
    let days_after = |last: NaiveDate| {
        let first = (today + chrono::Duration::days(1)).max(flight.start);
        u64::try_from((last.min(flight.end) - first).num_days() + 1).unwrap_or(0)
    };
    let project = |days: u64| {
        let extra = (u128::from(last7) * u128::from(days) + 3) / 7; // rounded half up
        spent.saturating_add(u64::try_from(extra).unwrap_or(u64::MAX))
    };
    let fy_end = fiscal_year_end(flight.start);
    let fiscal_year_end_cents = project(days_after(fy_end));
    let planned_by_fy_end: u64 = plan.range(..=fy_end).map(|(_, c)| c).sum();
    let index = (planned > 0).then(|| spent as f64 / planned as f64);
    let status = if today < flight.start {
        "not_started"
    } else if today > flight.end {
        "ended"
    } else {
        match index {
            None if spent == 0 => "on_pace",
            None => "over",
            Some(i) if i < ON_PACE.0 => "under",
            Some(i) if i > ON_PACE.1 => "over",
            Some(_) => "on_pace",
        }
    };
    Pacing {
        budget_cents: flight.budget_cents,
        spent_cents: spent,
        planned_to_date_cents: planned,
        pacing_index: index,
        projected_cents: project(days_after(flight.end)),
        fiscal_year_end_cents,
        lapse_cents: planned_by_fy_end.saturating_sub(fiscal_year_end_cents),
        status,
    }
}

/// Whole days in a row, ending yesterday, at whose end the flight's
/// cumulative spend was off pace (index outside [`ON_PACE`]) in the same
/// direction as the day before: the alert's "over or under pace for 3
/// days". `("over" | "under", days)`, or `None` when yesterday was on pace
/// or outside the flight.
pub fn days_off_pace(
    flight: &Flight<'_>,
    spend: &BTreeMap<NaiveDate, u64>,
    today: NaiveDate,
) -> Option<(&'static str, u32)> {
    let mut run: Option<(&'static str, u32)> = None;
    let mut day = today.pred_opt()?;
    while day >= flight.start {
        let p = pacing(flight, spend, day);
        let off = matches!(p.status, "over" | "under").then_some(p.status);
        match (off, run) {
            (Some(s), None) => run = Some((s, 1)),
            (Some(s), Some((r, n))) if s == r => run = Some((r, n + 1)),
            _ => break,
        }
        day = day.pred_opt()?;
    }
    run
}

/// A flight plan's weeks from its JSON array (contract/API.md: `[{"week":
/// "2026-10-05", "cents": 1500000}, …]`): at most 260 weeks, no week twice.
pub fn parse_plan(value: &serde_json::Value) -> Result<Vec<PlanWeek>, String> {
    let serde_json::Value::Array(items) = value else {
        return Err("must be an array of {\"week\": \"YYYY-MM-DD\", \"cents\": n}".into());
    };
    if items.len() > MAX_WEEKS {
        return Err(format!("has {} weeks, at most {MAX_WEEKS}", items.len()));
    }
    let mut weeks: Vec<PlanWeek> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let serde_json::Value::Object(fields) = item else {
            return Err(format!("[{i}] must be an object {{\"week\", \"cents\"}}"));
        };
        if let Some(extra) = fields
            .keys()
            .find(|k| !matches!(k.as_str(), "week" | "cents"))
        {
            return Err(format!(
                "[{i}].{extra} is not a field of a plan week (week, cents)"
            ));
        }
        let week = fields
            .get("week")
            .and_then(|w| w.as_str())
            .and_then(|w| NaiveDate::parse_from_str(w, "%Y-%m-%d").ok())
            .filter(|w| w.year() >= 1970)
            .ok_or_else(|| format!("[{i}].week must be a date YYYY-MM-DD"))?;
        let cents = fields
            .get("cents")
            .and_then(|c| c.as_u64())
            .ok_or_else(|| format!("[{i}].cents must be a whole number of cents, 0 or more"))?;
        if weeks.iter().any(|w| w.week == week) {
            return Err(format!("[{i}].week {week} is planned twice"));
        }
        weeks.push(PlanWeek { week, cents });
    }
    weeks.sort_by_key(|w| w.week);
    Ok(weeks)
}

/// Most weeks a flight plan may list (five years).
pub const MAX_WEEKS: usize = 260;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn flat(spend: &[(&str, u64)]) -> BTreeMap<NaiveDate, u64> {
        spend.iter().map(|(day, c)| (d(day), *c)).collect()
    }

    #[test]
    fn an_even_plan_spent_exactly_is_on_pace_and_projects_the_budget() {
        // 10 days, 1,000 cents: 100 a day; 3 days spent at 100 each.
        let f = Flight {
            start: d("2026-12-01"),
            end: d("2026-12-10"),
            budget_cents: 1_000,
            plan: &[],
        };
        let spend = flat(&[
            ("2026-12-01", 100),
            ("2026-12-02", 100),
            ("2026-12-03", 100),
        ]);
        let p = pacing(&f, &spend, d("2026-12-03"));
        assert_eq!((p.spent_cents, p.planned_to_date_cents), (300, 300));
        assert_eq!(p.pacing_index, Some(1.0));
        assert_eq!(p.status, "on_pace");
        // The 7 days before the 3rd: 200 spent, 200/7 a day × 7 days left.
        assert_eq!(p.projected_cents, 300 + 200);
        // Fiscal year 2026-27 ends 2027-03-31, after the flight.
        assert_eq!(p.fiscal_year_end_cents, 500);
        assert_eq!(p.lapse_cents, 1_000 - 500);
    }

    #[test]
    fn a_weekly_plan_is_spread_over_its_days_and_clipped_to_the_flight() {
        let plan = [
            PlanWeek {
                week: d("2026-11-30"),
                cents: 700,
            },
            PlanWeek {
                week: d("2026-12-07"),
                cents: 1_400,
            },
        ];
        let f = Flight {
            start: d("2026-12-01"),
            end: d("2026-12-08"),
            budget_cents: 5_000,
            plan: &plan,
        };
        let daily = f.daily_plan();
        assert_eq!(daily.get(&d("2026-11-30")), None);
        assert_eq!(daily.values().sum::<u64>(), 600 + 400);
        assert_eq!(daily.get(&d("2026-12-08")), Some(&200));
    }

    #[test]
    fn statuses_follow_the_index_band_and_the_flight() {
        let f = Flight {
            start: d("2026-12-01"),
            end: d("2026-12-10"),
            budget_cents: 1_000,
            plan: &[],
        };
        let at = |spent: u64, today: &str| pacing(&f, &flat(&[("2026-12-01", spent)]), d(today));
        assert_eq!(at(0, "2026-11-30").status, "not_started");
        assert_eq!(at(89, "2026-12-01").status, "under");
        assert_eq!(at(90, "2026-12-01").status, "on_pace");
        assert_eq!(at(110, "2026-12-01").status, "on_pace");
        assert_eq!(at(111, "2026-12-01").status, "over");
        assert_eq!(at(1_000, "2026-12-11").status, "ended");
        // Nothing planned to date: spending anything is over.
        let plan = [PlanWeek {
            week: d("2026-12-07"),
            cents: 700,
        }];
        let late = Flight { plan: &plan, ..f };
        assert_eq!(
            pacing(&late, &flat(&[("2026-12-01", 5)]), d("2026-12-02")).status,
            "over"
        );
        assert_eq!(
            pacing(&late, &BTreeMap::new(), d("2026-12-02")).status,
            "on_pace"
        );
    }

    #[test]
    fn money_that_would_lapse_at_the_fiscal_year_end() {
        // A flight across 31 March: planned 100 a day, spending 50 a day.
        let f = Flight {
            start: d("2027-03-22"),
            end: d("2027-04-10"),
            budget_cents: 2_000,
            plan: &[],
        };
        let spend: BTreeMap<_, _> = d("2027-03-22")
            .iter_days()
            .take(7)
            .map(|day| (day, 50))
            .collect();
        let p = pacing(&f, &spend, d("2027-03-29"));
        assert_eq!((p.spent_cents, p.planned_to_date_cents), (350, 800));
        assert_eq!(p.status, "under");
        // 50 a day over the 7 days before today; after today up to 31
        // March: the 30th and 31st.
        assert_eq!(p.fiscal_year_end_cents, 350 + 100);
        assert_eq!(p.lapse_cents, 1_000 - 450);
        assert_eq!(p.projected_cents, 350 + 12 * 50);
    }

    #[test]
    fn days_off_pace_counts_a_run_in_one_direction() {
        let f = Flight {
            start: d("2026-12-01"),
            end: d("2026-12-30"),
            budget_cents: 3_000,
            plan: &[],
        };
        // On pace the 1st, then 200 a day from the 2nd: over from the 2nd.
        let mut spend = flat(&[("2026-12-01", 100)]);
        for day in d("2026-12-02").iter_days().take(4) {
            spend.insert(day, 200);
        }
        assert_eq!(
            days_off_pace(&f, &spend, d("2026-12-06")),
            Some(("over", 4))
        );
        assert_eq!(days_off_pace(&f, &spend, d("2026-12-02")), None);
        assert_eq!(days_off_pace(&f, &spend, d("2026-11-20")), None);
    }

    #[test]
    fn a_bad_plan_names_what_is_wrong() {
        let bad = |j: &str| parse_plan(&serde_json::from_str(j).expect("json")).expect_err(j);
        assert!(bad("{}").contains("array"));
        assert!(bad(r#"[{"week": "2026-10-05"}]"#).starts_with("[0].cents"));
        assert!(bad(r#"[{"week": "5 Oct", "cents": 1}]"#).starts_with("[0].week"));
        assert!(bad(r#"[{"week": "2026-10-05", "cents": -1}]"#).starts_with("[0].cents"));
        assert!(bad(r#"[{"week": "2026-10-05", "cents": 1, "x": 1}]"#).starts_with("[0].x"));
        let twice = r#"[{"week": "2026-10-05", "cents": 1}, {"week": "2026-10-05", "cents": 2}]"#;
        assert!(bad(twice).contains("twice"));
        let ok = parse_plan(
            &serde_json::from_str(
                r#"[{"week": "2026-10-12", "cents": 2}, {"week": "2026-10-05", "cents": 1}]"#,
            )
            .expect("json"),
        );
        assert_eq!(ok.expect("valid")[0].week, d("2026-10-05"));
    }

    proptest! {
        #[test]
        fn a_plan_adds_up_to_what_was_planned(budget in 0u64..10_000_000_000, days in 1i64..800,
                                             weeks in proptest::collection::vec(0u64..1_000_000_000, 0..20)) {
            let start = d("2026-04-01");
            let end = start + chrono::Duration::days(days - 1);
            let even = Flight { start, end, budget_cents: budget, plan: &[] };
            prop_assert_eq!(even.daily_plan().values().sum::<u64>(), budget);
            prop_assume!(!weeks.is_empty());
            let plan: Vec<PlanWeek> = weeks.iter().enumerate()
                .map(|(i, c)| PlanWeek { week: start + chrono::Duration::weeks(i as i64), cents: *c })
                .collect();
            let weekly = Flight { plan: &plan, ..even };
            let inside: u64 = plan.iter().map(|w| {
                w.week.iter_days().take(7).enumerate()
                    .filter(|(_, day)| *day <= end)
                    .map(|(i, _)| even_share(w.cents, 7, i as u64)).sum::<u64>()
            }).sum();
            prop_assert_eq!(weekly.daily_plan().values().sum::<u64>(), inside);
        }
    }
}
