//! What a chaos run does and when: a timeline of steps drawn from a seed.
//! Kills land at random moments for every role in the kill rotation
//! ([`Mode::kills`]); ClickHouse outages, broker restarts and ingest
//! processes joining and leaving the group (rebalances) come at fixed
//! fractions of the run, so every run has them all. Pure: the test executes
//! the steps ([`crate::fleet`] for processes, `services.sh` for services).
//!
//! Adding a role to the rotation is one more [`Killable`] here and one more
//! [`crate::fleet::Role`] in the test.

use std::time::Duration;

use crate::rng::Rng;

/// A role whose instances are SIGKILLed at random moments.
#[derive(Debug, Clone)]
pub struct Killable {
    /// The fleet role.
    pub role: &'static str,
    /// Time between two kills of the role, drawn uniformly.
    pub gap: (Duration, Duration),
    /// How long a killed instance stays down before its replacement starts.
    /// Ingest needs 11 s on tansu 0.6: the broker hands a dead member's
    /// partitions on only when a member joins after the dead one's 10 s
    /// session expired (Apache Kafka needs no wait).
    pub down_for: Duration,
}

/// How big and long a run is.
#[derive(Debug, Clone)]
pub struct Mode {
    /// `short` (CI) or `long` (the figures in RELIABILITY.md).
    pub name: &'static str,
    /// How long the load and the chaos last.
    pub window: Duration,
    /// Messages produced per second during the window.
    pub rate: u64,
    /// ClickHouse outages, evenly spread, and how long each lasts.
    pub outages: u32,
    pub outage: Duration,
    /// Broker restarts (stop, then start on the same sqlite storage).
    pub broker_restarts: u32,
    /// Ingest processes joining then leaving the group.
    pub rebalances: u32,
    pub kills: Vec<Killable>,
    /// Fewest kills a run must have survived (the plan has more).
    pub min_kills: u32,
}

impl Mode {
    /// The kill rotation of both modes.
    fn rotation() -> Vec<Killable> {
        vec![
            Killable {
                role: "ingest",
                gap: (Duration::from_secs(12), Duration::from_secs(25)),
                down_for: Duration::from_secs(11),
            },
            Killable {
                role: "aggregator",
                gap: (Duration::from_secs(15), Duration::from_secs(35)),
                down_for: Duration::from_secs(2),
            },
            Killable {
                role: "api",
                gap: (Duration::from_secs(15), Duration::from_secs(35)),
                down_for: Duration::from_secs(1),
            },
        ]
    }

    /// About 2.5 minutes, for CI.
    pub fn short() -> Self {
        Self {
            name: "short",
            window: Duration::from_secs(150),
            rate: 40,
            outages: 1,
            outage: Duration::from_secs(60),
            broker_restarts: 1,
            rebalances: 1,
            kills: Self::rotation(),
            min_kills: 6,
        }
    }

    /// 15 minutes, for the published figures.
    pub fn long() -> Self {
        Self {
            name: "long",
            window: Duration::from_secs(900),
            rate: 40,
            outages: 2,
            outage: Duration::from_secs(60),
            broker_restarts: 3,
            rebalances: 4,
            kills: Self::rotation(),
            min_kills: 20,
        }
    }

    /// `CMP_CHAOS_MODE`: `short` (default) or `long`.
    pub fn from_env() -> Self {
        match std::env::var("CMP_CHAOS_MODE").as_deref() {
            Ok("long") => Self::long(),
            Ok("short") | Err(_) => Self::short(),
            Ok(other) => panic!("CMP_CHAOS_MODE must be short or long, not {other}"),
        }
    }

    /// Messages the generator produces over the window.
    pub fn messages(&self) -> u64 {
        self.rate * self.window.as_secs()
    }
}

/// One thing the chaos run does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// SIGKILL a random instance of the role.
    Kill(&'static str),
    /// Start one instance of the role (a killed one's replacement, or a
    /// new ingest member: a rebalance).
    Start(&'static str),
    /// SIGTERM a random instance of the role (an ingest member leaving: a
    /// rebalance).
    Stop(&'static str),
    StopClickHouse,
    StartClickHouse,
    /// Stop the broker and start it again on the same storage.
    RestartBroker,
}

/// The run's steps, in time order (offsets from the start of the load).
pub fn plan(mode: &Mode, rng: &mut Rng) -> Vec<(Duration, Step)> {
    let w = mode.window;
    let mut steps = Vec::new();
    let at = |k: u32, n: u32, fraction: f64| w.mul_f64((f64::from(k) + fraction) / f64::from(n));
    for k in 0..mode.outages {
        let start = at(k, mode.outages, 0.2);
        steps.push((start, Step::StopClickHouse));
        steps.push((start + mode.outage, Step::StartClickHouse));
    }
    for k in 0..mode.rebalances {
        steps.push((at(k, mode.rebalances, 0.35), Step::Start("ingest")));
        steps.push((at(k, mode.rebalances, 0.65), Step::Stop("ingest")));
    }
    for k in 0..mode.broker_restarts {
        steps.push((at(k, mode.broker_restarts, 0.8), Step::RestartBroker));
    }
    for kill in &mode.kills {
        let mut t = rng.between(kill.gap.0, kill.gap.1);
        while t + kill.down_for < w {
            steps.push((t, Step::Kill(kill.role)));
            steps.push((t + kill.down_for, Step::Start(kill.role)));
            t += rng.between(kill.gap.0, kill.gap.1).max(kill.down_for);
        }
    }
    steps.sort_by_key(|(t, _)| *t);
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kills(steps: &[(Duration, Step)]) -> usize {
        steps
            .iter()
            .filter(|(_, s)| matches!(s, Step::Kill(_)))
            .count()
    }

    #[test]
    fn every_kill_is_followed_by_a_late_enough_restart_within_the_window() {
        for seed in 1..50 {
            for mode in [Mode::short(), Mode::long()] {
                let steps = plan(&mode, &mut Rng(seed));
                assert!(steps.windows(2).all(|p| p[0].0 <= p[1].0), "time order");
                for kill in &mode.kills {
                    let times = |step: Step| -> Vec<Duration> {
                        steps
                            .iter()
                            .filter(|(_, s)| *s == step)
                            .map(|(t, _)| *t)
                            .collect()
                    };
                    let killed = times(Step::Kill(kill.role));
                    let started = times(Step::Start(kill.role));
                    for (i, k) in killed.iter().enumerate() {
                        assert!(started.contains(&(*k + kill.down_for)), "{k:?}");
                        assert!(*k + kill.down_for < mode.window);
                        // At most one instance of a role down from a kill.
                        if let Some(next) = killed.get(i + 1) {
                            assert!(*next >= *k + kill.down_for, "{k:?} then {next:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn the_long_mode_kills_at_least_twenty_times_and_has_every_kind_of_step() {
        for seed in 1..50 {
            let mode = Mode::long();
            let steps = plan(&mode, &mut Rng(seed));
            assert!(kills(&steps) >= 20, "{} kills", kills(&steps));
            assert_eq!(mode.min_kills, 20);
            let has = |s: Step| steps.iter().any(|(_, x)| *x == s);
            assert!(has(Step::StopClickHouse) && has(Step::StartClickHouse));
            assert!(has(Step::RestartBroker) && has(Step::Stop("ingest")));
            assert!(has(Step::Kill("aggregator")) && has(Step::Kill("ingest")));
            assert!(has(Step::Kill("api")));
            let short = plan(&Mode::short(), &mut Rng(seed));
            let min = Mode::short().min_kills as usize;
            assert!(
                kills(&short) >= min,
                "{} kills in short mode",
                kills(&short)
            );
        }
    }

    #[test]
    fn outages_last_as_long_as_the_mode_says() {
        let mode = Mode::short();
        let steps = plan(&mode, &mut Rng(7));
        let stop = steps.iter().find(|(_, s)| *s == Step::StopClickHouse);
        let start = steps.iter().find(|(_, s)| *s == Step::StartClickHouse);
        assert_eq!(
            start
                .map(|s| s.0)
                .zip(stop.map(|s| s.0))
                .map(|(a, b)| a - b),
            Some(Duration::from_secs(60))
        );
    }
}
