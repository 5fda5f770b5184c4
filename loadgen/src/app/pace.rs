//! Pacing to `--rate`: messages go out in small bursts (about a hundred a
//! second), and before each burst the loop sleeps until the moment the
//! burst is due, measured from the start so rounding never accumulates
//! into drift. A rate of 0 means no pacing.

use std::time::Duration;

use tokio::time::Instant;

/// Bursts per second at high rates: small enough to be smooth, large
/// enough that sleeping costs nothing.
const BURSTS_PER_SECOND: f64 = 100.0;

/// When each burst of messages is due.
#[derive(Clone, Copy, Debug)]
pub struct Pacer {
    /// Messages per second; 0 = unpaced.
    rate: f64,
    /// Messages per burst (at least 1).
    burst: u64,
    start: Instant,
}

impl Pacer {
    /// A pacer for `rate` messages per second, counting from `start`.
    pub fn new(rate: f64, start: Instant) -> Self {
        let burst = (rate / BURSTS_PER_SECOND).ceil().max(1.0) as u64;
        Self { rate, burst, start }
    }

    /// When message number `sent` (0-based) may go out, if the loop must
    /// wait for it: only the first message of each burst waits.
    pub fn due(&self, sent: u64) -> Option<Instant> {
        if self.rate <= 0.0 || !sent.is_multiple_of(self.burst) {
            return None;
        }
        Some(self.start + Duration::from_secs_f64(sent as f64 / self.rate))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpaced_never_waits() {
        let p = Pacer::new(0.0, Instant::now());
        assert!((0..1000).all(|n| p.due(n).is_none()));
    }

    #[test]
    fn bursts_are_spread_evenly() {
        let start = Instant::now();
        let p = Pacer::new(1000.0, start);
        assert_eq!(p.burst, 10);
        assert_eq!(p.due(0), Some(start));
        assert_eq!(p.due(5), None);
        assert_eq!(p.due(10), Some(start + Duration::from_millis(10)));
        assert_eq!(p.due(1000), Some(start + Duration::from_secs(1)));

        let slow = Pacer::new(2.0, start);
        assert_eq!(slow.burst, 1);
        assert_eq!(slow.due(3), Some(start + Duration::from_millis(1500)));
    }
}
