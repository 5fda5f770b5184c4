//! Channel shift (contract/API.md v1.1, "Channel shift and the cost of
//! service") as pure functions: the default periods, each service
//! channel's figures over a period, and the savings of a period's channel
//! mix against a baseline's.
//!
//! Every figure is computed from the counts it is given, which are the
//! counts the caller is shown: exact for an admin, published (suppressed
//! or randomly rounded, `Disclosure::publish`) for anyone else. A figure
//! is a [`Cell`]: a value; `null` and `suppressed` when it rests on a
//! hidden count (a ratio, a cost total or the savings would give the
//! count back); `null` alone when it is undefined (a ratio over zero, a
//! channel without a unit cost).
//!
//! - `completion_rate` = completed ÷ started; `share` = completed ÷ the
//!   period's completed (all channels); `digital_take_up` = online
//!   completed ÷ completed.
//! - `total_cost_cents` = completed × unit cost, per channel and summed;
//!   `cost_per_transaction_cents` = total cost ÷ completed.
//! - `savings_cents` = Σ over channels of (completed × baseline share −
//!   completed in the channel) × unit cost, with baseline share = the
//!   channel's baseline completed ÷ the baseline's completed. It is
//!   computed exactly in integers, `(C·Σ b·k − B·Σ c·k) / B`, and rounded
//!   to the nearest cent (halves away from zero). Positive: the period's
//!   completions cost less than they would have at the baseline's mix.
//!   `null` when a channel lacks a cost or the baseline completed nothing
//!   (it has no mix).

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate};

use crate::error::Error;
use crate::period::DateRange;
use crate::suppress::Cell;

/// The period and the baseline of a channel-shift request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShiftPeriods {
    pub period: DateRange,
    pub baseline: DateRange,
}

/// `day` minus `n` calendar months: with `n` = 12 and `day` the day after
/// a period's end, the first day of the 12 months ending there.
fn months_before(day: NaiveDate, n: u32) -> NaiveDate {
    day.checked_sub_months(Months::new(n))
        .unwrap_or(NaiveDate::MIN)
}

impl ShiftPeriods {
    /// The periods of a request on `today` (reporting time zone), each
    /// bound defaulting from the next: `to` the last day of the previous
    /// month; `from` 12 months before the day after `to`; `baseline_to`
    /// the day before `from`; `baseline_from` 12 months before
    /// `from`. With nothing given: the last 12 complete months and the 12
    /// before them. The error names `from` or `baseline_from` when it is
    /// after its `to`.
    pub fn resolve(
        today: NaiveDate,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        baseline_from: Option<NaiveDate>,
        baseline_to: Option<NaiveDate>,
    ) -> Result<ShiftPeriods, Error> {
        let month_start = today.with_day(1).unwrap_or(today);
        let to = to.unwrap_or_else(|| month_start.pred_opt().unwrap_or(month_start));
        let after_to = to.succ_opt().unwrap_or(to);
        let from = from.unwrap_or_else(|| months_before(after_to, 12));
        let baseline_to = baseline_to.unwrap_or_else(|| from.pred_opt().unwrap_or(from));
        let after_baseline = baseline_to.succ_opt().unwrap_or(baseline_to);
        let baseline_from = baseline_from.unwrap_or_else(|| months_before(after_baseline, 12));
        if from > to {
            return Err(Error::invalid("from", format!("{from} is after `to` {to}")));
        }
        if baseline_from > baseline_to {
            return Err(Error::invalid(
                "baseline_from",
                format!("{baseline_from} is after `baseline_to` {baseline_to}"),
            ));
        }
        Ok(ShiftPeriods {
            period: DateRange { from, to },
            baseline: DateRange {
                from: baseline_from,
                to: baseline_to,
            },
        })
    }
}

/// Uptake of one channel (or of all) over a period, by stage, as shown.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stages {
    pub started: Cell,
    pub submitted: Cell,
    pub completed: Cell,
}

impl Stages {
    /// Exact counts, nothing hidden.
    pub fn exact(started: u64, submitted: u64, completed: u64) -> Stages {
        let c = |v: u64| Cell::new(Some(v as f64));
        Stages {
            started: c(started),
            submitted: c(submitted),
            completed: c(completed),
        }
    }
}

/// One channel's figures over a period.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelFigures {
    pub service_channel: String,
    pub counts: Stages,
    pub completion_rate: Cell,
    pub share: Cell,
    /// The unit cost in force; `None`: none registered.
    pub cost_cents: Option<u64>,
    pub total_cost_cents: Cell,
}

/// A period's figures: each channel's, and the whole's.
#[derive(Debug, Clone, PartialEq)]
pub struct MixFigures {
    pub channels: Vec<ChannelFigures>,
    pub totals: Stages,
    pub digital_take_up: Cell,
    pub total_cost_cents: Cell,
    pub cost_per_transaction_cents: Cell,
}

const HIDDEN: Cell = Cell {
    value: None,
    suppressed: true,
};
const UNDEFINED: Cell = Cell {
    value: None,
    suppressed: false,
};

/// `n ÷ d`: hidden with either, undefined over zero.
fn ratio(n: Cell, d: Cell) -> Cell {
    if n.suppressed || d.suppressed {
        return HIDDEN;
    }
    match (n.value, d.value) {
        (Some(n), Some(d)) if d > 0.0 => Cell::new(Some(n / d)),
        _ => UNDEFINED,
    }
}

/// A cell's count as an integer (`None`: hidden or undefined).
fn whole(c: Cell) -> Option<i128> {
    c.value.map(|v| v.round() as i128)
}

/// Undefined before hidden: a missing cost is null whatever is hidden.
fn combine(cells: impl IntoIterator<Item = Cell>) -> Result<i128, Cell> {
    let mut hidden = false;
    let mut sum = 0_i128;
    for c in cells {
        match (c.suppressed, whole(c)) {
            (true, _) => hidden = true,
            (false, Some(v)) => sum += v,
            (false, None) => return Err(UNDEFINED),
        }
    }
    if hidden { Err(HIDDEN) } else { Ok(sum) }
}

/// The figures of a period: `channels` (code and counts, in the order to
/// show), `totals` (all channels' counts, published as their own cell)
/// and the unit costs in force by channel.
pub fn mix(
    channels: &[(String, Stages)],
    totals: Stages,
    costs: &BTreeMap<&str, u64>,
) -> MixFigures {
    let figures: Vec<ChannelFigures> = channels
        .iter()
        .map(|(code, counts)| {
            let cost = costs.get(code.as_str()).copied();
            let total_cost_cents = match (cost, counts.completed) {
                (None, _) => UNDEFINED,
                (Some(_), c) if c.suppressed => HIDDEN,
                (Some(k), c) => Cell::new(c.value.map(|n| n * k as f64)),
            };
            ChannelFigures {
                service_channel: code.clone(),
                counts: *counts,
                completion_rate: ratio(counts.completed, counts.started),
                share: ratio(counts.completed, totals.completed),
                cost_cents: cost,
                total_cost_cents,
            }
        })
        .collect();
    let online = figures
        .iter()
        .find(|f| f.service_channel == "online")
        .map_or(Cell::new(Some(0.0)), |f| f.counts.completed);
    let total_cost_cents = match combine(figures.iter().map(|f| f.total_cost_cents)) {
        Ok(sum) => Cell::new(Some(sum as f64)),
        Err(c) => c,
    };
    MixFigures {
        digital_take_up: ratio(online, totals.completed),
        cost_per_transaction_cents: ratio(total_cost_cents, totals.completed),
        total_cost_cents,
        channels: figures,
        totals,
    }
}

/// What the period's completions cost less than they would have at the
/// baseline's channel mix (module documentation), over the channels of
/// `period` (the baseline's are looked up by code; a channel absent there
/// had none).
pub fn savings(period: &MixFigures, baseline: &MixFigures) -> Cell {
    let mut terms_b = Vec::new();
    let mut terms_c = Vec::new();
    for f in &period.channels {
        let Some(k) = f.cost_cents else {
            return UNDEFINED;
        };
        let b = baseline
            .channels
            .iter()
            .find(|g| g.service_channel == f.service_channel)
            .map_or(Cell::new(Some(0.0)), |g| g.counts.completed);
        let weigh = |c: Cell| match whole(c) {
            Some(v) if !c.suppressed => Cell::new(Some((v * i128::from(k)) as f64)),
            _ => c,
        };
        terms_b.push(weigh(b));
        terms_c.push(weigh(f.counts.completed));
    }
    let parts = (
        combine(terms_b),
        combine(terms_c),
        combine([period.totals.completed]),
        combine([baseline.totals.completed]),
    );
    let (bk, ck, c, b) = match parts {
        (Ok(bk), Ok(ck), Ok(c), Ok(b)) => (bk, ck, c, b),
        (bk, ck, c, b) => {
            let failed = [bk.err(), ck.err(), c.err(), b.err()];
            return if failed.iter().flatten().any(|c| !c.suppressed) {
                UNDEFINED
            } else {
                HIDDEN
            };
        }
    };
    if b == 0 {
        return UNDEFINED;
    }
    Cell::new(Some(rounded_div(c * bk - b * ck, b) as f64))
}

/// `n ÷ d` to the nearest integer, halves away from zero (`d` > 0).
fn rounded_div(n: i128, d: i128) -> i128 {
    let q = n / d;
    let r = n % d;
    if 2 * r.abs() >= d { q + n.signum() } else { q }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn range(from: &str, to: &str) -> DateRange {
        DateRange {
            from: d(from),
            to: d(to),
        }
    }

    #[test]
    fn the_default_periods_are_the_last_12_complete_months_and_the_12_before() {
        let p = ShiftPeriods::resolve(d("2026-12-06"), None, None, None, None).expect("ok");
        assert_eq!(p.period, range("2025-12-01", "2026-11-30"));
        assert_eq!(p.baseline, range("2024-12-01", "2025-11-30"));
        // On the first of a month the current month has no complete day.
        let p = ShiftPeriods::resolve(d("2027-03-01"), None, None, None, None).expect("ok");
        assert_eq!(p.period, range("2026-03-01", "2027-02-28"));
        assert_eq!(p.baseline, range("2025-03-01", "2026-02-28"));
        // A leap day: 12 months back from 1 March 2024.
        let p = ShiftPeriods::resolve(d("2024-03-15"), None, None, None, None).expect("ok");
        assert_eq!(p.period, range("2023-03-01", "2024-02-29"));
        // Each bound defaults from the next one given.
        let p = ShiftPeriods::resolve(d("2026-12-06"), None, Some(d("2026-03-31")), None, None)
            .expect("ok");
        assert_eq!(p.period, range("2025-04-01", "2026-03-31"));
        assert_eq!(p.baseline, range("2024-04-01", "2025-03-31"));
        let p = ShiftPeriods::resolve(
            d("2026-12-06"),
            Some(d("2026-10-01")),
            Some(d("2026-10-31")),
            None,
            Some(d("2025-10-31")),
        )
        .expect("ok");
        assert_eq!(p.baseline, range("2024-11-01", "2025-10-31"));
    }

    #[test]
    fn reversed_periods_name_their_first_day() {
        let e = ShiftPeriods::resolve(
            d("2026-12-06"),
            Some(d("2026-11-02")),
            Some(d("2026-11-01")),
            None,
            None,
        )
        .expect_err("reversed");
        assert_eq!(e.field(), "from");
        let e = ShiftPeriods::resolve(
            d("2026-12-06"),
            None,
            None,
            Some(d("2026-01-02")),
            Some(d("2026-01-01")),
        )
        .expect_err("reversed");
        assert_eq!(e.field(), "baseline_from");
    }

    fn channels(rows: &[(&str, u64, u64, u64)]) -> (Vec<(String, Stages)>, Stages) {
        let list: Vec<(String, Stages)> = rows
            .iter()
            .map(|(c, s, u, k)| ((*c).to_owned(), Stages::exact(*s, *u, *k)))
            .collect();
        let sum = |f: fn(&(&str, u64, u64, u64)) -> u64| rows.iter().map(f).sum::<u64>();
        let totals = Stages::exact(sum(|r| r.1), sum(|r| r.2), sum(|r| r.3));
        (list, totals)
    }

    fn costs() -> BTreeMap<&'static str, u64> {
        BTreeMap::from([("online", 100), ("phone", 1_000), ("in_person", 3_000)])
    }

    #[test]
    fn a_shift_online_saves_what_the_baseline_mix_would_have_cost_more() {
        // Baseline: 1000 completed, 40 % online, 40 % phone, 20 % in person.
        let (b, bt) = channels(&[
            ("online", 500, 450, 400),
            ("phone", 500, 450, 400),
            ("in_person", 250, 220, 200),
        ]);
        // Period: 2000 completed, 70 % online, 20 % phone, 10 % in person.
        let (p, pt) = channels(&[
            ("online", 1600, 1500, 1400),
            ("phone", 500, 450, 400),
            ("in_person", 250, 220, 200),
        ]);
        let base = mix(&b, bt, &costs());
        let now = mix(&p, pt, &costs());
        // At the baseline mix: 800 online, 800 phone, 400 in person
        // = 80 000 + 800 000 + 1 200 000 = 2 080 000 cents; in fact
        // 140 000 + 400 000 + 600 000 = 1 140 000: 940 000 saved.
        assert_eq!(savings(&now, &base).value, Some(940_000.0));
        assert_eq!(now.total_cost_cents.value, Some(1_140_000.0));
        assert_eq!(now.cost_per_transaction_cents.value, Some(570.0));
        assert_eq!(base.cost_per_transaction_cents.value, Some(1_040.0));
        assert_eq!(now.digital_take_up.value, Some(0.7));
        assert_eq!(base.digital_take_up.value, Some(0.4));
        let online = &now.channels[0];
        assert_eq!(online.completion_rate.value, Some(1400.0 / 1600.0));
        assert_eq!(online.share.value, Some(0.7));
        assert_eq!(online.total_cost_cents.value, Some(140_000.0));
        // The other way round, the shift cost money: negative savings.
        assert_eq!(savings(&base, &now).value, Some(-470_000.0));
        // The same mix saves nothing, whatever the volume.
        let (q, qt) = channels(&[
            ("online", 1, 1, 800),
            ("phone", 1, 1, 800),
            ("in_person", 1, 1, 400),
        ]);
        assert_eq!(savings(&mix(&q, qt, &costs()), &base).value, Some(0.0));
    }

    #[test]
    fn savings_are_rounded_to_the_cent_halves_away_from_zero() {
        // Baseline 1 of 3 online: C × 1/3 of a cent fractions.
        let (b, bt) = channels(&[("online", 1, 1, 1), ("phone", 2, 2, 2)]);
        let costs = BTreeMap::from([("online", 1), ("phone", 2)]);
        let base = mix(&b, bt, &costs);
        // Period: 1 completed online. At the baseline mix: 1/3·1 + 2/3·2
        // = 5/3; in fact 1: 2/3 ≈ 0.67 → 1 cent.
        let (p, pt) = channels(&[("online", 1, 1, 1), ("phone", 0, 0, 0)]);
        assert_eq!(savings(&mix(&p, pt, &costs), &base).value, Some(1.0));
        // 1 by phone: 5/3 − 2 = −1/3 → 0.
        let (p, pt) = channels(&[("online", 0, 0, 0), ("phone", 1, 1, 1)]);
        assert_eq!(savings(&mix(&p, pt, &costs), &base).value, Some(0.0));
        assert_eq!(rounded_div(-3, 2), -2);
        assert_eq!(rounded_div(3, 2), 2);
        assert_eq!(rounded_div(-4, 3), -1);
    }

    #[test]
    fn a_missing_cost_makes_the_costs_and_savings_null_not_invented() {
        let (b, bt) = channels(&[("online", 10, 10, 10), ("mail", 10, 10, 10)]);
        let costs = BTreeMap::from([("online", 100)]);
        let base = mix(&b, bt, &costs);
        let now = mix(&b, bt, &costs);
        let mail = &now.channels[1];
        assert_eq!(mail.cost_cents, None);
        assert_eq!(mail.total_cost_cents, UNDEFINED);
        assert_eq!(now.total_cost_cents, UNDEFINED);
        assert_eq!(now.cost_per_transaction_cents, UNDEFINED);
        assert_eq!(savings(&now, &base), UNDEFINED);
        // The rest is still shown.
        assert_eq!(now.channels[0].total_cost_cents.value, Some(1_000.0));
        assert_eq!(mail.share.value, Some(0.5));
        assert_eq!(now.digital_take_up.value, Some(0.5));
        // A baseline that completed nothing has no mix.
        let (e, et) = channels(&[("online", 0, 0, 0), ("mail", 0, 0, 0)]);
        let all = BTreeMap::from([("online", 100), ("mail", 50)]);
        assert_eq!(savings(&mix(&b, bt, &all), &mix(&e, et, &all)), UNDEFINED);
        assert_eq!(mix(&e, et, &all).digital_take_up, UNDEFINED);
    }

    #[test]
    fn a_hidden_count_hides_every_figure_built_on_it() {
        let hidden_completed = Stages {
            completed: HIDDEN,
            ..Stages::exact(40, 20, 0)
        };
        let list = vec![
            ("online".to_owned(), Stages::exact(100, 80, 60)),
            ("phone".to_owned(), hidden_completed),
        ];
        let totals = Stages::exact(140, 100, 65);
        let costs = BTreeMap::from([("online", 100), ("phone", 1_000)]);
        let m = mix(&list, totals, &costs);
        let phone = &m.channels[1];
        assert_eq!(phone.completion_rate, HIDDEN);
        assert_eq!(phone.share, HIDDEN);
        assert_eq!(phone.total_cost_cents, HIDDEN);
        assert_eq!(m.total_cost_cents, HIDDEN);
        assert_eq!(m.cost_per_transaction_cents, HIDDEN);
        assert_eq!(m.digital_take_up.value, Some(60.0 / 65.0));
        let base = mix(&list[..1], Stages::exact(100, 80, 60), &costs);
        assert_eq!(savings(&m, &base), HIDDEN);
        // A missing cost wins: the figure is null, not suppressed.
        let online_only = BTreeMap::from([("online", 100)]);
        let m = mix(&list, totals, &online_only);
        assert_eq!(m.total_cost_cents, UNDEFINED);
        assert_eq!(savings(&m, &base), UNDEFINED);
    }
}
