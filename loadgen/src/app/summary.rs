//! The one line printed at the end of a run: how many messages Kafka
//! acknowledged, split by expected verdict, how many it did not, and how
//! fast it went.

use std::fmt;
use std::time::Duration;

use cmp_loadgen::Expect;

/// Tallies of a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Acknowledged messages expected to be accepted.
    pub accept: u64,
    /// Acknowledged re-deliveries.
    pub redelivery: u64,
    /// Acknowledged invalid messages.
    pub refuse: u64,
    /// Messages Kafka did not acknowledge.
    pub failed: u64,
    /// Wall time from the first send to the last acknowledgement.
    pub elapsed: Duration,
    /// Whether a signal cut the run short.
    pub interrupted: bool,
}

impl Summary {
    /// Counts one acknowledged message.
    pub fn acknowledged(&mut self, expect: &Expect) {
        match expect {
            Expect::Accept { .. } => self.accept += 1,
            Expect::Redelivery { .. } => self.redelivery += 1,
            Expect::Refuse(_) => self.refuse += 1,
        }
    }

    /// Acknowledged messages.
    pub fn sent(&self) -> u64 {
        self.accept + self.redelivery + self.refuse
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.elapsed.as_secs_f64();
        let rate = if seconds > 0.0 {
            self.sent() as f64 / seconds
        } else {
            0.0
        };
        write!(
            f,
            "cmp-loadgen: sent {} (accept {}, redelivery {}, refuse {}), failed {}, \
             in {seconds:.2}s, {rate:.0} msg/s{}",
            self.sent(),
            self.accept,
            self.redelivery,
            self.refuse,
            self.failed,
            if self.interrupted {
                ", stopped by signal"
            } else {
                ""
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line() {
        let mut s = Summary::default();
        s.acknowledged(&Expect::Accept {
            event_id: "e".into(),
        });
        s.acknowledged(&Expect::Refuse(cmp_model::RefusalCode::TooLarge));
        s.failed = 1;
        s.elapsed = Duration::from_millis(500);
        assert_eq!(
            s.to_string(),
            "cmp-loadgen: sent 2 (accept 1, redelivery 0, refuse 1), failed 1, in 0.50s, 4 msg/s"
        );
    }
}
