//! Comparing the KPI engine's reports with the brute-force truth
//! (`crate::brute`): totals, every breakdown cell and every series point
//! of a request; and the campaigns the report tests register.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use cmp_kpi::{DateRange, bucket_start};
use cmp_model::Event;
use cmp_report::{Query, Report};
use cmp_store::Campaign;

use crate::brute::{assert_measures, brute, dim_value};

/// A campaign of the registry running from `start` to `end`.
pub fn campaign(id: &str, program: &str, start: NaiveDate, end: NaiveDate) -> Campaign {
    Campaign {
        id: id.to_owned(),
        name_en: format!("{id} (en)"),
        name_fr: format!("{id} (fr)"),
        program: program.to_owned(),
        start_date: start,
        end_date: end,
        budget_cents: 1_000_000,
        flight_plan: String::new(),
    }
}

/// The generator's demo campaigns, flying from 40 days before `today` to
/// 30 days after it.
pub fn demo_campaigns_around(today: NaiveDate) -> Vec<Campaign> {
    cmp_loadgen::demo_campaigns()
        .into_iter()
        .map(|c| {
            campaign(
                &c.id,
                &c.program,
                today - chrono::Duration::days(40),
                today + chrono::Duration::days(30),
            )
        })
        .collect()
}

/// Compares a report with the brute force over the same request.
pub fn check_report(got: &Report, events: &[Event], q: &Query, what: &str) {
    let range = DateRange {
        from: q.from,
        to: q.to,
    }
    .utc_bounds(q.tz);
    let none = BTreeMap::new();
    let totals = brute(events, &q.campaign, range, &none, |_| ());
    let total = totals.get(&()).cloned().unwrap_or_default();
    assert_measures(&got.totals, &total.measures(), &format!("{what} totals"));
    let newest = total
        .newest_hour
        .and_then(|h| DateTime::<Utc>::from_timestamp(h, 0));
    assert_eq!(got.as_of, newest, "{what} as_of");

    let mut by = q.by.clone();
    by.sort();
    by.dedup();
    if by.is_empty() {
        assert!(got.groups.is_empty(), "{what}: groups without by");
    } else {
        let want = brute(events, &q.campaign, range, &none, |e| {
            by.iter().map(|d| dim_value(e, *d)).collect::<Vec<_>>()
        });
        let got_keys: Vec<Vec<String>> = got
            .groups
            .iter()
            .map(|g| {
                assert_eq!(g.key.keys().copied().collect::<Vec<_>>(), by, "{what}");
                g.key.values().cloned().collect()
            })
            .collect();
        let want_keys: Vec<Vec<String>> = want.keys().cloned().collect();
        assert_eq!(got_keys, want_keys, "{what}: group keys");
        for (g, (key, tally)) in got.groups.iter().zip(&want) {
            assert_measures(
                &g.measures,
                &tally.measures(),
                &format!("{what} group {key:?}"),
            );
        }
    }

    match q.granularity {
        None => assert!(got.series.is_empty(), "{what}: series without granularity"),
        Some(granularity) => {
            let want = brute(events, &q.campaign, range, &none, |e| {
                bucket_start(e.event_time, granularity, q.tz)
            });
            assert!(!got.series.is_empty(), "{what}: empty series");
            assert!(got.series[0].start <= range.0, "{what}: first bucket");
            for pair in got.series.windows(2) {
                assert!(pair[0].start < pair[1].start, "{what}: series order");
            }
            let starts: BTreeSet<DateTime<Utc>> = got.series.iter().map(|p| p.start).collect();
            for bucket in want.keys() {
                assert!(starts.contains(bucket), "{what}: no point at {bucket}");
            }
            for p in &got.series {
                let tally = want.get(&p.start).cloned().unwrap_or_default();
                assert_measures(
                    &p.measures,
                    &tally.measures(),
                    &format!("{what} point {}", p.start),
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------
