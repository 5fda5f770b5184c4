//! Anomalies (contract/API.md v1.1): the days on which a daily KPI of a
//! campaign left its expected band.
//!
//! - **Expected band**: the same weekday over the [`WEEKS`] weeks before
//!   the day (from the flight's first day on; at least [`MIN_HISTORY`] of
//!   them, else no judgement): the median, ± the widest of 3 × 1.4826 ×
//!   the median absolute deviation (robust: one odd week moves neither),
//!   the noise of the model (counts as counts: 3 × √median, Poisson;
//!   spend, a sum over the day's `n` events: 3 × 1.2 × median / √n, or
//!   20 % of the median without `n`; a share: 3 × √(p(1 − p)/n) with the
//!   day's denominator), and, for counts, the suppression threshold `k` (a
//!   count can move by k without a flag: small counts say nothing).
//! - **Kind**: below the band a `drop`, above it a `spike`; a
//!   `tracking_break` when an outreach channel that reported on each of
//!   the 7 days before reports nothing (its KPI, the channel as driver).
//! - **Driver**: of the channel, region and segment values, the one whose
//!   own deviation from its same-weekday median goes furthest in the
//!   flag's direction.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};

/// Weeks of same-weekday history a band is drawn from.
pub const WEEKS: i64 = 8;
/// Fewest same-weekday days a band needs.
pub const MIN_HISTORY: usize = 3;
/// Days a channel must have reported, each of them, before a zero is a
/// tracking break.
pub const REPORTING_DAYS: i64 = 7;
const Z: f64 = 3.0;
const MAD_TO_SD: f64 = 1.4826;

/// How a KPI's noise is modelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    Count,
    Money,
    /// A ratio; its denominators per day are in [`Series::denominators`].
    Share,
}

/// One KPI per day, in total and by dimension value.
#[derive(Debug, Clone, Default)]
pub struct Series {
    pub total: BTreeMap<NaiveDate, f64>,
    /// `(dimension, value)` → per day.
    pub parts: BTreeMap<(String, String), BTreeMap<NaiveDate, f64>>,
    /// A share's denominator per day; for spend, the day's events.
    pub denominators: BTreeMap<NaiveDate, f64>,
}

/// The expected value and its band.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    pub expected: f64,
    pub low: f64,
    pub high: f64,
}

/// A day a KPI left its band.
#[derive(Debug, Clone, PartialEq)]
pub struct Flag {
    pub day: NaiveDate,
    pub kpi: &'static str,
    pub observed: f64,
    pub band: Band,
    /// `drop`, `spike` or `tracking_break`.
    pub kind: &'static str,
    /// `(dimension, value)`.
    pub driver: Option<(String, String)>,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    match n {
        0 => 0.0,
        _ if n % 2 == 1 => v[n / 2],
        _ => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// The same weekday's values in the weeks before `day`, from `first` on
/// (a missing day counts 0).
fn history(days: &BTreeMap<NaiveDate, f64>, day: NaiveDate, first: NaiveDate) -> Vec<f64> {
    (1..=WEEKS)
        .map(|w| day - Duration::weeks(w))
        .filter(|d| *d >= first)
        .map(|d| days.get(&d).copied().unwrap_or(0.0))
        .collect()
}

/// The band of `past` under `model`: `n` is a share's denominator, `k`
/// the suppression threshold.
pub fn band(past: &[f64], model: Model, n: f64, k: f64) -> Option<Band> {
    if past.len() < MIN_HISTORY {
        return None;
    }
    let m = median(past.to_vec());
    let mad = median(past.iter().map(|x| (x - m).abs()).collect());
    let noise = match model {
        Model::Count => (Z * m.max(1.0).sqrt()).max(k),
        // A sum over the day's `n` events: its noise grows as √n (a cost
        // per event varying by up to half its mean, 1.2 × Poisson's).
        Model::Money if n > 0.0 => Z * 1.2 * m / n.sqrt(),
        Model::Money => 0.2 * m,
        Model::Share => Z * (m * (1.0 - m) / n.max(1.0)).max(0.0).sqrt(),
    };
    let half = (Z * MAD_TO_SD * mad).max(noise);
    Some(Band {
        expected: m,
        low: (m - half).max(0.0),
        high: m + half,
    })
}

/// The value whose deviation goes furthest in `sign`'s direction on `day`.
fn driver(s: &Series, day: NaiveDate, first: NaiveDate, sign: f64) -> Option<(String, String)> {
    s.parts
        .iter()
        .filter(|((_, value), _)| !value.is_empty())
        .map(|(key, days)| {
            let observed = days.get(&day).copied().unwrap_or(0.0);
            (key, sign * (observed - median(history(days, day, first))))
        })
        .filter(|(_, dev)| *dev > 0.0)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(key, _)| key.clone())
}

/// The flags of one KPI on `day`.
pub fn detect(
    kpi: &'static str,
    model: Model,
    s: &Series,
    day: NaiveDate,
    first: NaiveDate,
    k: f64,
) -> Vec<Flag> {
    let mut flags = Vec::new();
    let n = s.denominators.get(&day).copied().unwrap_or(0.0);
    let observed = s.total.get(&day).copied();
    let past = history(&s.total, day, first);
    if let (Some(b), Some(observed)) = (band(&past, model, n, k), observed.or(Some(0.0)))
        && (model != Model::Share || n > 0.0)
    {
        let sign = if observed < b.low {
            Some((-1.0, "drop"))
        } else if observed > b.high {
            Some((1.0, "spike"))
        } else {
            None
        };
        if let Some((sign, kind)) = sign {
            flags.push(Flag {
                day,
                kpi,
                observed,
                band: b,
                kind,
                driver: driver(s, day, first, sign),
            });
        }
    }
    if model == Model::Count {
        for ((dimension, value), days) in &s.parts {
            let reported = (1..=REPORTING_DAYS)
                .map(|i| day - Duration::days(i))
                .all(|d| d >= first && days.get(&d).is_some_and(|v| *v > 0.0));
            if dimension == "channel" && reported && days.get(&day).copied().unwrap_or(0.0) == 0.0 {
                let past = history(days, day, first);
                let b = band(&past, model, 0.0, k).unwrap_or(Band {
                    expected: median(past),
                    low: 0.0,
                    high: 0.0,
                });
                flags.push(Flag {
                    day,
                    kpi,
                    observed: 0.0,
                    band: b,
                    kind: "tracking_break",
                    driver: Some((dimension.clone(), value.clone())),
                });
            }
        }
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    /// 75 days of `base` a day (+ `wobble` on odd days), from 2026-09-01.
    fn steady(base: f64, wobble: f64) -> BTreeMap<NaiveDate, f64> {
        d("2026-09-01")
            .iter_days()
            .take(75)
            .enumerate()
            .map(|(i, day)| (day, base + if i % 2 == 1 { wobble } else { 0.0 }))
            .collect()
    }

    #[test]
    fn a_steady_series_raises_nothing_and_a_collapse_is_a_drop_with_its_driver() {
        let first = d("2026-09-01");
        let day = d("2026-11-09");
        let mut s = Series {
            total: steady(1_000.0, 30.0),
            ..Series::default()
        };
        s.parts
            .insert(("region".into(), "QC".into()), steady(600.0, 0.0));
        s.parts
            .insert(("region".into(), "ON".into()), steady(400.0, 30.0));
        assert!(detect("impressions", Model::Count, &s, day, first, 10.0).is_empty());
        s.total.insert(day, 500.0);
        if let Some(qc) = s.parts.get_mut(&("region".into(), "QC".into())) {
            qc.insert(day, 100.0);
        }
        let flags = detect("impressions", Model::Count, &s, day, first, 10.0);
        assert_eq!(flags.len(), 1, "{flags:?}");
        assert_eq!(flags[0].kind, "drop");
        assert_eq!(flags[0].driver, Some(("region".into(), "QC".into())));
        assert!(
            flags[0].band.low > 500.0 && flags[0].band.high < 1_200.0,
            "{flags:?}"
        );
    }

    #[test]
    fn small_counts_move_within_the_suppression_floor() {
        let first = d("2026-09-01");
        let day = d("2026-11-09");
        let mut s = Series {
            total: steady(2.0, 0.0),
            ..Series::default()
        };
        s.total.insert(day, 11.0);
        assert!(detect("uptake_completed", Model::Count, &s, day, first, 10.0).is_empty());
        s.total.insert(day, 20.0);
        assert_eq!(
            detect("uptake_completed", Model::Count, &s, day, first, 10.0)[0].kind,
            "spike"
        );
    }

    #[test]
    fn a_channel_that_stops_reporting_is_a_tracking_break() {
        let first = d("2026-09-01");
        let day = d("2026-11-09");
        let mut tv = steady(50.0, 0.0);
        tv.insert(day, 0.0);
        let mut s = Series {
            total: steady(1_000.0, 0.0),
            ..Series::default()
        };
        s.total.insert(day, 950.0);
        s.parts.insert(("channel".into(), "tv".into()), tv);
        let flags = detect("impressions", Model::Count, &s, day, first, 10.0);
        assert_eq!(flags.len(), 1, "{flags:?}");
        assert_eq!(flags[0].kind, "tracking_break");
        assert_eq!(flags[0].driver, Some(("channel".into(), "tv".into())));
        // Not before it had reported 7 days in a row.
        assert!(detect("impressions", Model::Count, &s, day, d("2026-11-05"), 10.0).is_empty());
    }

    #[test]
    fn too_little_history_judges_nothing() {
        let first = d("2026-10-20");
        let day = d("2026-11-09");
        let mut s = Series {
            total: steady(1_000.0, 0.0),
            ..Series::default()
        };
        s.total.insert(day, 0.0);
        assert!(detect("clicks", Model::Count, &s, day, first, 10.0).is_empty());
    }

    #[test]
    fn a_share_uses_its_denominator() {
        let first = d("2026-09-01");
        let day = d("2026-11-09");
        let mut s = Series {
            total: steady(0.6, 0.0),
            denominators: steady(400.0, 0.0),
            ..Series::default()
        };
        s.total.insert(day, 0.5);
        // √(0.24 / 400) × 3 ≈ 0.073: 0.5 is outside 0.6 ± 0.073.
        assert_eq!(
            detect("program_online_share", Model::Share, &s, day, first, 10.0)[0].kind,
            "drop"
        );
        s.denominators.insert(day, 20.0);
        // With 20 applications that day: ± 0.33, inside.
        assert!(detect("program_online_share", Model::Share, &s, day, first, 10.0).is_empty());
    }

    #[test]
    fn a_robust_band_ignores_one_odd_week() {
        let past = [100.0, 102.0, 98.0, 5_000.0, 101.0, 99.0, 100.0, 103.0];
        let b = band(&past, Model::Count, 0.0, 10.0).expect("band");
        assert!((b.expected - 100.5).abs() < 1e-9, "{b:?}");
        assert!(b.high < 200.0, "{b:?}");
    }
}
