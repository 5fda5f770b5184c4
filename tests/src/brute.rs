//! Brute force: a campaign's KPIs computed straight from decoded events,
//! as contract/API.md defines them, to check the KPI engine and the API
//! against; and the accepted events of a generator run, regenerated
//! in-process.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use cmp_kpi::{Dimension, Measures, Reach};
use cmp_loadgen::{Expect, GenConfig, Generator};
use cmp_model::{Action, Body, Event, Limits, ServiceChannel, Stage, decode};
use cmp_report::REACH_RSE;
use cmp_store::Campaign;

/// A cell's sums and the clients reached in it.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    pub m: Measures,
    pub clients: BTreeSet<String>,
    /// Start (UTC seconds) of the newest hour counted.
    pub newest_hour: Option<i64>,
}

impl Tally {
    /// The sums with the exact distinct count as reach.
    pub fn measures(&self) -> Measures {
        Measures {
            reach: Some(Reach {
                estimate: self.clients.len() as f64,
                rse: REACH_RSE,
            }),
            ..self.m
        }
    }
}

/// The value of a dimension on an event; `""` when its kind lacks it.
pub fn dim_value(e: &Event, d: Dimension) -> String {
    match (d, &e.body) {
        (Dimension::Segment, _) => e.segment.clone(),
        (Dimension::Region, _) => e.region.as_str().to_owned(),
        (Dimension::Language, _) => e.language.as_str().to_owned(),
        (Dimension::Channel, Body::Engagement(g)) => g.channel.as_str().to_owned(),
        (Dimension::ServiceChannel, Body::Uptake(u)) => u.service_channel.as_str().to_owned(),
        _ => String::new(),
    }
}

/// Adds `e` to the cell `key` picks, if it counts for `c` at all and lies
/// in `[start, end)` and in the narrowing `only`.
pub fn brute<K: Ord>(
    events: &[Event],
    c: &Campaign,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
    only: &BTreeMap<Dimension, String>,
    key: impl Fn(&Event) -> K,
) -> BTreeMap<K, Tally> {
    let mut out: BTreeMap<K, Tally> = BTreeMap::new();
    for e in events {
        if e.event_time < start || e.event_time >= end {
            continue;
        }
        if only.iter().any(|(d, v)| dim_value(e, *d) != *v) {
            continue;
        }
        let hour = e.event_time.timestamp().div_euclid(3600) * 3600;
        let mut touch = |f: &mut dyn FnMut(&mut Tally)| {
            let t = out.entry(key(e)).or_default();
            f(t);
            t.newest_hour = t.newest_hour.max(Some(hour));
        };
        match &e.body {
            Body::Engagement(g) if g.campaign_id == c.id => touch(&mut |t| {
                let n = u64::from(g.count);
                match g.action {
                    Action::Impression => t.m.impressions += n,
                    Action::Click => t.m.clicks += n,
                    Action::Engagement => t.m.engagements += n,
                    Action::Share => t.m.shares += n,
                    Action::VideoComplete => t.m.video_completes += n,
                    Action::Visit => t.m.visits += n,
                }
                t.m.spend_cents += g.cost_cents;
                if let Some(client) = &e.client_id {
                    t.clients.insert(client.clone());
                }
            }),
            Body::Uptake(u) => {
                if u.campaign_id.as_deref() == Some(c.id.as_str()) {
                    touch(&mut |t| match u.stage {
                        Stage::Started => t.m.uptake_started += 1,
                        Stage::Submitted => t.m.uptake_submitted += 1,
                        Stage::Completed => t.m.uptake_completed += 1,
                    });
                }
                if u.program == c.program && u.stage == Stage::Completed {
                    touch(&mut |t| {
                        t.m.program_uptake_completed += 1;
                        if u.service_channel == ServiceChannel::Online {
                            t.m.program_online_completed += 1;
                        }
                    });
                }
            }
            Body::Engagement(_) => {}
        }
    }
    out
}

/// Sums equal, reach within 3 standard errors of the true distinct count.
pub fn assert_measures(got: &Measures, want: &Measures, what: &str) {
    let strip = |m: &Measures| Measures { reach: None, ..*m };
    assert_eq!(strip(got), strip(want), "{what}");
    let truth = want.reach.map_or(0.0, |r| r.estimate);
    let estimate = got.reach.unwrap_or_else(|| panic!("{what}: no reach"));
    assert_eq!(estimate.rse, REACH_RSE, "{what}");
    assert!(
        (estimate.estimate - truth).abs() <= 3.0 * REACH_RSE * truth,
        "{what}: reach {} for {truth} distinct clients",
        estimate.estimate
    );
}

/// The accepted events of a `cmp-loadgen` run, regenerated in-process.
pub fn regenerate(config: GenConfig, count: usize, now: DateTime<Utc>) -> Vec<(String, Event)> {
    Generator::new(config)
        .expect("valid generator config")
        .take(count)
        .filter_map(|m| match m.expect {
            Expect::Accept { event_id } => {
                let e = decode(&m.payload, m.topic, now, &Limits::default())
                    .unwrap_or_else(|r| panic!("{event_id} refused in-process: {r:?}"));
                Some((event_id, e))
            }
            _ => None,
        })
        .collect()
}
