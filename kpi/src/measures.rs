//! The additive sums a rollup gives for one slice (a campaign, a breakdown
//! group, a time bucket) and the KPI values derived from them. Ratios are
//! computed here, from the sums, never averaged from ratios of sub-slices.

use std::iter::Sum;
use std::ops::Add;

use serde::{Deserialize, Serialize};

use crate::kpi::Kpi;

/// Distinct clients reached, as a rollup's sketch estimates them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Reach {
    /// Estimated number of distinct clients (exact when `rse` is 0).
    pub estimate: f64,
    /// Relative standard error of `estimate` (the API's `reach_rse`); the
    /// contract documents at most 0.02.
    pub rse: f64,
}

/// The sums of one slice. Engagement counts are sums of `count` by action;
/// uptake counts are events attributed to the campaign; `program_*` count
/// the campaign's program through any channel, attributed or not.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Measures {
    pub impressions: u64,
    pub clicks: u64,
    pub engagements: u64,
    pub shares: u64,
    pub video_completes: u64,
    pub visits: u64,
    /// Sum of `cost_cents`.
    pub spend_cents: u64,
    pub uptake_started: u64,
    pub uptake_submitted: u64,
    pub uptake_completed: u64,
    /// Completed uptake of the program, every service channel.
    pub program_uptake_completed: u64,
    /// The part of `program_uptake_completed` through `online`: the
    /// numerator of `program_online_share`.
    pub program_online_completed: u64,
    /// Distinct clients: `None` when not measured for this slice. Distinct
    /// counts do not add (a client in two slices is one client), so a sum
    /// of two non-empty slices has `None` here: the caller sets it from the
    /// merged sketch of the union.
    pub reach: Option<Reach>,
}

impl Measures {
    /// No activity at all: every sum 0 and no client reached. Adding an
    /// empty slice keeps the other side's reach (it adds nobody).
    pub fn is_empty(&self) -> bool {
        let Measures {
            impressions,
            clicks,
            engagements,
            shares,
            video_completes,
            visits,
            spend_cents,
            uptake_started,
            uptake_submitted,
            uptake_completed,
            program_uptake_completed,
            program_online_completed,
            reach,
        } = *self;
        [
            impressions,
            clicks,
            engagements,
            shares,
            video_completes,
            visits,
            spend_cents,
            uptake_started,
            uptake_submitted,
            uptake_completed,
            program_uptake_completed,
            program_online_completed,
        ]
        .iter()
        .all(|&n| n == 0)
            && reach.is_none_or(|r| r.estimate == 0.0)
    }

    /// The KPI's value for this slice, `None` when undefined: a ratio whose
    /// denominator is 0 (`ctr` without impressions, `cost_per_uptake_cents`
    /// without a completed uptake, `program_online_share` without a
    /// completed program uptake), or `reach` when not measured.
    pub fn value(&self, kpi: Kpi) -> Option<f64> {
        let n = |v: u64| Some(v as f64);
        match kpi {
            Kpi::Impressions => n(self.impressions),
            Kpi::Clicks => n(self.clicks),
            Kpi::Engagements => n(self.engagements),
            Kpi::Shares => n(self.shares),
            Kpi::VideoCompletes => n(self.video_completes),
            Kpi::Visits => n(self.visits),
            Kpi::SpendCents => n(self.spend_cents),
            Kpi::UptakeStarted => n(self.uptake_started),
            Kpi::UptakeSubmitted => n(self.uptake_submitted),
            Kpi::UptakeCompleted => n(self.uptake_completed),
            Kpi::ProgramUptakeCompleted => n(self.program_uptake_completed),
            Kpi::Reach => self.reach.map(|r| r.estimate),
            Kpi::Ctr => ratio(self.clicks, self.impressions),
            Kpi::CostPerUptakeCents => ratio(self.spend_cents, self.uptake_completed),
            Kpi::ProgramOnlineShare => {
                ratio(self.program_online_completed, self.program_uptake_completed)
            }
        }
    }
}

fn ratio(numerator: u64, denominator: u64) -> Option<f64> {
    (denominator != 0).then(|| numerator as f64 / denominator as f64)
}

impl Add for Measures {
    type Output = Measures;

    /// Sums saturate at `u64::MAX` rather than wrap (no real slice gets
    /// there; a wrapped sum would be silently wrong).
    fn add(self, other: Measures) -> Measures {
        let reach = if other.is_empty() {
            self.reach
        } else if self.is_empty() {
            other.reach
        } else {
            None
        };
        Measures {
            impressions: self.impressions.saturating_add(other.impressions),
            clicks: self.clicks.saturating_add(other.clicks),
            engagements: self.engagements.saturating_add(other.engagements),
            shares: self.shares.saturating_add(other.shares),
            video_completes: self.video_completes.saturating_add(other.video_completes),
            visits: self.visits.saturating_add(other.visits),
            spend_cents: self.spend_cents.saturating_add(other.spend_cents),
            uptake_started: self.uptake_started.saturating_add(other.uptake_started),
            uptake_submitted: self.uptake_submitted.saturating_add(other.uptake_submitted),
            uptake_completed: self.uptake_completed.saturating_add(other.uptake_completed),
            program_uptake_completed: self
                .program_uptake_completed
                .saturating_add(other.program_uptake_completed),
            program_online_completed: self
                .program_online_completed
                .saturating_add(other.program_online_completed),
            reach,
        }
    }
}

impl Sum for Measures {
    fn sum<I: Iterator<Item = Measures>>(iter: I) -> Measures {
        iter.fold(Measures::default(), Add::add)
    }
}

impl<'a> Sum<&'a Measures> for Measures {
    fn sum<I: Iterator<Item = &'a Measures>>(iter: I) -> Measures {
        iter.copied().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Measures {
        Measures {
            impressions: 1000,
            clicks: 25,
            engagements: 40,
            shares: 3,
            video_completes: 7,
            visits: 19,
            spend_cents: 500_000,
            uptake_started: 30,
            uptake_submitted: 22,
            uptake_completed: 20,
            program_uptake_completed: 80,
            program_online_completed: 52,
            reach: Some(Reach {
                estimate: 640.0,
                rse: 0.01,
            }),
        }
    }

    #[test]
    fn values_table() {
        let m = sample();
        let table = [
            (Kpi::Impressions, Some(1000.0)),
            (Kpi::Clicks, Some(25.0)),
            (Kpi::Engagements, Some(40.0)),
            (Kpi::Shares, Some(3.0)),
            (Kpi::VideoCompletes, Some(7.0)),
            (Kpi::Visits, Some(19.0)),
            (Kpi::Ctr, Some(0.025)),
            (Kpi::Reach, Some(640.0)),
            (Kpi::SpendCents, Some(500_000.0)),
            (Kpi::UptakeStarted, Some(30.0)),
            (Kpi::UptakeSubmitted, Some(22.0)),
            (Kpi::UptakeCompleted, Some(20.0)),
            (Kpi::CostPerUptakeCents, Some(25_000.0)),
            (Kpi::ProgramUptakeCompleted, Some(80.0)),
            (Kpi::ProgramOnlineShare, Some(0.65)),
        ];
        assert_eq!(table.len(), Kpi::ALL.len());
        for (kpi, want) in table {
            assert_eq!(m.value(kpi), want, "{kpi}");
        }
    }

    #[test]
    fn zero_denominators_give_none() {
        let empty = Measures::default();
        let table = [
            (Kpi::Ctr, None),
            (Kpi::CostPerUptakeCents, None),
            (Kpi::ProgramOnlineShare, None),
            (Kpi::Reach, None),
            (Kpi::Clicks, Some(0.0)),
            (Kpi::SpendCents, Some(0.0)),
        ];
        for (kpi, want) in table {
            assert_eq!(empty.value(kpi), want, "{kpi}");
        }
        // Spend without a completed uptake: no cost per uptake, not infinity.
        let spent = Measures {
            spend_cents: 100,
            clicks: 3,
            ..Measures::default()
        };
        assert_eq!(spent.value(Kpi::CostPerUptakeCents), None);
        assert_eq!(spent.value(Kpi::Ctr), None);
        // Free uptake: a cost of 0, defined.
        let free = Measures {
            uptake_completed: 4,
            ..Measures::default()
        };
        assert_eq!(free.value(Kpi::CostPerUptakeCents), Some(0.0));
    }

    #[test]
    fn add_sums_counts_and_recomputes_ratios() {
        let a = Measures {
            impressions: 100,
            clicks: 10,
            ..Measures::default()
        };
        let b = Measures {
            impressions: 300,
            clicks: 2,
            ..Measures::default()
        };
        let total = a + b;
        assert_eq!((total.impressions, total.clicks), (400, 12));
        // 12 / 400, not the mean of 0.1 and 0.0067.
        assert_eq!(total.value(Kpi::Ctr), Some(0.03));
        assert_eq!([a, b].iter().sum::<Measures>(), total);
        assert_eq!(vec![a, b].into_iter().sum::<Measures>(), total);
    }

    #[test]
    fn reach_does_not_add() {
        let reach = |estimate| Some(Reach { estimate, rse: 0.0 });
        let a = Measures {
            impressions: 5,
            reach: reach(4.0),
            ..Measures::default()
        };
        let b = Measures {
            impressions: 9,
            reach: reach(6.0),
            ..Measures::default()
        };
        let zero_reach = Measures {
            reach: reach(0.0),
            ..Measures::default()
        };
        let table = [
            (Measures::default() + a, reach(4.0)),
            (a + Measures::default(), reach(4.0)),
            (zero_reach + b, reach(6.0)),
            (a + b, None),
            ((a + b) + a, None),
            ([a].into_iter().sum(), reach(4.0)),
            ([a, b, Measures::default()].into_iter().sum(), None),
        ];
        for (i, (sum, want)) in table.into_iter().enumerate() {
            assert_eq!(sum.reach, want, "case {i}");
        }
    }

    #[test]
    fn sums_saturate() {
        let big = Measures {
            spend_cents: u64::MAX - 1,
            ..Measures::default()
        };
        assert_eq!((big + big).spend_cents, u64::MAX);
    }

    #[test]
    fn empty_sum_is_default() {
        let none: [Measures; 0] = [];
        assert_eq!(none.into_iter().sum::<Measures>(), Measures::default());
        assert!(Measures::default().is_empty());
        assert!(!sample().is_empty());
    }
}
