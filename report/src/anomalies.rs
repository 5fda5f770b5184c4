//! A campaign's anomalies over a range of days (contract/API.md v1.1,
//! "Anomalies"): its measures per day of the reporting zone, in total and
//! by channel, region and segment, read from the rollups over the range
//! and the 8 weeks before it (one query per rollup and dimension,
//! so the cost follows days × values, not events), each KPI judged by
//! `cmp_kpi`'s rules on every day of the range.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;
use cmp_kpi::{DateRange, Dimension, Flag, Granularity, Measures, Model, Series, detect_anomalies};
use cmp_store::{Campaign, Store, StoreError};

use crate::buckets::{Bucketing, instant};
use crate::fetch::{Need, Span, cells};
use crate::slice::Slice;

use cmp_kpi::ANOMALY_WEEKS as WEEKS;

/// The KPIs judged, in the contract's order, with their noise model.
pub const KPIS: [(&str, Model); 5] = [
    ("impressions", Model::Count),
    ("clicks", Model::Count),
    ("spend_cents", Model::Money),
    ("uptake_completed", Model::Count),
    ("program_online_share", Model::Share),
];

/// The dimensions a driver is looked for in.
const DRIVERS: [Dimension; 3] = [Dimension::Channel, Dimension::Region, Dimension::Segment];

fn value(kpi: &str, m: &Measures) -> f64 {
    match kpi {
        "impressions" => m.impressions as f64,
        "clicks" => m.clicks as f64,
        "spend_cents" => m.spend_cents as f64,
        "uptake_completed" => m.uptake_completed as f64,
        _ => m.program_online_completed as f64,
    }
}

/// Engagement events of a day (the count spend is a sum over).
fn events(m: &Measures) -> f64 {
    (m.impressions + m.clicks + m.engagements + m.shares + m.video_completes + m.visits) as f64
}

/// Measures per local day (and per value of `by`, when given).
async fn per_day(
    store: &Store,
    c: &Campaign,
    range: DateRange,
    by: &[Dimension],
    tz: Tz,
) -> Result<BTreeMap<(NaiveDate, Vec<String>), Measures>, StoreError> {
    let (start, end) = range.utc_bounds(tz);
    let everything = Slice::default();
    let span = Span {
        start,
        end,
        slice: &everything,
        by,
        bucketing: Bucketing::Every(Granularity::Day),
        tz,
    };
    let found = cells(store, c, &span, Need::ADDITIVE).await?;
    Ok(found
        .cells
        .into_iter()
        .map(|((bucket, key), m)| ((cmp_kpi::local_date(instant(bucket), tz), key), m))
        .collect())
}

/// The flags of `c` on each day of `range`; `k` is the suppression threshold.
pub async fn anomalies(
    store: &Store,
    c: &Campaign,
    range: DateRange,
    tz: Tz,
    k: f64,
) -> Result<Vec<Flag>, StoreError> {
    if range.is_empty() {
        return Ok(Vec::new());
    }
    let read = DateRange {
        from: range.from - Duration::weeks(WEEKS),
        to: range.to,
    };
    let total = per_day(store, c, read, &[], tz).await?;
    let mut parts = Vec::new();
    for d in DRIVERS {
        parts.push((d, per_day(store, c, read, &[d], tz).await?));
    }
    let mut flags = Vec::new();
    for (kpi, model) in KPIS {
        let mut s = Series::default();
        for ((day, _), m) in &total {
            if model == Model::Share {
                if m.program_uptake_completed > 0 {
                    s.total
                        .insert(*day, value(kpi, m) / m.program_uptake_completed as f64);
                    s.denominators
                        .insert(*day, m.program_uptake_completed as f64);
                }
            } else {
                s.total.insert(*day, value(kpi, m));
                if model == Model::Money {
                    s.denominators.insert(*day, events(m));
                }
            }
        }
        if model != Model::Share {
            for (d, rows) in &parts {
                for ((day, key), m) in rows {
                    let v = key.first().cloned().unwrap_or_default();
                    s.parts
                        .entry((d.as_str().to_owned(), v))
                        .or_default()
                        .insert(*day, value(kpi, m));
                }
            }
        }
        for day in range.from.iter_days().take_while(|d| *d <= range.to) {
            flags.extend(detect_anomalies(kpi, model, &s, day, c.start_date, k));
        }
    }
    flags.sort_by(|a, b| a.day.cmp(&b.day).then_with(|| a.kpi.cmp(b.kpi)));
    Ok(flags)
}
