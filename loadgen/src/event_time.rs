//! When a generated event happened, and how its producer wrote that down.
//! Fresh events fall uniformly in `[now - spread, now]`; a share of them is
//! 1–30 days late (still inside the 90-day maximum age). Producers write
//! RFC 3339 with `Z` or an Eastern offset (`-05:00`, `-04:00`), with no
//! fraction, milliseconds or microseconds.

use chrono::{DateTime, Duration, FixedOffset, SecondsFormat, Utc};
use rand::Rng;

use crate::config::GenConfig;
use crate::pick::weighted;

const MICROS_PER_DAY: i64 = 86_400_000_000;

/// When a fresh event happened, and whether it is one of the late ones.
pub(crate) fn fresh(rng: &mut impl Rng, config: &GenConfig) -> (DateTime<Utc>, bool) {
    if rng.random_bool(config.late_share) {
        let ago = rng.random_range(MICROS_PER_DAY..=30 * MICROS_PER_DAY);
        return (config.now - Duration::microseconds(ago), true);
    }
    let spread = config.spread.num_microseconds().unwrap_or(0).max(0);
    let ago = if spread == 0 {
        0
    } else {
        rng.random_range(0..=spread)
    };
    (config.now - Duration::microseconds(ago), false)
}

/// `at` as a producer would write it: offset `Z`, `-05:00` or `-04:00`;
/// fraction none, 3 or 6 digits.
pub(crate) fn format(rng: &mut impl Rng, at: DateTime<Utc>) -> String {
    let offset_hours = weighted(rng, &[(0, 2), (-5, 1), (-4, 1)]).unwrap_or(0);
    let precision = weighted(
        rng,
        &[
            (SecondsFormat::Secs, 6),
            (SecondsFormat::Millis, 3),
            (SecondsFormat::Micros, 1),
        ],
    )
    .unwrap_or(SecondsFormat::Secs);
    match FixedOffset::east_opt(offset_hours * 3600) {
        Some(offset) if offset_hours != 0 => {
            at.with_timezone(&offset).to_rfc3339_opts(precision, true)
        }
        _ => at.to_rfc3339_opts(precision, true),
    }
}

#[cfg(test)]
mod tests {
    use cmp_model::timestamp::parse_rfc3339;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    use super::*;

    #[test]
    fn formats_parse_back_to_the_same_second() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let config = GenConfig {
            late_share: 0.0,
            ..GenConfig::default()
        };
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..500 {
            let (at, _) = fresh(&mut rng, &config);
            assert!(at <= config.now && at >= config.now - config.spread);
            let text = format(&mut rng, at);
            let back = parse_rfc3339(&text).expect("parses");
            assert_eq!(back.timestamp(), at.timestamp(), "{text}");
            let shape = (text.ends_with('Z'), text.len());
            seen.insert(shape);
        }
        // Z and offsets, each with 0, 3 and 6 fraction digits.
        assert_eq!(seen.len(), 6, "{seen:?}");
    }

    #[test]
    fn late_events_are_one_to_thirty_days_old() {
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        let config = GenConfig {
            late_share: 1.0,
            ..GenConfig::default()
        };
        for _ in 0..200 {
            let (at, late) = fresh(&mut rng, &config);
            assert!(late);
            let age = config.now - at;
            assert!(age >= Duration::days(1) && age <= Duration::days(30));
        }
    }
}
