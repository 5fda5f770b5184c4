//! Brute force for the channel-shift route and the Service Inventory
//! (contract/API.md v1.1): a program's uptake events by service channel
//! and stage, counted straight from decoded events, and the route's
//! figures computed from them and the registered unit costs as the
//! contract words them, to compare the API's answers with.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use cmp_model::{Body, Event, Stage};

/// Events by stage: started, submitted, completed.
pub type Stages = [u64; 3];

/// Uptake events in `[start, end)` by program, then service channel.
pub fn uptake_by_channel(
    events: &[Event],
    (start, end): (DateTime<Utc>, DateTime<Utc>),
) -> BTreeMap<String, BTreeMap<String, Stages>> {
    let mut out: BTreeMap<String, BTreeMap<String, Stages>> = BTreeMap::new();
    for e in events {
        let Body::Uptake(u) = &e.body else { continue };
        if e.event_time < start || e.event_time >= end {
            continue;
        }
        let stage = match u.stage {
            Stage::Started => 0,
            Stage::Submitted => 1,
            Stage::Completed => 2,
        };
        out.entry(u.program.clone())
            .or_default()
            .entry(u.service_channel.as_str().to_owned())
            .or_default()[stage] += 1;
    }
    out
}

/// The service channels in LABELS.md's order.
pub const CHANNELS: [&str; 4] = ["online", "phone", "in_person", "mail"];

/// What the channel-shift route must answer for one program, as an admin
/// sees it: per channel (code, counts, completion rate, share, unit cost,
/// total cost), the totals, digital take-up, total cost and cost per
/// transaction of the period and the baseline, and the savings.
#[derive(Debug, Clone, PartialEq)]
pub struct Expected {
    pub channels: Vec<ExpectedChannel>,
    pub baseline_channels: Vec<ExpectedChannel>,
    pub completed: u64,
    pub baseline_completed: u64,
    pub digital_take_up: Option<f64>,
    pub cost_per_transaction_cents: Option<f64>,
    pub total_cost_cents: Option<u64>,
    pub savings_cents: Option<f64>,
    pub missing_costs: Vec<String>,
}

/// One channel's expected figures.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpectedChannel {
    pub code: String,
    pub counts: Stages,
    pub completion_rate: Option<f64>,
    pub share: Option<f64>,
    pub cost_cents: Option<u64>,
    pub total_cost_cents: Option<u64>,
}

fn channel_figures(code: &str, counts: Stages, total: u64, cost: Option<u64>) -> ExpectedChannel {
    ExpectedChannel {
        code: code.to_owned(),
        counts,
        completion_rate: (counts[0] > 0).then(|| counts[2] as f64 / counts[0] as f64),
        share: (total > 0).then(|| counts[2] as f64 / total as f64),
        cost_cents: cost,
        total_cost_cents: cost.map(|k| counts[2] * k),
    }
}

/// The route's figures from the counts of the period and the baseline and
/// the unit costs of the fiscal year containing the period's end.
pub fn expected(
    period: &BTreeMap<String, Stages>,
    baseline: &BTreeMap<String, Stages>,
    costs: &BTreeMap<&str, u64>,
) -> Expected {
    let listed: Vec<&str> = CHANNELS
        .into_iter()
        .filter(|c| period.contains_key(*c) || baseline.contains_key(*c) || costs.contains_key(c))
        .collect();
    let of = |m: &BTreeMap<String, Stages>, c: &str| m.get(c).copied().unwrap_or_default();
    let completed: u64 = period.values().map(|s| s[2]).sum();
    let baseline_completed: u64 = baseline.values().map(|s| s[2]).sum();
    let channels: Vec<ExpectedChannel> = listed
        .iter()
        .map(|&c| channel_figures(c, of(period, c), completed, costs.get(c).copied()))
        .collect();
    let baseline_channels: Vec<ExpectedChannel> = listed
        .iter()
        .map(|c| {
            channel_figures(
                c,
                of(baseline, c),
                baseline_completed,
                costs.get(c).copied(),
            )
        })
        .collect();
    let missing_costs: Vec<String> = listed
        .iter()
        .filter(|c| !costs.contains_key(*c))
        .map(|c| (*c).to_owned())
        .collect();
    let total_cost_cents: Option<u64> = channels.iter().map(|c| c.total_cost_cents).sum();
    // Σ over channels of (completed × baseline share − completed in the
    // channel) × unit cost.
    let savings_cents = if missing_costs.is_empty() && baseline_completed > 0 {
        Some(
            listed
                .iter()
                .map(|&c| {
                    let k = costs[c] as f64;
                    let share = of(baseline, c)[2] as f64 / baseline_completed as f64;
                    (completed as f64 * share - of(period, c)[2] as f64) * k
                })
                .sum::<f64>(),
        )
    } else {
        None
    };
    Expected {
        digital_take_up: (completed > 0).then(|| of(period, "online")[2] as f64 / completed as f64),
        cost_per_transaction_cents: total_cost_cents
            .filter(|_| completed > 0)
            .map(|t| t as f64 / completed as f64),
        total_cost_cents,
        savings_cents,
        missing_costs,
        channels,
        baseline_channels,
        completed,
        baseline_completed,
    }
}
