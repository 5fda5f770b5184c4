//! An experiment's result as the contract names its fields, from
//! `cmp_measure`'s (`pre_trend` → `pre_trend_ok` and its statistic, the
//! nested cost → `incremental_per_dollar`, `cost_per_incremental_cents`),
//! with the status label in the caller's language, and the units' counts
//! as the caller may see them. Pure.
//!
//! **Small cells** (docs/privacy.md, "Experiments"). The statistics are
//! computed from exact counts; what a non-admin is shown of counts is
//! published as everywhere else (`cmp_kpi::Disclosure`: 1 to k−1 hidden,
//! with a complementary cell, the rest the sum of their daily atoms, each
//! atom's coin keyed by the campaign, the KPI, the unit as a breakdown and
//! the day, so a unit's count reads the same here as in a performance
//! breakdown by region over the same days). Each
//! period's unit counts are one breakdown. Then:
//! - figures in the KPI's unit are rebuilt from the published treated
//!   totals: `estimate` = published treated test total × lift ÷ (1 +
//!   lift), its interval the same from the relative interval, the minimum
//!   detectable effect from the published pre-period total, cost from that
//!   estimate. `estimate × (1 + lift) ÷ lift`, which gives the exact
//!   treated total on exact figures, so gives only the published total;
//! - when any treated unit's count is hidden in either period, every
//!   figure of the estimate is hidden (`null`, listed in
//!   `suppressed_fields`): relative figures of a small treated count would
//!   give it back against the published controls. The status stays.

use chrono::{Days, NaiveDate};
use cmp_kpi::{Cell, CellKey, Disclosure, LabelKind, Lang, label_or_code};
use cmp_measure::{ExperimentResult, cost_efficiency};
use serde::Serialize;
use utoipa::ToSchema;

use super::experiment_body::{Definition, ExperimentKpi, Unit};
use super::experiment_panel::{Counts, Panel};

/// The level of the interval (contract: 90 %).
pub const INTERVAL_LEVEL: f64 = 0.90;

/// A two-sided interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub struct Bounds {
    pub low: f64,
    pub high: f64,
}

/// The smallest effect the design detects at 80 % power.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub struct DetectableEffect {
    /// As a relative lift (0.08: 8 %).
    pub relative: Option<f64>,
    /// In the KPI's unit over the planned test (completions in the treated
    /// units, or share points).
    pub absolute: Option<f64>,
}

/// One unit's KPI over the pre-period and the observed test.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct UnitView {
    pub unit: String,
    /// `treated` or `control`.
    pub group: String,
    /// The unit's name in the requested language (a region's), else its code.
    pub label: String,
    /// Counts (published for non-admins) or, for `program_online_share`,
    /// the share built on published counts; `null` when hidden.
    pub pre: Option<f64>,
    pub test: Option<f64>,
    pub suppressed: bool,
}

/// The result (contract/API.md, "Geographic experiments").
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ResultView {
    /// `did`.
    pub method: String,
    /// Treated minus counterfactual over the observed test, in the KPI's unit.
    pub estimate: Option<f64>,
    pub relative_lift: Option<f64>,
    /// The 90 % interval of `estimate` (placebo inference).
    pub interval: Option<Bounds>,
    /// The same interval as a relative lift.
    pub relative_interval: Option<Bounds>,
    #[schema(example = 0.9)]
    pub interval_level: f64,
    /// Placebo (permutation) p-value of no effect.
    pub p_value: Option<f64>,
    /// Treated and control units moved together before the test (the check's
    /// placebo p-value ≥ 0.05).
    pub pre_trend_ok: bool,
    /// Treated units' drift relative to the controls between the halves of
    /// the pre-period (0.05: 5 % faster), the statistic the check rests on.
    pub pre_trend_statistic: Option<f64>,
    pub pre_trend_p_value: Option<f64>,
    /// Incremental result per dollar of the treated units' spend.
    pub incremental_per_dollar: Option<f64>,
    /// Spend ÷ incremental completions (`null` when not positive).
    pub cost_per_incremental_cents: Option<u64>,
    /// The campaign's spend in the treated units over the observed test.
    pub spend_cents: u64,
    pub minimum_detectable_effect: DetectableEffect,
    /// Placebo assignments used, and whether they were all of them.
    pub placebos: usize,
    pub placebos_exhaustive: bool,
    /// Days of the test with data so far.
    pub test_days_observed: usize,
    /// `too_early`, `effect`, `no_effect`, `inconclusive`, `pre_trend_failed`.
    #[schema(example = "effect")]
    pub status: String,
    pub status_label: String,
    pub units: Vec<UnitView>,
    /// Some figure is hidden as built on a small count.
    pub suppressed: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suppressed_fields: Vec<String>,
}

/// Where the experiment's periods lie, in day indices of the panel.
#[derive(Debug, Clone, Copy)]
pub struct Periods {
    pub pre: (usize, usize),
    /// The observed test (empty when `test.1 < test.0`).
    pub test: (usize, usize),
    /// Planned test days.
    pub planned_test_days: usize,
}

/// One unit's counts over a period, and per day (the atoms' days).
struct UnitCounts<'a> {
    unit: &'a str,
    sum: Counts,
    days: Vec<(NaiveDate, Counts)>,
}

/// The unit counts of one period as shown: exact for an admin, else each
/// visible count the sum of its daily atoms.
fn publish_period(
    campaign: &str,
    def: &Definition,
    units: &[UnitCounts<'_>],
    disclosure: Option<&Disclosure>,
) -> Vec<(Cell, Cell)> {
    let exact = |f: fn(&Counts) -> u64| -> Vec<Cell> {
        units
            .iter()
            .map(|u| Cell::new(Some(f(&u.sum) as f64)))
            .collect()
    };
    let daily = |f: fn(&Counts) -> u64| -> Vec<Vec<(NaiveDate, f64)>> {
        units
            .iter()
            .map(|u| u.days.iter().map(|(d, c)| (*d, f(c) as f64)).collect())
            .collect()
    };
    let mut counts = exact(|c| c.count);
    let mut online = exact(|c| c.online);
    if let Some(d) = disclosure {
        let breakdowns: Vec<[(&str, &str); 1]> = units
            .iter()
            .map(|u| [(def.unit.column(), u.unit)])
            .collect();
        let keys = |kpi: &'static str| -> Vec<CellKey<'_>> {
            breakdowns
                .iter()
                .map(|b| CellKey {
                    campaign,
                    kpi,
                    breakdown: b,
                })
                .collect()
        };
        let count_kpi = match def.kpi {
            ExperimentKpi::ProgramOnlineShare => "program_uptake_completed",
            k => k.as_str(),
        };
        d.publish_days(&mut counts, &keys(count_kpi), &daily(|c| c.count));
        if def.kpi == ExperimentKpi::ProgramOnlineShare {
            d.publish_days(
                &mut online,
                &keys("program_online_completed"),
                &daily(|c| c.online),
            );
        }
    }
    counts.into_iter().zip(online).collect()
}

/// A unit's shown KPI: the count, or the share of the shown counts.
fn shown(kpi: ExperimentKpi, (count, online): (Cell, Cell)) -> (Option<f64>, bool) {
    match kpi {
        ExperimentKpi::ProgramOnlineShare => {
            let hidden = count.suppressed || online.suppressed;
            let share = match (count.value, online.value) {
                (Some(c), Some(o)) if !hidden && c > 0.0 => Some(o / c),
                _ => None,
            };
            (share, hidden)
        }
        _ => (count.value, count.suppressed),
    }
}

/// What a result is computed from.
#[derive(Debug, Clone, Copy)]
pub struct Computed<'a> {
    pub campaign: &'a str,
    pub def: &'a Definition,
    /// The control units used (the registered ones, or every other unit with data).
    pub control: &'a [String],
    pub panel: &'a Panel,
    pub periods: Periods,
    pub result: &'a ExperimentResult,
    /// The campaign's spend in the treated units over the observed test.
    pub spend_cents: u64,
}

/// The result shown to a caller; `disclosure` is `None` for an admin.
pub fn view(c: &Computed<'_>, disclosure: Option<&Disclosure>, lang: Lang) -> ResultView {
    let Computed {
        campaign,
        def,
        control,
        panel,
        periods,
        result: r,
        spend_cents,
    } = *c;
    let members: Vec<(&str, &str)> = def
        .treated
        .iter()
        .map(|u| (u.as_str(), "treated"))
        .chain(control.iter().map(|u| (u.as_str(), "control")))
        .collect();
    let period = |(from, to): (usize, usize)| -> Vec<(Cell, Cell)> {
        let counts: Vec<UnitCounts<'_>> = members
            .iter()
            .map(|(u, _)| {
                if to < from {
                    UnitCounts {
                        unit: u,
                        sum: Counts::default(),
                        days: Vec::new(),
                    }
                } else {
                    UnitCounts {
                        unit: u,
                        sum: panel.sum(u, from, to),
                        days: panel
                            .daily(u, from, to)
                            .into_iter()
                            .map(|(i, c)| (def.pre_from + Days::new(i as u64), c))
                            .collect(),
                    }
                }
            })
            .collect();
        publish_period(campaign, def, &counts, disclosure)
    };
    let (pre, test) = (period(periods.pre), period(periods.test));
    let units: Vec<UnitView> = members
        .iter()
        .zip(pre.iter().zip(&test))
        .map(|((unit, group), (p, t))| {
            let (pre, pre_hidden) = shown(def.kpi, *p);
            let (test, test_hidden) = shown(def.kpi, *t);
            UnitView {
                unit: (*unit).to_owned(),
                group: (*group).to_owned(),
                label: match def.unit {
                    Unit::Region => label_or_code(LabelKind::Region, unit, lang).into_owned(),
                    _ => (*unit).to_owned(),
                },
                pre,
                test,
                suppressed: pre_hidden || test_hidden,
            }
        })
        .collect();
    let treated = def.treated.len();
    let treated_hidden = units[..treated].iter().any(|u| u.suppressed);
    let total = |cells: &[(Cell, Cell)]| -> f64 {
        cells[..treated].iter().filter_map(|(c, _)| c.value).sum()
    };
    let mut v = ResultView {
        method: r.method.to_owned(),
        estimate: r.estimate,
        relative_lift: r.relative_lift,
        interval: r.interval.map(|i| Bounds {
            low: i.low,
            high: i.high,
        }),
        relative_interval: r.relative_interval.map(|i| Bounds {
            low: i.low,
            high: i.high,
        }),
        interval_level: INTERVAL_LEVEL,
        p_value: r.p_value,
        pre_trend_ok: r.pre_trend.ok,
        pre_trend_statistic: Some(r.pre_trend.statistic),
        pre_trend_p_value: Some(r.pre_trend.p_value),
        incremental_per_dollar: r.cost.map(|c| c.incremental_per_dollar),
        cost_per_incremental_cents: r.cost.and_then(|c| c.cost_per_incremental_cents),
        spend_cents,
        minimum_detectable_effect: DetectableEffect {
            relative: Some(r.minimum_detectable_effect.relative),
            absolute: Some(r.minimum_detectable_effect.absolute),
        },
        placebos: r.placebos,
        placebos_exhaustive: r.placebos_exhaustive,
        test_days_observed: r.test_periods_observed,
        status: r.status.code().to_owned(),
        status_label: label_or_code(LabelKind::Decision, r.status.code(), lang).into_owned(),
        units,
        suppressed: false,
        suppressed_fields: Vec::new(),
    };
    if disclosure.is_none() {
        return v;
    }
    if treated_hidden {
        hide_estimate(&mut v);
        return v;
    }
    if def.kpi != ExperimentKpi::ProgramOnlineShare {
        // Rebuilt from the published treated totals (see the module docs).
        let (test_total, pre_total) = (total(&test), total(&pre));
        let part = |lift: f64| test_total * lift / (1.0 + lift);
        v.estimate = v.relative_lift.map(part);
        v.interval = v.relative_interval.map(|i| Bounds {
            low: part(i.low),
            high: part(i.high),
        });
        let pre_days = (periods.pre.1 + 1 - periods.pre.0) as f64;
        v.minimum_detectable_effect.absolute = v
            .minimum_detectable_effect
            .relative
            .map(|m| m * pre_total / pre_days * periods.planned_test_days as f64);
        let cost = v.estimate.and_then(|e| cost_efficiency(e, spend_cents));
        v.incremental_per_dollar = cost.map(|c| c.incremental_per_dollar);
        v.cost_per_incremental_cents = cost.and_then(|c| c.cost_per_incremental_cents);
    }
    v
}

/// Hides every figure of the estimate.
fn hide_estimate(v: &mut ResultView) {
    v.estimate = None;
    v.relative_lift = None;
    v.interval = None;
    v.relative_interval = None;
    v.p_value = None;
    v.pre_trend_statistic = None;
    v.pre_trend_p_value = None;
    v.incremental_per_dollar = None;
    v.cost_per_incremental_cents = None;
    v.minimum_detectable_effect = DetectableEffect {
        relative: None,
        absolute: None,
    };
    v.suppressed = true;
    v.suppressed_fields = [
        "estimate",
        "relative_lift",
        "interval",
        "relative_interval",
        "p_value",
        "pre_trend_statistic",
        "pre_trend_p_value",
        "incremental_per_dollar",
        "cost_per_incremental_cents",
        "minimum_detectable_effect",
    ]
    .map(str::to_owned)
    .to_vec();
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, NaiveDate};
    use cmp_measure::{ExperimentParams, experiment};
    use cmp_store::UnitDay;

    use super::*;
    use crate::views::experiment_body::parse_body;
    use crate::views::experiment_panel::design;

    const TZ: chrono_tz::Tz = chrono_tz::UTC;

    /// 13 regions over 84 days from 2026-08-01 (56 pre, 28 test); unit
    /// `i` completes `sizes[i]` a day ± a seeded wobble, the treated
    /// (`NS`, `NB`) `lift` times that in the test.
    fn rows(sizes: &[u64], lift: f64) -> Vec<UnitDay> {
        const UNITS: [&str; 13] = [
            "NS", "NB", "PE", "NL", "MB", "SK", "AB", "BC", "ON", "QC", "NT", "NU", "YT",
        ];
        let first: NaiveDate = "2026-08-01".parse().expect("date");
        let mut state = 16_u64;
        let mut out = Vec::new();
        for (i, unit) in UNITS.iter().enumerate() {
            for day in 0..84 {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                let wobble = 0.9 + 0.2 * ((state >> 33) as f64 / (1_u64 << 31) as f64);
                let effect = if i < 2 && day >= 56 { lift } else { 1.0 };
                let completed = (sizes[i % sizes.len()] as f64 * wobble * effect).round() as u64;
                let (start, _) = cmp_kpi::local_day_bounds_utc(first + Duration::days(day), TZ);
                out.push(UnitDay {
                    unit: (*unit).to_owned(),
                    day: u32::try_from(start.timestamp()).expect("fits"),
                    started: 0,
                    submitted: 0,
                    completed,
                    online_completed: completed / 2,
                });
            }
        }
        out
    }

    fn definition() -> Definition {
        parse_body(
            br#"{"unit": "region", "treated": ["NS", "NB"], "kpi": "program_uptake_completed",
 "pre_from": "2026-08-01", "pre_to": "2026-09-25", "from": "2026-09-26", "to": "2026-10-23"}"#,
        )
        .expect("valid")
    }

    /// The result of `rows` shown to an admin (`None`) or through `disclosure`.
    fn shown(rows: &[UnitDay], disclosure: Option<&Disclosure>) -> (ExperimentResult, ResultView) {
        let def = definition();
        let last: NaiveDate = "2026-10-23".parse().expect("date");
        let panel = Panel::new(&def, last, rows, TZ);
        let control: Vec<String> = panel
            .with_data(0, 55)
            .into_iter()
            .filter(|u| !def.treated.contains(u))
            .collect();
        let units: Vec<String> = def.treated.iter().chain(&control).cloned().collect();
        let r = experiment(
            &panel.unit_series(&units),
            &design(&def, &control, 1_000_000),
            &ExperimentParams::default(),
        )
        .expect("valid");
        let computed = Computed {
            campaign: "c",
            def: &def,
            control: &control,
            panel: &panel,
            periods: Periods {
                pre: (0, 55),
                test: (56, 83),
                planned_test_days: 28,
            },
            result: &r,
            spend_cents: 1_000_000,
        };
        let v = view(&computed, disclosure, Lang::Fr);
        (r, v)
    }

    #[test]
    fn an_admin_sees_the_measure_s_figures_under_the_contract_s_names() {
        let (r, v) = shown(&rows(&[40, 25, 60, 90], 1.3), None);
        assert_eq!(v.status, "effect");
        assert_eq!(v.status_label, "Effet décelé");
        assert_eq!(
            (v.estimate, v.relative_lift, v.p_value),
            (r.estimate, r.relative_lift, r.p_value)
        );
        assert!(
            v.relative_interval
                .is_some_and(|i| i.low < 0.3 && 0.3 < i.high),
            "{v:?}"
        );
        assert_eq!(v.interval.map(|i| i.low), r.interval.map(|i| i.low));
        assert_eq!(v.pre_trend_ok, r.pre_trend.ok);
        assert_eq!(v.pre_trend_statistic, Some(r.pre_trend.statistic));
        let cost = r.cost.expect("spend");
        assert_eq!(v.incremental_per_dollar, Some(cost.incremental_per_dollar));
        assert_eq!(
            v.cost_per_incremental_cents,
            cost.cost_per_incremental_cents
        );
        assert_eq!(
            v.minimum_detectable_effect.relative,
            Some(r.minimum_detectable_effect.relative)
        );
        assert_eq!(
            (v.method.as_str(), v.interval_level, v.spend_cents),
            ("did", 0.9, 1_000_000)
        );
        assert_eq!(v.units.len(), 13);
        assert_eq!(
            (v.units[0].group.as_str(), v.units[0].label.as_str()),
            ("treated", "Nouvelle-Écosse")
        );
        assert_eq!(v.units[2].group, "control");
        assert!(!v.suppressed && v.units.iter().all(|u| !u.suppressed));
        // Exact counts: NS's test total is not a multiple of 5 in general.
        let ns_test: f64 = v.units[0].test.expect("shown");
        assert!(ns_test > 1000.0);
    }

    #[test]
    fn a_manager_sees_counts_published_and_the_estimate_rebuilt_from_them() {
        let d = Disclosure::new(10, 5, b"key");
        let (r, v) = shown(&rows(&[40, 25, 60, 90], 1.3), Some(&d));
        for u in &v.units {
            for x in [u.pre, u.test] {
                let x = x.expect("large counts are shown");
                assert_eq!(x % 5.0, 0.0, "{u:?}");
            }
        }
        let treated_test: f64 = v.units[..2].iter().filter_map(|u| u.test).sum();
        let lift = v.relative_lift.expect("shown");
        assert_eq!(Some(lift), r.relative_lift);
        // The estimate gives back the published total, never the exact one.
        let estimate = v.estimate.expect("shown");
        assert!((estimate * (1.0 + lift) / lift - treated_test).abs() < 1e-6);
        assert!((estimate - r.estimate.expect("exact")).abs() < 10.0);
        let cost = v.cost_per_incremental_cents.expect("positive");
        assert_eq!(cost, (1_000_000.0 / estimate).round() as u64);
        let interval = v.interval.expect("shown");
        assert!(interval.low < estimate && estimate < interval.high);
    }

    #[test]
    fn a_small_treated_unit_hides_every_figure_of_the_estimate() {
        // NS and NB complete about 1 a week: their pre-period totals are small.
        let mut data = rows(&[40, 25, 60, 90], 1.0);
        for r in data.iter_mut().filter(|r| r.unit == "NS" || r.unit == "NB") {
            r.completed = u64::from(r.day % (7 * 86_400) == 0);
        }
        let d = Disclosure::new(10, 5, b"key");
        let (r, v) = shown(&data, Some(&d));
        assert!(v.suppressed, "{v:?}");
        assert_eq!((v.estimate, v.relative_lift, v.p_value), (None, None, None));
        assert_eq!(v.minimum_detectable_effect.relative, None);
        assert!(
            v.suppressed_fields
                .contains(&"cost_per_incremental_cents".to_owned())
        );
        assert_eq!(v.status, r.status.code());
        let (_, admin) = shown(&data, None);
        assert!(admin.estimate.is_some() && !admin.suppressed);
    }
}
