//! Every metric `cmp-aggregator` exports, defined in one place and served by
//! the probe server on `CMP_METRICS_ADDR`. Label values are bounded: campaign
//! ids come from the registry (one series per target of a campaign's current
//! target set, removed when the target goes), KPIs and results are fixed sets.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use prometheus::{Gauge, GaugeVec, IntCounter, IntCounterVec, IntGauge, Opts, Registry};

/// The labels of one target's series: campaign, KPI code, position in the set.
pub type TargetLabels = [String; 3];

/// Every `task` label value of `task_failures`: the periodic tasks of the
/// service (`lib.rs`), created at zero so that a first failure shows in
/// `increase()`.
pub const TASKS: &[&str] = &[
    "rollup_lag",
    "attribution",
    "history",
    "history_end_of_day",
    "maintenance",
    "drift_check",
];

/// The aggregator metrics and the registry they live in.
#[derive(Clone, Debug)]
pub struct Metrics {
    pub registry: Registry,
    /// Attainment of each current target (actual ÷ target, inverted for
    /// lower-is-better KPIs); no sample while it is undefined.
    pub attainment: GaugeVec,
    /// Pace of each current target (actual ÷ expected to date).
    pub pace: GaugeVec,
    /// Seconds from the start of the newest hour in the rollups to now.
    pub rollup_lag_seconds: Gauge,
    /// Month rebuilds of a rollup, by result (`ok`, `error`).
    pub rebuild_runs: IntCounterVec,
    /// Attainment-history snapshots recorded (one per pass over the campaigns).
    pub history_snapshots: IntCounter,
    /// Periodic tasks that failed (ClickHouse down, …), by task; each one
    /// is retried on its next turn.
    pub task_failures: IntCounterVec,
    /// Budget pacing index of each campaign in flight (spent ÷ planned to date).
    pub pacing_index: GaugeVec,
    /// Whole days in a row, ending yesterday, a campaign's spend was off
    /// pace, by direction (`over`, `under`).
    pub off_pace_days: GaugeVec,
    /// Target series currently exported, to remove those whose target went.
    exported: Arc<Mutex<BTreeSet<TargetLabels>>>,
    /// Daily KPIs of a campaign that left their expected band yesterday, by kind.
    pub anomalies: GaugeVec,
    /// Passes of the attribution refresh that completed.
    pub attribution_passes: IntCounter,
    /// Attribution slices whose inputs had changed, found by the last pass
    /// (0: attribution is current with what the ledger held at its start).
    pub attribution_changed: IntGauge,
    /// Seconds the last attribution pass took (its cost follows the slices
    /// that changed, not the ledger).
    pub attribution_pass_seconds: Gauge,
    /// Campaigns with pacing series, to remove those no longer in flight.
    paced: Arc<Mutex<BTreeSet<String>>>,
    /// Campaigns with anomaly series, likewise.
    watched: Arc<Mutex<BTreeSet<String>>>,
}

/// One campaign's anomaly counts of yesterday.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnomalyGauge {
    pub campaign: String,
    pub drop: u32,
    pub spike: u32,
    pub tracking_break: u32,
}

/// The `kind` label values of `cmp_aggregator_anomalies`.
const ANOMALY_KINDS: [&str; 3] = ["drop", "spike", "tracking_break"];

/// One campaign's pacing series.
#[derive(Debug, Clone, PartialEq)]
pub struct PacingGauge {
    pub campaign: String,
    /// `None`: nothing planned to date (no sample).
    pub index: Option<f64>,
    pub over_days: u32,
    pub under_days: u32,
}

fn register<C: prometheus::core::Collector + Clone + 'static>(registry: &Registry, c: C) -> C {
    registry
        .register(Box::new(c.clone()))
        .unwrap_or_else(|e| panic!("register metric: {e}"));
    c
}

impl Metrics {
    pub fn new() -> Self {
        let registry = Registry::new();
        let r = &registry;
        let target_labels = &["campaign", "kpi", "target"];
        let attainment = register(
            r,
            GaugeVec::new(
                Opts::new(
                    "cmp_aggregator_attainment",
                    "Attainment of each target of a campaign's current target set (actual / target; target / actual for lower-is-better KPIs); `target` is its position in the set",
                ),
                target_labels,
            )
            .unwrap_or_else(|e| panic!("attainment: {e}")),
        );
        let pace = register(
            r,
            GaugeVec::new(
                Opts::new(
                    "cmp_aggregator_pace",
                    "Pace of each target of a campaign's current target set (actual / expected to date); `target` is its position in the set",
                ),
                target_labels,
            )
            .unwrap_or_else(|e| panic!("pace: {e}")),
        );
        let rollup_lag_seconds = register(
            r,
            Gauge::new(
                "cmp_aggregator_rollup_lag_seconds",
                "Seconds since the start of the newest hour present in the rollups (NaN while they are empty)",
            )
            .unwrap_or_else(|e| panic!("lag: {e}")),
        );
        rollup_lag_seconds.set(f64::NAN);
        let rebuild_runs = register(
            r,
            IntCounterVec::new(
                Opts::new(
                    "cmp_aggregator_rebuild_runs_total",
                    "Month rebuilds of a rollup from the ledger, by result",
                ),
                &["result"],
            )
            .unwrap_or_else(|e| panic!("rebuild runs: {e}")),
        );
        let history_snapshots = register(
            r,
            IntCounter::new(
                "cmp_aggregator_history_snapshots_total",
                "Attainment-history snapshots recorded (one per pass over every campaign's targets)",
            )
            .unwrap_or_else(|e| panic!("history snapshots: {e}")),
        );
        let task_failures = register(
            r,
            IntCounterVec::new(
                Opts::new(
                    "cmp_aggregator_task_failures_total",
                    "Periodic tasks that failed and will be retried on their next turn, by task",
                ),
                &["task"],
            )
            .unwrap_or_else(|e| panic!("task failures: {e}")),
        );
        let pacing_index = register(
            r,
            GaugeVec::new(
                Opts::new(
                    "cmp_aggregator_pacing_index",
                    "Budget pacing of each campaign in flight: spend from the flight's start through today / the plan over the same days",
                ),
                &["campaign"],
            )
            .unwrap_or_else(|e| panic!("pacing_index: {e}")),
        );
        let off_pace_days = register(
            r,
            GaugeVec::new(
                Opts::new(
                    "cmp_aggregator_off_pace_days",
                    "Whole days in a row, ending yesterday, at whose end a campaign's spend was off pace (index outside 0.9-1.1), by direction (over, under)",
                ),
                &["campaign", "direction"],
            )
            .unwrap_or_else(|e| panic!("off_pace_days: {e}")),
        );
        let anomalies = register(
            r,
            GaugeVec::new(
                Opts::new(
                    "cmp_aggregator_anomalies",
                    "Daily KPIs of each campaign in flight that left their expected band yesterday (same weekday over 8 weeks), by kind (drop, spike, tracking_break)",
                ),
                &["campaign", "kind"],
            )
            .unwrap_or_else(|e| panic!("anomalies: {e}")),
        );
        let attribution_passes = register(
            r,
            IntCounter::new(
                "cmp_aggregator_attribution_passes_total",
                "Passes of the attribution refresh that completed (each recomputes the slices whose events changed)",
            )
            .unwrap_or_else(|e| panic!("attribution passes: {e}")),
        );
        let attribution_changed = register(
            r,
            IntGauge::new(
                "cmp_aggregator_attribution_changed_slices",
                "Attribution slices (program x UTC hour) whose events had changed, found and recomputed by the last pass; 0 when attribution is current",
            )
            .unwrap_or_else(|e| panic!("attribution changed: {e}")),
        );
        let attribution_pass_seconds = register(
            r,
            Gauge::new(
                "cmp_aggregator_attribution_pass_seconds",
                "Seconds the last attribution pass took (reading the marks, recomputing the changed slices, writing them)",
            )
            .unwrap_or_else(|e| panic!("attribution pass seconds: {e}")),
        );
        for result in ["ok", "error"] {
            rebuild_runs.with_label_values(&[result]);
        }
        for task in TASKS {
            task_failures.with_label_values(&[task]);
        }
        Self {
            registry,
            attainment,
            pace,
            rollup_lag_seconds,
            rebuild_runs,
            history_snapshots,
            task_failures,
            attribution_passes,
            attribution_changed,
            attribution_pass_seconds,
            pacing_index,
            off_pace_days,
            anomalies,
            exported: Arc::default(),
            paced: Arc::default(),
            watched: Arc::default(),
        }
    }

    /// Replaces every anomaly series with `current`; a campaign no longer
    /// in flight loses its series.
    pub fn set_anomalies(&self, current: &[AnomalyGauge]) {
        let mut watched = self
            .watched
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now: BTreeSet<String> = current.iter().map(|g| g.campaign.clone()).collect();
        for gone in watched.difference(&now) {
            for kind in ANOMALY_KINDS {
                let _ = self.anomalies.remove_label_values(&[gone, kind]);
            }
        }
        for g in current {
            for (kind, n) in ANOMALY_KINDS
                .into_iter()
                .zip([g.drop, g.spike, g.tracking_break])
            {
                self.anomalies
                    .with_label_values(&[&g.campaign, kind])
                    .set(f64::from(n));
            }
        }
        *watched = now;
    }

    /// Replaces every pacing series with `current`; a campaign no longer
    /// in flight loses its series.
    pub fn set_pacing(&self, current: &[PacingGauge]) {
        let mut paced = self
            .paced
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now: BTreeSet<String> = current.iter().map(|g| g.campaign.clone()).collect();
        for gone in paced.difference(&now) {
            let _ = self.pacing_index.remove_label_values(&[gone]);
            for direction in ["over", "under"] {
                let _ = self.off_pace_days.remove_label_values(&[gone, direction]);
            }
        }
        for g in current {
            match g.index {
                Some(i) => self.pacing_index.with_label_values(&[&g.campaign]).set(i),
                None => {
                    let _ = self.pacing_index.remove_label_values(&[&g.campaign]);
                }
            }
            for (direction, days) in [("over", g.over_days), ("under", g.under_days)] {
                self.off_pace_days
                    .with_label_values(&[&g.campaign, direction])
                    .set(f64::from(days));
            }
        }
        *paced = now;
    }

    /// Replaces every target series with `current`: (labels, attainment,
    /// pace). A target no longer present loses its series; an undefined value
    /// (`None`) exports no sample.
    pub fn set_targets(&self, current: &[(TargetLabels, Option<f64>, Option<f64>)]) {
        let mut exported = self
            .exported
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now: BTreeSet<TargetLabels> = current
            .iter()
            .filter(|(_, a, p)| a.is_some() || p.is_some())
            .map(|(l, _, _)| l.clone())
            .collect();
        for gone in exported.difference(&now) {
            let labels = [gone[0].as_str(), gone[1].as_str(), gone[2].as_str()];
            let _ = self.attainment.remove_label_values(&labels);
            let _ = self.pace.remove_label_values(&labels);
        }
        for (l, attainment, pace) in current {
            let labels = [l[0].as_str(), l[1].as_str(), l[2].as_str()];
            for (vec, value) in [(&self.attainment, attainment), (&self.pace, pace)] {
                match value {
                    Some(v) => vec.with_label_values(&labels).set(*v),
                    None => {
                        let _ = vec.remove_label_values(&labels);
                    }
                }
            }
        }
        *exported = now;
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(m: &Metrics) -> String {
        let mut buf = Vec::new();
        prometheus::Encoder::encode(
            &prometheus::TextEncoder::new(),
            &m.registry.gather(),
            &mut buf,
        )
        .expect("encode");
        String::from_utf8(buf).expect("utf8")
    }

    fn labels(c: &str, k: &str, i: &str) -> TargetLabels {
        [c.into(), k.into(), i.into()]
    }

    #[test]
    fn pacing_series_of_campaigns_out_of_flight_are_removed() {
        let m = Metrics::new();
        let g = |c: &str, index, over| PacingGauge {
            campaign: c.into(),
            index,
            over_days: over,
            under_days: 0,
        };
        m.set_pacing(&[g("c1", Some(1.3), 4), g("c2", None, 0)]);
        let t = text(&m);
        assert!(
            t.contains("cmp_aggregator_pacing_index{campaign=\"c1\"} 1.3"),
            "{t}"
        );
        assert!(
            !t.contains("cmp_aggregator_pacing_index{campaign=\"c2\"}"),
            "{t}"
        );
        assert!(
            t.contains("cmp_aggregator_off_pace_days{campaign=\"c1\",direction=\"over\"} 4"),
            "{t}"
        );
        m.set_pacing(&[g("c2", Some(1.0), 0)]);
        let t = text(&m);
        assert!(!t.contains("campaign=\"c1\""), "{t}");
        assert!(
            t.contains("cmp_aggregator_off_pace_days{campaign=\"c2\",direction=\"under\"} 0"),
            "{t}"
        );
    }

    #[test]
    fn anomaly_series_follow_the_campaigns_in_flight() {
        let m = Metrics::new();
        let g = |c: &str, drop| AnomalyGauge {
            campaign: c.into(),
            drop,
            spike: 0,
            tracking_break: 0,
        };
        m.set_anomalies(&[g("c1", 2), g("c2", 0)]);
        let t = text(&m);
        assert!(
            t.contains("cmp_aggregator_anomalies{campaign=\"c1\",kind=\"drop\"} 2"),
            "{t}"
        );
        assert!(
            t.contains("cmp_aggregator_anomalies{campaign=\"c2\",kind=\"tracking_break\"} 0"),
            "{t}"
        );
        m.set_anomalies(&[g("c2", 1)]);
        let t = text(&m);
        assert!(!t.contains("campaign=\"c1\""), "{t}");
    }

    #[test]
    fn series_of_targets_that_disappear_are_removed() {
        let m = Metrics::new();
        m.set_targets(&[
            (labels("c1", "clicks", "0"), Some(0.5), Some(0.9)),
            (labels("c1", "reach", "1"), Some(1.5), None),
        ]);
        let t = text(&m);
        assert!(
            t.contains(r#"cmp_aggregator_attainment{campaign="c1",kpi="clicks",target="0"} 0.5"#),
            "{t}"
        );
        assert!(
            t.contains(r#"cmp_aggregator_attainment{campaign="c1",kpi="reach",target="1"} 1.5"#)
        );
        assert!(!t.contains(r#"cmp_aggregator_pace{campaign="c1",kpi="reach""#));
        m.set_targets(&[(labels("c1", "reach", "0"), Some(2.0), Some(1.0))]);
        let t = text(&m);
        assert!(!t.contains(r#"kpi="clicks""#), "{t}");
        assert!(!t.contains(r#"target="1""#), "{t}");
        assert!(t.contains(r#"cmp_aggregator_pace{campaign="c1",kpi="reach",target="0"} 1"#));
        m.set_targets(&[]);
        assert!(!text(&m).contains("campaign="));
    }

    #[test]
    fn failure_and_rebuild_counters_start_at_zero() {
        let t = text(&Metrics::new());
        for task in TASKS {
            let line = format!("cmp_aggregator_task_failures_total{{task=\"{task}\"}} 0");
            assert!(t.contains(&line), "{line} missing from {t}");
        }
        assert!(t.contains("cmp_aggregator_rebuild_runs_total{result=\"error\"} 0"));
    }
}
