//! When the service's periodic tasks are due, as a pure state machine over
//! the clock (the run loop passes "now"): the attainment-history snapshot
//! every `CMP_HISTORY_INTERVAL_MIN` (and at start), the end-of-day snapshot
//! once the reporting day changes, the daily retention at start and every
//! 24 h, the drift check of every kept month at start, then of the recent
//! rollup months every `CMP_DRIFT_CHECK_INTERVAL_MIN`. A task
//! that failed is retried after [`RETRY`], not on every tick, so an outage
//! logs a warning every half minute rather than every few seconds.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// Wait before a failed task is tried again.
pub const RETRY: Duration = Duration::from_secs(30);
const DAY: Duration = Duration::from_secs(24 * 3600);

/// A task the run loop should do now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    /// A snapshot of every campaign's targets (and the target gauges).
    History,
    /// The snapshot closing the reporting day `day` (`end_of_day = 1`).
    EndOfDay(NaiveDate),
    /// Retention of the ledger.
    Maintenance,
    /// This month's and last month's rollups checked against the ledger,
    /// a month that drifted rebuilt; until one such check succeeds in this
    /// process, every month retention keeps (`every_month`), so that a
    /// table a migration added is filled from the ledger at upgrade.
    DriftCheck { every_month: bool },
}

/// What ran when, and what is still owed.
#[derive(Debug, Clone)]
pub struct Schedule {
    tz: Tz,
    history_every: Duration,
    drift_every: Duration,
    next_history: DateTime<Utc>,
    next_maintenance: DateTime<Utc>,
    next_drift: DateTime<Utc>,
    /// The reporting day the service last saw; its end is owed once the day changes.
    day: NaiveDate,
    /// An end-of-day snapshot not yet recorded (it failed), and when to retry it.
    owed_day: Option<(NaiveDate, DateTime<Utc>)>,
    /// Whether a drift check of every month has been handed out (and not failed).
    checked_every_month: bool,
}

fn later(t: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    t + chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

impl Schedule {
    /// Everything but the end of the current day is due at `now`.
    pub fn new(now: DateTime<Utc>, tz: Tz, history_every: Duration, drift_every: Duration) -> Self {
        Self {
            tz,
            history_every,
            drift_every,
            next_history: now,
            next_maintenance: now,
            next_drift: now,
            day: now.with_timezone(&tz).date_naive(),
            owed_day: None,
            checked_every_month: false,
        }
    }

    /// The tasks due at `now`, end of day first; each is considered done
    /// unless [`Schedule::failed`] is called for it.
    pub fn due(&mut self, now: DateTime<Utc>) -> Vec<Task> {
        let mut tasks = Vec::new();
        let today = now.with_timezone(&self.tz).date_naive();
        if today > self.day {
            // Only the day that just ended: days missed while the service
            // was not running are not reconstructed.
            let ended = today.pred_opt().unwrap_or(today);
            self.owed_day = Some((ended, now));
            self.day = today;
        }
        if let Some((day, at)) = self.owed_day
            && now >= at
        {
            tasks.push(Task::EndOfDay(day));
            self.owed_day = None;
        }
        if now >= self.next_history {
            tasks.push(Task::History);
            self.next_history = later(now, self.history_every);
        }
        if now >= self.next_maintenance {
            tasks.push(Task::Maintenance);
            self.next_maintenance = later(now, DAY);
        }
        if now >= self.next_drift {
            tasks.push(Task::DriftCheck {
                every_month: !self.checked_every_month,
            });
            self.checked_every_month = true;
            self.next_drift = later(now, self.drift_every);
        }
        tasks
    }

    /// `task` failed at `now`: try it again after [`RETRY`] (or its regular
    /// turn, if sooner).
    pub fn failed(&mut self, task: Task, now: DateTime<Utc>) {
        let retry = later(now, RETRY);
        match task {
            Task::History => self.next_history = self.next_history.min(retry),
            Task::EndOfDay(day) => self.owed_day = Some((day, retry)),
            Task::Maintenance => self.next_maintenance = self.next_maintenance.min(retry),
            Task::DriftCheck { every_month } => {
                self.next_drift = self.next_drift.min(retry);
                self.checked_every_month &= !every_month;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().expect("time")
    }

    #[test]
    fn history_at_start_then_every_interval() {
        let tz = chrono_tz::America::Toronto;
        let mut s = Schedule::new(
            at("2026-11-03T15:00:00Z"),
            tz,
            Duration::from_secs(900),
            DAY,
        );
        assert_eq!(
            s.due(at("2026-11-03T15:00:00Z")),
            vec![
                Task::History,
                Task::Maintenance,
                Task::DriftCheck { every_month: true }
            ]
        );
        assert_eq!(s.due(at("2026-11-03T15:14:59Z")), vec![]);
        assert_eq!(s.due(at("2026-11-03T15:15:00Z")), vec![Task::History]);
        assert!(
            s.due(at("2026-11-04T15:00:01Z"))
                .contains(&Task::Maintenance)
        );
    }

    #[test]
    fn drift_check_of_every_month_at_start_then_of_recent_ones_every_interval() {
        let ten_minutes = Duration::from_secs(600);
        let mut s = Schedule::new(at("2026-11-03T15:00:00Z"), chrono_tz::UTC, DAY, ten_minutes);
        let (every, recent) = (
            Task::DriftCheck { every_month: true },
            Task::DriftCheck { every_month: false },
        );
        assert!(s.due(at("2026-11-03T15:00:00Z")).contains(&every));
        // The first failed: every month again on retry.
        s.failed(every, at("2026-11-03T15:00:01Z"));
        assert_eq!(s.due(at("2026-11-03T15:00:31Z")), vec![every]);
        assert_eq!(s.due(at("2026-11-03T15:10:30Z")), vec![]);
        assert_eq!(s.due(at("2026-11-03T15:10:31Z")), vec![recent]);
        s.failed(recent, at("2026-11-03T15:10:32Z"));
        assert_eq!(s.due(at("2026-11-03T15:11:02Z")), vec![recent]);
    }

    #[test]
    fn end_of_day_follows_the_reporting_time_zone() {
        let tz = chrono_tz::America::Toronto; // UTC-5 in November
        let twelve_hours = Duration::from_secs(12 * 3600);
        let mut s = Schedule::new(at("2026-11-03T20:00:00Z"), tz, twelve_hours, DAY);
        s.due(at("2026-11-03T20:00:00Z"));
        // UTC midnight is 19:00 in Toronto: not the end of the day.
        assert_eq!(s.due(at("2026-11-04T00:30:00Z")), vec![]);
        let d = "2026-11-03".parse().expect("date");
        assert_eq!(s.due(at("2026-11-04T05:00:10Z")), vec![Task::EndOfDay(d)]);
        assert_eq!(s.due(at("2026-11-04T05:00:20Z")), vec![]);
    }

    #[test]
    fn failures_are_retried_after_a_pause() {
        let tz = chrono_tz::UTC;
        let mut s = Schedule::new(
            at("2026-11-03T23:59:00Z"),
            tz,
            Duration::from_secs(900),
            DAY,
        );
        s.due(at("2026-11-03T23:59:00Z"));
        let d = "2026-11-03".parse().expect("date");
        let now = at("2026-11-04T00:00:05Z");
        assert_eq!(s.due(now), vec![Task::EndOfDay(d)]);
        s.failed(Task::EndOfDay(d), now);
        s.failed(Task::Maintenance, now);
        assert_eq!(s.due(at("2026-11-04T00:00:20Z")), vec![]);
        assert_eq!(
            s.due(at("2026-11-04T00:00:35Z")),
            vec![Task::EndOfDay(d), Task::Maintenance]
        );
    }
}
