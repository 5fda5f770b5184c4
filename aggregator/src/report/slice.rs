//! What a report reads: the narrowing of a slice (a target's `segment`,
//! `channel`… fields) and the breakdown columns of a `by=`, mapped to the
//! rollups' columns through one fixed whitelist. No caller's string ever
//! becomes SQL text: narrowing values are bound (`?`), and the only SQL
//! built at run time is the breakdown key, spelled from [`column`].
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

/// Marks the span of a report query rebuilt from the whitelist.
const KEY_OPEN: &str = "/*key*/";
const KEY_CLOSE: &str = "/*end*/";

/// `template` with its key span replaced by the array of `by`'s columns
/// (`by` normalised). The `.sql` file's own span is one instance of it, so
/// the file stays a query the SQL check can run.
pub(crate) fn with_key(template: &str, table: Table, by: &[Dimension]) -> String {
    let key = if by.is_empty() {
        "emptyArrayString()".to_owned()
    } else {
        let columns: Vec<&str> = by.iter().map(|d| column(table, *d)).collect();
        format!("[{}]", columns.join(", "))
    };
    let Some(open) = template.find(KEY_OPEN) else {
        return template.to_owned();
    };
    let Some(close) = template[open..].find(KEY_CLOSE).map(|i| open + i) else {
        return template.to_owned();
    };
    format!(
        "{}{key}{}",
        &template[..open],
        &template[close + KEY_CLOSE.len()..]
    )
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

    /// The bound value for a dimension: `''` means "not narrowed" (an empty
    /// value is never a real one).
    pub(crate) fn value(&self, dimension: Dimension) -> &str {
        self.narrowing.get(&dimension).map_or("", String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cmp_kpi::Kpi;
    use cmp_store::sql;

    #[test]
    fn every_report_query_has_one_key_span() {
        for template in [
            sql::REPORT_ENGAGEMENT,
            sql::REPORT_REACH,
            sql::REPORT_UPTAKE,
            sql::REPORT_PROGRAM,
        ] {
            assert_eq!(template.matches(KEY_OPEN).count(), 1);
            assert_eq!(template.matches(KEY_CLOSE).count(), 1);
            assert!(template.find(KEY_OPEN) < template.find(KEY_CLOSE));
        }
    }

    #[test]
    fn the_files_are_the_full_breakdown_instance() {
        let all = Dimension::ALL;
        assert_eq!(
            with_key(sql::REPORT_ENGAGEMENT, Table::Engagement, &all),
            sql::REPORT_ENGAGEMENT
                .replace(KEY_OPEN, "")
                .replace(KEY_CLOSE, "")
        );
        assert_eq!(
            with_key(sql::REPORT_UPTAKE, Table::Uptake, &all),
            sql::REPORT_UPTAKE
                .replace(KEY_OPEN, "")
                .replace(KEY_CLOSE, "")
        );
    }

    #[test]
    fn keys_come_from_the_whitelist() {
        let t = "SELECT /*key*/[x]/*end*/ AS key";
        #[rustfmt::skip]
        let table = [
            (Table::Engagement, vec![], "SELECT emptyArrayString() AS key"),
            (Table::Engagement, vec![Dimension::Region, Dimension::Segment], "SELECT [segment, region] AS key"),
            (Table::Engagement, vec![Dimension::ServiceChannel], "SELECT [''] AS key"),
            (Table::Uptake, vec![Dimension::Channel, Dimension::ServiceChannel], "SELECT ['', service_channel] AS key"),
            (Table::Uptake, vec![Dimension::Language, Dimension::Language], "SELECT [language] AS key"),
        ];
        for (table, by, want) in table {
            assert_eq!(with_key(t, table, &normalize(&by)), want, "{by:?}");
        }
    }

    #[test]
    fn target_narrowing() {
        let mut t = Target::new(Kpi::Clicks, 5.0);
        t.region = Some("QC".into());
        t.channel = Some("search".into());
        let s = Slice::of_target(&t);
        assert_eq!(s.value(Dimension::Region), "QC");
        assert_eq!(s.value(Dimension::Channel), "search");
        assert_eq!(s.value(Dimension::Segment), "");
        assert_eq!(s.narrowing.len(), 2);
    }
}
