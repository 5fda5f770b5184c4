//! What a report reads: the narrowing of a slice (a target's `segment`,
//! `channel`… fields) and the breakdown columns of a `by=`, mapped to the
//! rollups' columns through one fixed whitelist. No caller's string ever
//! becomes SQL text: narrowing values are bound (`?`), and the only SQL
//! built at run time is the breakdown key and the narrowing's conditions
//! (`AND column = ?` per narrowed dimension, none for the whole campaign:
//! a condition that is always true still reads its column), spelled from
//! [`column`].
//!
//! A rollup lacks one dimension: `engagement_hourly` has no
//! `service_channel` and `uptake_hourly` no `channel`. Such a column reads
//! as the constant `''` (no dimension value is empty: absent segments,
//! regions and languages are stored as `unspecified`, `XX`, `und`), so:
//! - a breakdown by it puts all of that table's measures under the key
//!   `""` (engagement KPIs by service channel, uptake KPIs by channel: not
//!   meaningful, zero under every real key);
//! - a narrowing by it matches none of that table's rows (a slice of one
//!   service channel has no engagement), which is also why `Target`
//!   validation refuses such targets.

use std::collections::BTreeMap;

use cmp_kpi::{Dimension, Target};

use super::buckets::{Bucketing, expression};

/// A rollup table a report reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Table {
    /// `engagement_hourly`.
    Engagement,
    /// `uptake_hourly`.
    Uptake,
}

/// The whitelist: the SQL expression of a dimension in a table.
pub(crate) const fn column(table: Table, dimension: Dimension) -> &'static str {
    match (table, dimension) {
        (_, Dimension::Segment) => "segment",
        (Table::Engagement, Dimension::Channel) => "channel",
        (Table::Uptake, Dimension::Channel) => "''",
        (Table::Engagement, Dimension::ServiceChannel) => "''",
        (Table::Uptake, Dimension::ServiceChannel) => "service_channel",
        (_, Dimension::Region) => "region",
        (_, Dimension::Language) => "language",
    }
}

/// The breakdown dimensions in contract order, each once.
pub(crate) fn normalize(by: &[Dimension]) -> Vec<Dimension> {
    let mut by = by.to_vec();
    by.sort_unstable();
    by.dedup();
    by
}

/// Marks the spans of a report query rebuilt from the whitelists.
const KEY_OPEN: &str = "/*key*/";
const BUCKET_OPEN: &str = "/*bucket*/";
const NARROW_OPEN: &str = "/*narrow*/";
const CLOSE: &str = "/*end*/";

/// `template` with the span from `open` to the next close marker replaced.
fn replace_span(template: &str, open: &str, replacement: &str) -> String {
    let Some(start) = template.find(open) else {
        return template.to_owned();
    };
    let Some(close) = template[start..].find(CLOSE).map(|i| start + i) else {
        return template.to_owned();
    };
    format!(
        "{}{replacement}{}",
        &template[..start],
        &template[close + CLOSE.len()..]
    )
}

/// `template` with its key span replaced by the array of `by`'s columns
/// (`by` normalised), its bucket span by the bucketing's expression and its
/// narrowing span by one `AND column = ?` per dimension `slice` narrows, in
/// [`Slice::values`] order. The `.sql` file's own spans are one instance
/// of them, so the file stays a query the SQL check can run.
pub(crate) fn with_spans(
    template: &str,
    table: Table,
    by: &[Dimension],
    bucketing: Bucketing,
    slice: &Slice,
) -> String {
    let key = if by.is_empty() {
        "emptyArrayString()".to_owned()
    } else {
        let columns: Vec<&str> = by.iter().map(|d| column(table, *d)).collect();
        format!("[{}]", columns.join(", "))
    };
    let narrow: Vec<String> = slice
        .values()
        .map(|(d, _)| format!("AND {} = ?", column(table, d)))
        .collect();
    let keyed = replace_span(template, KEY_OPEN, &key);
    let bucketed = replace_span(&keyed, BUCKET_OPEN, expression(bucketing));
    replace_span(&bucketed, NARROW_OPEN, &narrow.join(" "))
}

/// The narrowing of a slice: at most one value per dimension, in stored
/// form. Empty = the whole campaign.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Slice {
    pub narrowing: BTreeMap<Dimension, String>,
}

impl Slice {
    /// The slice a target is judged on.
    pub fn of_target(target: &Target) -> Slice {
        Slice {
            narrowing: Dimension::ALL
                .into_iter()
                .filter_map(|d| target.narrowing(d).map(|v| (d, v.to_owned())))
                .collect(),
        }
    }

    /// The narrowed dimensions and their values, in [`Dimension::ALL`]
    /// order: the narrowing span's conditions and the values bound to them.
    pub(crate) fn values(&self) -> impl Iterator<Item = (Dimension, &str)> {
        Dimension::ALL
            .into_iter()
            .filter_map(|d| self.narrowing.get(&d).map(|v| (d, v.as_str())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cmp_kpi::{Granularity, Kpi};
    use cmp_store::sql;

    #[test]
    fn every_report_query_has_one_bucket_span_then_one_key_span() {
        for template in [
            sql::REPORT_ENGAGEMENT,
            sql::REPORT_REACH,
            sql::REPORT_UPTAKE,
            sql::REPORT_PROGRAM,
            sql::REPORT_ENGAGEMENT_DAILY,
            sql::REPORT_REACH_DAILY,
            sql::REPORT_UPTAKE_DAILY,
            sql::REPORT_PROGRAM_DAILY,
        ] {
            assert_eq!(template.matches(BUCKET_OPEN).count(), 1);
            assert_eq!(template.matches(KEY_OPEN).count(), 1);
            assert_eq!(template.matches(NARROW_OPEN).count(), 1);
            assert_eq!(template.matches(CLOSE).count(), 3);
            assert!(template.find(BUCKET_OPEN) < template.find(KEY_OPEN));
            assert!(template.find(KEY_OPEN) < template.find(NARROW_OPEN));
            assert!(!template.contains("= ''"), "no always-true condition left");
        }
    }

    #[test]
    fn the_files_are_instances_of_their_spans() {
        let all = Dimension::ALL;
        let plain = |t: &str| {
            t.replace(KEY_OPEN, "")
                .replace(BUCKET_OPEN, "")
                .replace(NARROW_OPEN, "")
                .replace(CLOSE, "")
        };
        let (day, week) = (
            Bucketing::Every(Granularity::Day),
            Bucketing::Every(Granularity::Week),
        );
        let hour = Bucketing::Every(Granularity::Hour);
        use Dimension::*;
        let narrowed = |dims: &[Dimension]| Slice {
            narrowing: dims.iter().map(|d| (*d, "x".to_owned())).collect(),
        };
        for (template, table, by, bucketing, narrowing) in [
            (
                sql::REPORT_ENGAGEMENT,
                Table::Engagement,
                &all[..],
                day,
                &[Segment, Region][..],
            ),
            (
                sql::REPORT_REACH,
                Table::Engagement,
                &all[..],
                week,
                &[Channel, Language][..],
            ),
            (
                sql::REPORT_UPTAKE,
                Table::Uptake,
                &all[..],
                Bucketing::Whole,
                &[ServiceChannel][..],
            ),
            (
                sql::REPORT_PROGRAM,
                Table::Uptake,
                &all[..],
                hour,
                &[Region][..],
            ),
            (
                sql::REPORT_ENGAGEMENT_DAILY,
                Table::Engagement,
                &[Segment][..],
                day,
                &[Segment][..],
            ),
            (
                sql::REPORT_REACH_DAILY,
                Table::Engagement,
                &[][..],
                week,
                &[Region][..],
            ),
            (
                sql::REPORT_UPTAKE_DAILY,
                Table::Uptake,
                &[ServiceChannel, Region][..],
                Bucketing::Whole,
                &[Region][..],
            ),
            (
                sql::REPORT_PROGRAM_DAILY,
                Table::Uptake,
                &[ServiceChannel, Language][..],
                day,
                &[Language][..],
            ),
        ] {
            assert_eq!(
                with_spans(template, table, by, bucketing, &narrowed(narrowing)),
                plain(template)
            );
        }
    }

    #[test]
    fn keys_and_buckets_come_from_the_whitelists() {
        let t = "SELECT /*bucket*/b/*end*/ AS bucket, /*key*/[x]/*end*/ AS key WHERE 1 /*narrow*/AND x = ?/*end*/";
        let whole = Bucketing::Whole;
        #[rustfmt::skip]
        let table = [
            (Table::Engagement, vec![], whole, "SELECT toUInt32(0) AS bucket, emptyArrayString() AS key WHERE 1 "),
            (Table::Engagement, vec![Dimension::Region, Dimension::Segment], whole, "SELECT toUInt32(0) AS bucket, [segment, region] AS key WHERE 1 "),
            (Table::Engagement, vec![Dimension::ServiceChannel], Bucketing::Every(Granularity::Day), "SELECT toUInt32(toStartOfDay(hour, tz)) AS bucket, [''] AS key WHERE 1 "),
            (Table::Uptake, vec![Dimension::Channel, Dimension::ServiceChannel], whole, "SELECT toUInt32(0) AS bucket, ['', service_channel] AS key WHERE 1 "),
            (Table::Uptake, vec![Dimension::Language, Dimension::Language], whole, "SELECT toUInt32(0) AS bucket, [language] AS key WHERE 1 "),
        ];
        for (table, by, bucketing, want) in table {
            assert_eq!(
                with_spans(t, table, &normalize(&by), bucketing, &Slice::default()),
                want,
                "{by:?}"
            );
        }
    }

    #[test]
    fn narrowing_conditions_come_from_the_whitelist_in_dimension_order() {
        let t = "WHERE c = ? /*narrow*/AND x = ?/*end*/ GROUP BY k";
        let slice = |pairs: &[(Dimension, &str)]| Slice {
            narrowing: pairs.iter().map(|(d, v)| (*d, (*v).to_owned())).collect(),
        };
        let region_segment = slice(&[(Dimension::Region, "QC"), (Dimension::Segment, "youth")]);
        #[rustfmt::skip]
        let table = [
            (Table::Engagement, slice(&[]), "WHERE c = ?  GROUP BY k"),
            (Table::Engagement, region_segment.clone(), "WHERE c = ? AND segment = ? AND region = ? GROUP BY k"),
            // A dimension the table lacks reads as '' and matches no row.
            (Table::Engagement, slice(&[(Dimension::ServiceChannel, "online")]), "WHERE c = ? AND '' = ? GROUP BY k"),
            (Table::Uptake, slice(&[(Dimension::Channel, "web"), (Dimension::Language, "fr")]), "WHERE c = ? AND '' = ? AND language = ? GROUP BY k"),
        ];
        for (table, slice, want) in table {
            assert_eq!(with_spans(t, table, &[], Bucketing::Whole, &slice), want);
        }
        let bound: Vec<&str> = region_segment.values().map(|(_, v)| v).collect();
        assert_eq!(bound, ["youth", "QC"], "bound in the conditions' order");
    }

    #[test]
    fn target_narrowing() {
        let mut t = Target::new(Kpi::Clicks, 5.0);
        t.region = Some("QC".into());
        t.channel = Some("search".into());
        let s = Slice::of_target(&t);
        let values: Vec<(Dimension, &str)> = s.values().collect();
        assert_eq!(
            values,
            [(Dimension::Channel, "search"), (Dimension::Region, "QC")]
        );
    }
}
