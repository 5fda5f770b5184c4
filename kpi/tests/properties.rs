//! Properties over random inputs: `evaluate` never panics and its status
//! always agrees with where today stands in the period; suppression never
//! leaves a small value visible nor a lone hidden cell beside a non-zero
//! one; fiscal years,
//! quarters and buckets contain what they should.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use cmp_kpi::{
    Cell, DateRange, FiscalYear, Granularity, Kpi, Status, Target, Thresholds, bucket_start,
    evaluate, is_small, local_date, next_bucket_start, quarter_of, suppress,
};
use proptest::prelude::*;

fn date(days_from_2020: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 1, 1).expect("epoch") + Duration::days(days_from_2020)
}

fn any_kpi() -> impl Strategy<Value = Kpi> {
    (0..Kpi::ALL.len()).prop_map(|i| Kpi::ALL[i])
}

/// Ordinary numbers, edge values and non-numbers alike.
fn any_number() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => 0.0..1e7_f64,
        2 => 0.0..1.0_f64,
        1 => Just(0.0),
        1 => Just(-0.0),
        1 => -1e6..0.0_f64,
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(f64::MAX),
        1 => Just(f64::MIN_POSITIVE),
    ]
}

proptest! {
    #[test]
    fn evaluate_status_agrees_with_the_period(
        kpi in any_kpi(),
        goal in any_number(),
        actual in proptest::option::of(any_number()),
        from in 0i64..4000,
        len in -5i64..800,
        today_offset in -400i64..1200,
        on in 0.01..2.0_f64,
        at_share in 0.01..=1.0_f64,
    ) {
        let period = DateRange { from: date(from), to: date(from + len) };
        let today = date(from + today_offset);
        let thresholds = Thresholds { on_track: on, at_risk: on * at_share };
        let got = evaluate(&Target::new(kpi, goal), actual, period, today, thresholds);

        if today < period.from {
            prop_assert_eq!(got.status, Status::NotStarted);
            prop_assert_eq!(got.expected_to_date, 0.0);
            prop_assert_eq!(got.pace, None);
            prop_assert_eq!(got.projected, None);
        } else if today > period.to {
            prop_assert!(matches!(got.status, Status::Met | Status::NotMet), "{:?}", got.status);
        } else {
            prop_assert!(got.status.is_running(), "{:?}", got.status);
        }
        for x in [got.attainment, got.pace, got.projected].into_iter().flatten() {
            prop_assert!(x.is_finite());
        }
        prop_assert_eq!(
            got.actual.map(f64::to_bits),
            actual.filter(|a| a.is_finite()).map(f64::to_bits)
        );
        if let (true, Some(p)) = (got.status.is_running(), got.pace) {
            let want = if p >= thresholds.on_track {
                Status::OnTrack
            } else if p >= thresholds.at_risk {
                Status::AtRisk
            } else {
                Status::OffTrack
            };
            prop_assert_eq!(got.status, want);
        }
        if got.status == Status::Met {
            prop_assert!(got.attainment.is_none_or(|a| a >= 1.0));
        }
    }

    #[test]
    fn valid_targets_give_finite_expectations(
        kpi in any_kpi(),
        goal in 0.001..1.0_f64,
        actual in 0.0..1e6_f64,
        len in 0i64..400,
        today_offset in -10i64..420,
    ) {
        let target = Target::new(kpi, goal);
        prop_assert!(target.validate().is_ok());
        let period = DateRange { from: date(2000), to: date(2000 + len) };
        let today = date(2000 + today_offset);
        let got = evaluate(&target, Some(actual), period, today, Thresholds::default());
        prop_assert!(got.expected_to_date.is_finite() && got.expected_to_date >= 0.0);
        prop_assert!(got.expected_to_date <= goal);
        // More of a higher-is-better KPI never makes the status riskier.
        if kpi.direction() != cmp_kpi::Direction::LowerIsBetter {
            let more = evaluate(&target, Some(actual * 2.0 + 1.0), period, today, Thresholds::default());
            prop_assert!(more.status.risk_rank() >= got.status.risk_rank()
                || more.status == Status::NotStarted);
        }
    }

    #[test]
    fn suppression_leaves_no_small_value_nor_a_lone_hidden_cell(
        values in proptest::collection::vec(
            prop_oneof![3 => (0u32..40).prop_map(f64::from), 1 => Just(0.0), 1 => 0.0..15.0_f64],
            0..12,
        ),
        k in 0u64..20,
    ) {
        let mut cells: Vec<Cell> = values.iter().map(|&v| Cell::new(Some(v))).collect();
        suppress(&mut cells, k);
        for (cell, &original) in cells.iter().zip(&values) {
            prop_assert_eq!(cell.suppressed, cell.value.is_none());
            if is_small(original, k) {
                prop_assert!(cell.suppressed);
            }
            if let Some(v) = cell.value {
                prop_assert_eq!(v, original);
            }
        }
        let hidden = cells.iter().filter(|c| c.suppressed).count();
        let small = values.iter().filter(|&&v| is_small(v, k)).count();
        // One small cell takes the next smallest non-zero one with it; with
        // only zeros beside, none (the total is as small, hidden itself).
        let others_non_zero = values.iter().any(|&v| v > 0.0 && !is_small(v, k));
        if small == 1 && others_non_zero {
            prop_assert_eq!(hidden, 2);
        } else {
            prop_assert_eq!(hidden, small);
        }
    }

    #[test]
    fn fiscal_years_and_quarters_contain_their_dates(days in -300_000i64..300_000) {
        let d = date(days);
        let fy = FiscalYear::containing(d);
        prop_assert!(fy.range().contains(d));
        prop_assert_eq!(fy.range().days(), if fy.end().leap_year() { 366 } else { 365 });
        let q = quarter_of(d);
        prop_assert_eq!(q.year, fy);
        prop_assert!(q.range().contains(d));
        if (1000..=9998).contains(&fy.start_year()) {
            prop_assert_eq!(FiscalYear::parse(&fy.to_string()), Ok(fy));
            prop_assert_eq!(FiscalYear::parse(&fy.start_year().to_string()), Ok(fy));
        }
    }

    #[test]
    fn buckets_hold_their_instants(
        secs in 1_577_836_800i64..1_893_456_000, // 2020 ..= 2030
        tz_i in 0usize..4,
        g_i in 0usize..3,
    ) {
        let tz = [
            chrono_tz::America::Toronto,
            chrono_tz::America::St_Johns,
            chrono_tz::America::Vancouver,
            chrono_tz::America::Regina,
        ][tz_i];
        let g = [Granularity::Hour, Granularity::Day, Granularity::Week][g_i];
        let t = DateTime::<Utc>::from_timestamp(secs, 0).expect("instant");
        let start = bucket_start(t, g, tz);
        let end = next_bucket_start(t, g, tz);
        prop_assert!(start <= t && t < end, "{start} <= {t} < {end}");
        prop_assert_eq!(bucket_start(start, g, tz), start);
        prop_assert_eq!(bucket_start(end, g, tz), end);
        let hours = (end - start).num_hours();
        let allowed: &[i64] = match g {
            Granularity::Hour => &[1],
            Granularity::Day => &[23, 24, 25],
            Granularity::Week => &[167, 168, 169],
        };
        prop_assert!(allowed.contains(&hours), "{g:?} {hours}h");
        let first_day = local_date(start, tz);
        let last_day = local_date(end - Duration::seconds(1), tz);
        match g {
            Granularity::Hour => {}
            Granularity::Day => prop_assert_eq!(first_day, last_day),
            Granularity::Week => {
                prop_assert_eq!(first_day.weekday(), chrono::Weekday::Mon);
                prop_assert_eq!(last_day.weekday(), chrono::Weekday::Sun);
            }
        }
    }
}
