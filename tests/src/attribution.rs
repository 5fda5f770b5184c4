//! Brute force for attribution to exposure and message tests
//! (contract/API.md v1.1), straight from decoded events: for every uptake
//! event of the program in the range, every engagement event of the same
//! client, of a campaign of the program, at most its window (by the
//! exposure's campaign and action) before it; credit shared as the model
//! says. Written from the contract's text, independently of the API's code.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use cmp_model::{Action, Body, Event, Stage};

use crate::Process;

/// Days per action of each of the program's campaigns.
pub type ProgramWindows = BTreeMap<String, BTreeMap<Action, i64>>;

/// The contract's default window of `action`, in days.
pub fn default_days(action: Action) -> i64 {
    match action {
        Action::Impression => 1,
        Action::VideoComplete => 3,
        _ => 30,
    }
}

/// One uptake event's credits: `(uptake index, [(exposure index, credit)])`
/// into `events`, for every uptake of `program` in `[start, end)`.
pub fn credits(
    events: &[Event],
    windows: &ProgramWindows,
    program: &str,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
    linear: bool,
) -> Vec<(usize, Vec<(usize, f64)>)> {
    let mut exposures: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, e) in events.iter().enumerate() {
        if let (Body::Engagement(g), Some(client)) = (&e.body, &e.client_id)
            && windows.contains_key(&g.campaign_id)
        {
            exposures.entry(client).or_default().push(i);
        }
    }
    let mut out = Vec::new();
    for (i, e) in events.iter().enumerate() {
        let Body::Uptake(u) = &e.body else { continue };
        if u.program != program || e.event_time < start || e.event_time >= end {
            continue;
        }
        let t = e.event_time.timestamp_millis();
        let eligible: Vec<usize> = e
            .client_id
            .as_deref()
            .and_then(|c| exposures.get(c))
            .into_iter()
            .flatten()
            .copied()
            .filter(|&j| {
                let x = &events[j];
                let Body::Engagement(g) = &x.body else {
                    return false;
                };
                let days = windows[&g.campaign_id][&g.action];
                let at = x.event_time.timestamp_millis();
                t - days * 86_400_000 <= at && at < t
            })
            .collect();
        let chosen: Vec<usize> = if linear {
            eligible
        } else {
            let latest = eligible.iter().map(|&j| events[j].event_time).max();
            eligible
                .into_iter()
                .filter(|&j| Some(events[j].event_time) == latest)
                .collect()
        };
        let n = chosen.len() as f64;
        out.push((i, chosen.into_iter().map(|j| (j, 1.0 / n)).collect()));
    }
    out
}

/// The value of a breakdown `by` for a credit of `uptake` to `exposure`.
pub fn by_value(by: &str, uptake: &Event, exposure: &Event) -> String {
    let (Body::Uptake(u), Body::Engagement(g)) = (&uptake.body, &exposure.body) else {
        panic!("an uptake and an engagement event")
    };
    match by {
        "channel" => g.channel.as_str().to_owned(),
        "variant" => g.variant.clone().unwrap_or_default(),
        "segment" => exposure.segment.clone(),
        "region" => exposure.region.as_str().to_owned(),
        "language" => exposure.language.as_str().to_owned(),
        "service_channel" => u.service_channel.as_str().to_owned(),
        other => panic!("no breakdown {other}"),
    }
}

fn campaign_of(e: &Event) -> &str {
    match &e.body {
        Body::Engagement(g) => &g.campaign_id,
        Body::Uptake(u) => u.campaign_id.as_deref().unwrap_or(""),
    }
}

/// Values per UTC day of the uptake event.
pub type Days = BTreeMap<NaiveDate, f64>;

/// One stage of a campaign's attribution.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StageTruth {
    pub credited: f64,
    pub referred: u64,
    pub both: u64,
    /// Uptake events of the stage with any eligible exposure (any campaign).
    pub exposed_uptakes: u64,
    pub groups: BTreeMap<String, f64>,
    /// The same per UTC day (what a non-admin's published sums are made of).
    pub credited_days: Days,
    pub referred_days: Days,
    pub both_days: Days,
    pub group_days: BTreeMap<String, Days>,
}

/// `campaign`'s attribution per stage (started, submitted, completed).
pub fn attribution(
    events: &[Event],
    windows: &ProgramWindows,
    program: &str,
    campaign: &str,
    range: (DateTime<Utc>, DateTime<Utc>),
    linear: bool,
    by: Option<&str>,
) -> BTreeMap<Stage, StageTruth> {
    let mut out: BTreeMap<Stage, StageTruth> = Stage::ALL
        .iter()
        .map(|s| (*s, StageTruth::default()))
        .collect();
    let model = credits(events, windows, program, range, linear);
    let all = credits(events, windows, program, range, true);
    for ((i, credited), (_, eligible)) in model.iter().zip(&all) {
        let up = &events[*i];
        let Body::Uptake(u) = &up.body else { continue };
        let s = out.get_mut(&u.stage).expect("every stage");
        let day = up.event_time.date_naive();
        for (j, c) in credited {
            if campaign_of(&events[*j]) == campaign {
                s.credited += c;
                *s.credited_days.entry(day).or_default() += c;
                if let Some(by) = by {
                    let group = by_value(by, up, &events[*j]);
                    *s.groups.entry(group.clone()).or_default() += c;
                    *s.group_days
                        .entry(group)
                        .or_default()
                        .entry(day)
                        .or_default() += c;
                }
            }
        }
        s.exposed_uptakes += u64::from(!eligible.is_empty());
        if u.campaign_id.as_deref() == Some(campaign) {
            s.referred += 1;
            *s.referred_days.entry(day).or_default() += 1.0;
            let both = eligible
                .iter()
                .any(|(j, _)| campaign_of(&events[*j]) == campaign);
            s.both += u64::from(both);
            if both {
                *s.both_days.entry(day).or_default() += 1.0;
            }
        }
    }
    out
}

/// A variant's truth in one language: distinct exposed clients, clicks,
/// completions credited last-touch.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VariantTruth {
    pub exposed: u64,
    pub clicks: u64,
    pub completed: f64,
    /// `completed` per UTC day of the uptake event.
    pub completed_days: Days,
}

/// `campaign`'s message test by (language, variant).
pub fn variants(
    events: &[Event],
    windows: &ProgramWindows,
    program: &str,
    campaign: &str,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
) -> BTreeMap<(String, String), VariantTruth> {
    let mut clients: BTreeMap<(String, String), std::collections::BTreeSet<&str>> = BTreeMap::new();
    let mut out: BTreeMap<(String, String), VariantTruth> = BTreeMap::new();
    for e in events {
        let Body::Engagement(g) = &e.body else {
            continue;
        };
        let Some(v) = &g.variant else { continue };
        if g.campaign_id != campaign || e.event_time < start || e.event_time >= end {
            continue;
        }
        let key = (e.language.as_str().to_owned(), v.clone());
        let t = out.entry(key.clone()).or_default();
        if g.action == Action::Click {
            t.clicks += u64::from(g.count);
        }
        if let Some(c) = &e.client_id {
            clients.entry(key).or_default().insert(c);
        }
    }
    for (key, set) in clients {
        out.entry(key).or_default().exposed = set.len() as u64;
    }
    for (i, credited) in credits(events, windows, program, (start, end), false) {
        let Body::Uptake(u) = &events[i].body else {
            continue;
        };
        if u.stage != Stage::Completed {
            continue;
        }
        for (j, c) in credited {
            let x = &events[j];
            let Body::Engagement(g) = &x.body else {
                continue;
            };
            if let (true, Some(v)) = (g.campaign_id == campaign, &g.variant) {
                let t = out
                    .entry((x.language.as_str().to_owned(), v.clone()))
                    .or_default();
                t.completed += c;
                *t.completed_days
                    .entry(events[i].event_time.date_naive())
                    .or_default() += c;
            }
        }
    }
    out
}

/// Waits until `aggregator`'s attribution refresh is current with what the
/// ledger holds now: a pass that started after this call found no slice
/// whose events had changed. Panics after `limit` with what it last saw.
pub async fn wait_current(aggregator: &Process, limit: std::time::Duration) {
    let passes = || aggregator.metric_sum("cmp_aggregator_attribution_passes_total");
    let deadline = tokio::time::Instant::now() + limit;
    let start = loop {
        if let Some(n) = passes().await {
            break n;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the aggregator never answered /metrics"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    let mut last = (start, None);
    while tokio::time::Instant::now() < deadline {
        let n = passes().await.unwrap_or(start);
        let changed = aggregator
            .metric_sum("cmp_aggregator_attribution_changed_slices")
            .await;
        // Pass start + 1 may have begun before this call; start + 2 began after.
        if n >= start + 2.0 && changed == Some(0.0) {
            return;
        }
        last = (n, changed);
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    panic!(
        "attribution not current after {limit:?}: passes {} (from {start}), changed slices {:?}",
        last.0, last.1
    );
}
