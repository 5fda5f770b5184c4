//! Known effects the generator can inject, so that estimates (geographic
//! experiments, message tests, attribution) can be compared with the truth:
//!
//! - [`GeoLift`]: uptake in treated units (regions, FSAs or offices) during
//!   a test period is `1 + lift` times what it would be. Each uptake event
//!   of a treated unit in the period is followed by `floor(lift)` extra
//!   events of the same unit and time, plus one more with probability
//!   `frac(lift)`, each a new application (its own event_id and client).
//! - [`Conversion`]: exposures lead to completed applications. An
//!   engagement event with a `client_id` is followed, with probability
//!   `rate` (times `1 + lift` for the lifted variant), by a `completed`
//!   uptake of the same person for the campaign's program, `delay` later,
//!   the delay drawn from an exponential distribution with the channel's
//!   mean. A completion that would fall after `now` has not happened yet
//!   and is not produced (as in real data, recent exposures are censored).
//!
//! Neither is on by default: the default stream is the one it always was.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use cmp_model::Channel;
use rand::Rng;
use serde_json::{Value, json};

/// The kind of unit a geographic lift treats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// `region` (province or territory code).
    Region,
    /// `fsa` (forward sortation area).
    Fsa,
    /// `office_id`.
    Office,
}

impl Unit {
    /// The event field the unit is read from.
    pub const fn field(self) -> &'static str {
        match self {
            Self::Region => "region",
            Self::Fsa => "fsa",
            Self::Office => "office_id",
        }
    }

    /// `region`, `fsa` or `office`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "region" => Some(Self::Region),
            "fsa" => Some(Self::Fsa),
            "office" => Some(Self::Office),
            _ => None,
        }
    }

    /// The name `parse` reads.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Region => "region",
            Self::Fsa => "fsa",
            Self::Office => "office",
        }
    }
}

/// A lift of uptake in treated units during a test period.
#[derive(Clone, Debug, PartialEq)]
pub struct GeoLift {
    /// The relative lift: 0.2 is +20 %.
    pub lift: f64,
    /// What the treated codes are.
    pub unit: Unit,
    /// The treated units' codes, upper-case.
    pub treated: Vec<String>,
    /// First day of the test period (UTC).
    pub from: NaiveDate,
    /// Last day of the test period (UTC), inclusive.
    pub to: NaiveDate,
}

impl GeoLift {
    /// Whether an uptake event at `at` in unit `code` (as sent: any case)
    /// is treated.
    pub(crate) fn treats(&self, code: Option<&str>, at: DateTime<Utc>) -> bool {
        let day = at.date_naive();
        day >= self.from
            && day <= self.to
            && code.is_some_and(|c| self.treated.iter().any(|t| t.eq_ignore_ascii_case(c)))
    }

    /// How many extra events a treated event brings: `lift` on average.
    pub(crate) fn extras(&self, rng: &mut impl Rng) -> u32 {
        let whole = self.lift.floor();
        let extra = rng.random_bool((self.lift - whole).clamp(0.0, 1.0));
        // `lift` is validated to at most MAX_LIFT, so this fits.
        whole as u32 + u32::from(extra)
    }
}

/// Exposures leading to completed applications, with a variant that
/// converts better and delays per channel.
#[derive(Clone, Debug, PartialEq)]
pub struct Conversion {
    /// Probability that an exposure with a client leads to a completion.
    pub rate: f64,
    /// A variant whose exposures convert `1 + lift` times as often.
    pub variant_lift: Option<(String, f64)>,
    /// Mean delay from exposure to completion, per channel.
    pub delays: BTreeMap<Channel, Duration>,
}

impl Conversion {
    /// A conversion at `rate` with the default delays and no variant lift.
    pub fn new(rate: f64) -> Self {
        Self {
            rate,
            variant_lift: None,
            delays: default_delays(),
        }
    }

    /// The probability that an exposure to `variant` converts.
    pub(crate) fn probability(&self, variant: Option<&str>) -> f64 {
        match (&self.variant_lift, variant) {
            (Some((lifted, lift)), Some(v)) if lifted == v => self.rate * (1.0 + lift),
            _ => self.rate,
        }
    }

    /// A delay for `channel`: exponential with the channel's mean.
    pub(crate) fn delay(&self, rng: &mut impl Rng, channel: Channel) -> Duration {
        let mean = self
            .delays
            .get(&channel)
            .copied()
            .unwrap_or(Duration::days(1));
        let u: f64 = rng.random();
        let ms = -(mean.num_milliseconds() as f64) * (1.0 - u).ln();
        Duration::milliseconds(ms.min(1e12) as i64)
    }
}

/// Mean exposure → completion delays: quick for search and web, days for
/// broadcast, print and outreach.
pub fn default_delays() -> BTreeMap<Channel, Duration> {
    use Channel::*;
    [
        (Web, Duration::hours(6)),
        (Social, Duration::hours(12)),
        (Search, Duration::hours(6)),
        (Display, Duration::days(1)),
        (Video, Duration::days(1)),
        (Tv, Duration::days(3)),
        (Radio, Duration::days(3)),
        (Print, Duration::days(5)),
        (Signage, Duration::days(2)),
        (Email, Duration::days(1)),
        (Outreach, Duration::days(7)),
    ]
    .into_iter()
    .collect()
}

/// Largest lift accepted (+1000 %).
pub const MAX_LIFT: f64 = 10.0;

/// What the generator injects; empty by default.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Effects {
    /// A lift of uptake in treated units during a test period.
    pub lift: Option<GeoLift>,
    /// Exposures leading to completions.
    pub conversion: Option<Conversion>,
}

impl Effects {
    /// Whether anything is injected.
    pub fn any(&self) -> bool {
        self.lift.is_some() || self.conversion.is_some()
    }

    /// The first fault, as (field, reason).
    pub(crate) fn fault(&self) -> Option<(&'static str, String)> {
        if let Some(l) = &self.lift {
            if !(0.0..=MAX_LIFT).contains(&l.lift) {
                return Some(("lift", format!("must be between 0 and {MAX_LIFT}")));
            }
            if l.treated.is_empty() {
                return Some(("lift_treated", "must name at least one unit".into()));
            }
            if l.from > l.to {
                return Some(("lift_period", "must not end before it starts".into()));
            }
        }
        if let Some(c) = &self.conversion {
            if !(0.0..=1.0).contains(&c.rate) {
                return Some(("conversion", "must be between 0 and 1".into()));
            }
            if let Some((_, lift)) = &c.variant_lift
                && !(0.0..=MAX_LIFT).contains(lift)
            {
                return Some(("variant_lift", format!("must be between 0 and {MAX_LIFT}")));
            }
            if c.probability(c.variant_lift.as_ref().map(|(v, _)| v.as_str())) > 1.0 {
                return Some((
                    "variant_lift",
                    "makes the variant's conversion rate exceed 1".into(),
                ));
            }
            if c.delays.values().any(|d| *d < Duration::zero()) {
                return Some(("delays", "must not be negative".into()));
            }
        }
        None
    }

    /// The truth, as the manifest records it.
    pub fn to_json(&self) -> Value {
        let lift = self.lift.as_ref().map(|l| {
            json!({
                "percent": l.lift * 100.0,
                "unit": l.unit.as_str(),
                "treated": l.treated,
                "from": l.from.to_string(),
                "to": l.to.to_string(),
                "applies_to": "uptake events (every stage) whose unit is treated and whose event_time falls in the period (UTC days, inclusive)",
            })
        });
        let conversion = self.conversion.as_ref().map(|c| {
            let delays: BTreeMap<&str, f64> = c
                .delays
                .iter()
                .map(|(ch, d)| (ch.as_str(), d.num_milliseconds() as f64 / 3_600_000.0))
                .collect();
            json!({
                "rate": c.rate,
                "variant_lift": c.variant_lift.as_ref().map(|(v, l)| json!({"variant": v, "percent": l * 100.0})),
                "mean_delay_hours": delays,
                "delay_distribution": "exponential",
                "applies_to": "engagement events with a client_id: each leads to one completed uptake of that client with the probability, after the delay; completions after now are not produced",
            })
        });
        json!({ "lift": lift, "conversion": conversion })
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    use super::*;

    #[test]
    fn delays_are_exponential_with_the_channel_s_mean() {
        let c = Conversion::new(0.1);
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        for (channel, mean) in default_delays() {
            let n = 20_000;
            let total: i64 = (0..n)
                .map(|_| c.delay(&mut rng, channel).num_seconds())
                .sum();
            let got = total as f64 / f64::from(n);
            let want = mean.num_seconds() as f64;
            // The mean of n exponentials has a relative standard error of 1/sqrt(n).
            assert!(
                (got / want - 1.0).abs() < 4.0 / f64::from(n).sqrt(),
                "{channel}: {got} s, want {want} s"
            );
        }
    }

    #[test]
    fn extras_average_the_lift() {
        let lift = GeoLift {
            lift: 1.25,
            unit: Unit::Region,
            treated: vec!["ON".into()],
            from: NaiveDate::MIN,
            to: NaiveDate::MAX,
        };
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let n = 40_000;
        let total: u32 = (0..n).map(|_| lift.extras(&mut rng)).sum();
        let mean = f64::from(total) / f64::from(n);
        assert!((mean - 1.25).abs() < 0.02, "{mean}");
        assert!(lift.treats(Some("on"), Utc::now()));
        assert!(!lift.treats(Some("QC"), Utc::now()));
        assert!(!lift.treats(None, Utc::now()));
    }
}
