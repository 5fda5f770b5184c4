//! Which rollup tier a report query reads (issue 14). The daily tier
//! (migration 0015) holds, per campaign and local day of
//! [`DAILY_TZ`], the sums of the whole campaign and of each single
//! breakdown dimension (a `grouping`), so that a query over whole days that
//! keeps at most one dimension reads rows growing with days × values, not
//! with events. Everything else reads the hourly tier (`engagement_hourly`,
//! `uptake_hourly`): hour buckets, another reporting time zone, or two
//! dimensions or more kept.
//!
//! Both tiers are exact and complete whenever the ledger is (views on
//! every INSERT, rebuilt together), so the choice changes the cost, never
//! the answer; a report's ranges are whole local days, which both tiers
//! cover alike in zones whose offset is whole hours (`buckets.rs`).

use chrono_tz::Tz;
use cmp_kpi::{Dimension, Granularity};

use super::buckets::Bucketing;
use super::fetch::Span;

/// The local days of the daily tier (its views' `toStartOfDay(…,
/// 'America/Toronto')`).
pub(crate) const DAILY_TZ: Tz = chrono_tz::America::Toronto;

/// What a query reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Hourly,
    /// The daily tier's rows of one grouping: a bit per dimension kept, in
    /// [`Dimension::ALL`] order (0: the whole campaign).
    Daily(u8),
}

/// The report queries, by what their daily table keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `engagement_daily`: one of segment, channel, region, language.
    Engagement,
    /// `reach_daily`: one of segment, region.
    Reach,
    /// `uptake_daily` and `program_daily` (uptake and program queries,
    /// migration 0016): one of segment, region, language; the service
    /// channel is always kept.
    Uptake,
}

impl Kind {
    /// Dimensions the table has no column for (they read as `''`, on both
    /// tiers alike) or always keeps: no grouping is needed for them.
    fn free(self, d: Dimension) -> bool {
        match self {
            Kind::Engagement | Kind::Reach => d == Dimension::ServiceChannel,
            Kind::Uptake => matches!(d, Dimension::Channel | Dimension::ServiceChannel),
        }
    }

    /// Dimensions with a grouping of their own.
    fn grouped(self, d: Dimension) -> bool {
        match self {
            Kind::Engagement => true,
            Kind::Reach => matches!(d, Dimension::Segment | Dimension::Region),
            Kind::Uptake => d != Dimension::Channel,
        }
    }
}

/// A dimension's grouping bit.
fn bit(d: Dimension) -> u8 {
    let i = Dimension::ALL.iter().position(|x| *x == d).unwrap_or(0);
    1 << i
}

/// The tier `kind`'s query over `span` reads.
pub(crate) fn source(kind: Kind, span: &Span<'_>) -> Source {
    if span.tz != DAILY_TZ || span.bucketing == Bucketing::Every(Granularity::Hour) {
        return Source::Hourly;
    }
    let mut kept: Vec<Dimension> = span
        .by
        .iter()
        .copied()
        .chain(span.slice.narrowing.keys().copied())
        .filter(|d| !kind.free(*d))
        .collect();
    kept.sort_unstable();
    kept.dedup();
    match kept.as_slice() {
        [] => Source::Daily(0),
        [d] if kind.grouped(*d) => Source::Daily(bit(*d)),
        _ => Source::Hourly,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::slice::Slice;
    use Dimension::*;
    use chrono::{DateTime, Utc};

    fn span_source(
        kind: Kind,
        by: &[Dimension],
        narrowed: &[Dimension],
        bucketing: Bucketing,
        tz: Tz,
    ) -> Source {
        let slice = Slice {
            narrowing: narrowed.iter().map(|d| (*d, "x".to_owned())).collect(),
        };
        let span = Span {
            start: DateTime::<Utc>::UNIX_EPOCH,
            end: DateTime::<Utc>::UNIX_EPOCH,
            slice: &slice,
            by,
            bucketing,
            tz,
        };
        source(kind, &span)
    }

    #[test]
    fn whole_days_with_at_most_one_kept_dimension_read_the_daily_tier() {
        let day = Bucketing::Every(Granularity::Day);
        let t = DAILY_TZ;
        #[rustfmt::skip]
        let table = [
            (Kind::Engagement, vec![], vec![], Bucketing::Whole, Source::Daily(0)),
            (Kind::Engagement, vec![Segment], vec![], day, Source::Daily(1)),
            (Kind::Engagement, vec![Channel], vec![Channel], Bucketing::Every(Granularity::Week), Source::Daily(2)),
            (Kind::Engagement, vec![ServiceChannel, Language], vec![], day, Source::Daily(16)),
            (Kind::Engagement, vec![Segment, Channel], vec![], day, Source::Hourly),
            (Kind::Engagement, vec![Region], vec![Segment], day, Source::Hourly),
            (Kind::Reach, vec![Segment], vec![], Bucketing::Whole, Source::Daily(1)),
            (Kind::Reach, vec![Region], vec![], Bucketing::Whole, Source::Daily(8)),
            (Kind::Reach, vec![Channel], vec![], Bucketing::Whole, Source::Hourly),
            (Kind::Uptake, vec![Channel, ServiceChannel, Region], vec![], day, Source::Daily(8)),
            (Kind::Uptake, vec![Segment, Region], vec![], day, Source::Hourly),
            (Kind::Uptake, vec![], vec![ServiceChannel], day, Source::Daily(0)),
        ];
        for (kind, by, narrowed, bucketing, want) in table {
            assert_eq!(
                span_source(kind, &by, &narrowed, bucketing, t),
                want,
                "{kind:?} {by:?} {narrowed:?}"
            );
        }
    }

    #[test]
    fn hours_and_other_zones_read_the_hourly_tier() {
        let hour = Bucketing::Every(Granularity::Hour);
        assert_eq!(
            span_source(Kind::Engagement, &[], &[], hour, DAILY_TZ),
            Source::Hourly
        );
        let vancouver = chrono_tz::America::Vancouver;
        assert_eq!(
            span_source(Kind::Uptake, &[], &[], Bucketing::Whole, vancouver),
            Source::Hourly
        );
    }
}
