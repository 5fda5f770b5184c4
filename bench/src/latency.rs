//! From send instants and visibility samples to per-event latencies and
//! their quantiles. Pure, so the arithmetic is tested without a broker.
//!
//! A visibility point only says how many events are visible, not which, so
//! an accepted event (in send order) counts as visible at the first sample
//! that shows at least the weight of every event up to it (its own
//! included). Every event a point counts weighs 1 in the probe's points;
//! weights that differ would let one heavy event overtaken by others shift
//! the latency of many. Events of one partition become
//! visible in order; across partitions a batch may overtake an older one,
//! which moves latency between events without changing the mean. At a
//! steady rate the quantiles stay close; the poll period bounds the error.

use std::time::Duration;

/// One poll of a visibility point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sample {
    /// When the answer came back, since the run's start.
    pub at: Duration,
    /// The point's count then (events, or their weights).
    pub visible: u64,
}

/// The latency of each event of `sent` (send instant since the start, in
/// order, and weight), `None` when no sample ever showed it. `samples` must
/// be in time order.
pub fn latencies(sent: &[(Duration, u64)], samples: &[Sample]) -> Vec<Option<Duration>> {
    let mut out = Vec::with_capacity(sent.len());
    let mut next = samples.iter();
    let mut seen = 0u64;
    let mut seen_at = Duration::ZERO;
    let mut k = 0u64;
    for (sent_at, weight) in sent {
        k += weight;
        while seen < k {
            match next.next() {
                Some(s) => {
                    seen = seen.max(s.visible);
                    seen_at = s.at;
                }
                None => break,
            }
        }
        out.push((seen >= k).then(|| seen_at.saturating_sub(*sent_at)));
    }
    out
}

/// The `q` quantile (0..=1) of `sorted` by nearest rank; `None` if empty.
pub fn quantile(sorted: &[Duration], q: f64) -> Option<Duration> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let rank = (q * n as f64).ceil() as usize;
    sorted.get(rank.clamp(1, n) - 1).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn sample(at: u64, visible: u64) -> Sample {
        Sample {
            at: ms(at),
            visible,
        }
    }

    #[test]
    fn each_event_is_seen_at_the_first_sample_counting_it() {
        let sent = [(ms(0), 1), (ms(10), 1), (ms(20), 1), (ms(30), 1)];
        let samples = [
            sample(50, 0),
            sample(100, 2),
            sample(150, 2),
            sample(200, 4),
        ];
        assert_eq!(
            latencies(&sent, &samples),
            vec![Some(ms(100)), Some(ms(90)), Some(ms(180)), Some(ms(170))]
        );
    }

    #[test]
    fn events_never_counted_have_no_latency() {
        let sent = [(ms(0), 1), (ms(10), 1)];
        assert_eq!(latencies(&sent, &[sample(40, 1)]), vec![Some(ms(40)), None]);
        assert_eq!(latencies(&sent, &[]), vec![None, None]);
    }

    #[test]
    fn a_count_that_dips_does_not_unsee_events() {
        let sent = [(ms(0), 1), (ms(0), 1)];
        let samples = [sample(10, 1), sample(20, 0), sample(30, 2)];
        assert_eq!(latencies(&sent, &samples), vec![Some(ms(10)), Some(ms(30))]);
    }

    #[test]
    fn a_weighty_event_is_seen_once_its_whole_weight_is() {
        let sent = [(ms(0), 240), (ms(10), 1), (ms(20), 3)];
        let samples = [
            sample(50, 200),
            sample(100, 241),
            sample(150, 243),
            sample(200, 244),
        ];
        assert_eq!(
            latencies(&sent, &samples),
            vec![Some(ms(100)), Some(ms(90)), Some(ms(180))]
        );
    }

    #[test]
    fn quantiles_by_nearest_rank() {
        let v: Vec<Duration> = (1..=100).map(ms).collect();
        assert_eq!(quantile(&v, 0.5), Some(ms(50)));
        assert_eq!(quantile(&v, 0.99), Some(ms(99)));
        assert_eq!(quantile(&v, 1.0), Some(ms(100)));
        assert_eq!(quantile(&v, 0.0), Some(ms(1)));
        assert_eq!(quantile(&[], 0.5), None);
    }
}
