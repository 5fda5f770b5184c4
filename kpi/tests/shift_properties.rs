//! Properties of channel shift over random inputs: the savings equal the
//! contract's sum (Σ over channels of (completed × baseline share −
//! completed) × unit cost) to the cent, are zero whenever the period keeps
//! the baseline's mix, and the default periods are two runs of 12 whole
//! calendar months ending before today's month.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, Months, NaiveDate};
use cmp_kpi::{ShiftPeriods, Stages, mix, savings};
use proptest::prelude::*;

const CHANNELS: [&str; 4] = ["online", "phone", "in_person", "mail"];

fn stages(completed: &[u64]) -> (Vec<(String, Stages)>, Stages) {
    let list = completed
        .iter()
        .zip(CHANNELS)
        .map(|(c, ch)| (ch.to_owned(), Stages::exact(c * 2, c + 1, *c)))
        .collect();
    let total: u64 = completed.iter().sum();
    let totals = Stages::exact(total * 2, total + completed.len() as u64, total);
    (list, totals)
}

fn costs(k: &[u64]) -> BTreeMap<&'static str, u64> {
    CHANNELS.into_iter().zip(k.iter().copied()).collect()
}

proptest! {
    #[test]
    fn savings_are_the_contract_s_sum_rounded_to_the_cent(
        period in proptest::collection::vec(0u64..1_000_000, 1..=4),
        baseline in proptest::collection::vec(0u64..1_000_000, 4),
        unit in proptest::collection::vec(0u64..100_000, 4),
    ) {
        let n = period.len();
        let (p, pt) = stages(&period);
        let (b, bt) = stages(&baseline[..n]);
        let k = costs(&unit[..n]);
        let got = savings(&mix(&p, pt, &k), &mix(&b, bt, &k));
        let c: u64 = period.iter().sum();
        let b_total: u64 = baseline[..n].iter().sum();
        if b_total == 0 {
            prop_assert_eq!(got.value, None);
        } else {
            let want: f64 = (0..n)
                .map(|i| {
                    let share = baseline[i] as f64 / b_total as f64;
                    (c as f64 * share - period[i] as f64) * unit[i] as f64
                })
                .sum();
            let v = got.value.expect("defined");
            prop_assert_eq!(v.fract(), 0.0);
            prop_assert!((v - want).abs() <= 0.5 + 1e-9 * want.abs().max(1.0), "{} vs {}", v, want);
        }
    }

    #[test]
    fn keeping_the_baseline_mix_saves_nothing(
        baseline in proptest::collection::vec(0u64..100_000, 1..=4),
        times in 0u64..50,
        unit in proptest::collection::vec(0u64..100_000, 4),
    ) {
        let n = baseline.len();
        let period: Vec<u64> = baseline.iter().map(|b| b * times).collect();
        let (p, pt) = stages(&period);
        let (b, bt) = stages(&baseline);
        let k = costs(&unit[..n]);
        let got = savings(&mix(&p, pt, &k), &mix(&b, bt, &k));
        if baseline.iter().sum::<u64>() > 0 {
            prop_assert_eq!(got.value, Some(0.0));
        }
    }

    #[test]
    fn default_periods_are_two_runs_of_twelve_whole_months(days in 0i64..20_000) {
        let today = NaiveDate::from_ymd_opt(1990, 1, 1).expect("date") + Duration::days(days);
        let p = ShiftPeriods::resolve(today, None, None, None, None).expect("defaults");
        let first = today.with_day(1).expect("first");
        prop_assert_eq!(p.period.to, first - Duration::days(1));
        prop_assert_eq!(Some(p.period.from), first.checked_sub_months(Months::new(12)));
        prop_assert_eq!(p.baseline.to, p.period.from - Duration::days(1));
        prop_assert_eq!(Some(p.baseline.from), first.checked_sub_months(Months::new(24)));
        prop_assert_eq!(p.period.from.day(), 1);
    }
}
