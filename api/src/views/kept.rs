//! A campaign's kept attribution (`cmp_store::credit_values`, kept current
//! by the aggregator: `cmp_report::attribution`) as the attribution and
//! message-test views read it: each value summed per local day of the
//! reporting zone (an hour's row counts on the day it starts in, exact for
//! whole-hour offsets as the rollups are), so that a non-admin's counts
//! can be published as sums of daily atoms.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use cmp_kpi::local_date;
use cmp_store::{CreditQuery, Store};

use crate::error::ApiError;

/// Values per local day.
pub type Days = BTreeMap<NaiveDate, f64>;

/// Where a kept value belongs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cell {
    pub measure: String,
    pub by_kind: String,
    pub stage: String,
    pub by_value: String,
    pub by_language: String,
}

/// The values read, per cell and local day.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Kept(pub BTreeMap<Cell, Days>);

impl Kept {
    /// Reads `q` and sums it per local day of `tz`.
    pub async fn read(store: &Store, q: &CreditQuery<'_>, tz: Tz) -> Result<Kept, ApiError> {
        let mut kept = Kept::default();
        for v in cmp_store::credit_values(store, q).await? {
            let at =
                DateTime::<Utc>::from_timestamp(i64::from(v.hour_start), 0).unwrap_or_default();
            let cell = Cell {
                measure: v.measure,
                by_kind: v.by_kind,
                stage: v.stage,
                by_value: v.by_value,
                by_language: v.by_language,
            };
            *kept
                .0
                .entry(cell)
                .or_default()
                .entry(local_date(at, tz))
                .or_default() += v.value;
        }
        Ok(kept)
    }

    /// The cells of `measure` and `by_kind`, with their days.
    pub fn cells<'a>(
        &'a self,
        measure: &'a str,
        by_kind: &'a str,
    ) -> impl Iterator<Item = (&'a Cell, &'a Days)> + 'a {
        self.0
            .iter()
            .filter(move |(c, _)| c.measure == measure && c.by_kind == by_kind)
    }
}

/// Adds `more` into `days`.
pub fn add(days: &mut Days, more: &Days) {
    for (d, v) in more {
        *days.entry(*d).or_default() += v;
    }
}

/// The sum over the days.
pub fn total(days: &Days) -> f64 {
    days.values().sum()
}
