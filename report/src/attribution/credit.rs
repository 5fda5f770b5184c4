//! Credit of uptake events to exposures (contract/API.md v1.1,
//! "Attribution to exposure"), a pure function of the ledger rows read:
//! an uptake event of a client at `t` credits the client's exposures (of
//! the program's campaigns) at `e` with `t − window ≤ e < t`, the window
//! by the exposure's campaign and action (`windows.rs`). `last_touch`
//! gives 1 to the latest eligible exposure, shared equally by exposures
//! tied at that instant; `linear` gives 1/n to each of the n eligible ones.
//! The credits of one uptake event therefore add up to 1 when it has an
//! eligible exposure, and it has none otherwise. Instants are the ledger's
//! milliseconds (`event_ms`), the precision ingest keeps.

use std::collections::HashMap;

use cmp_model::Action;
use cmp_store::{Exposure, UptakeTouch};

use super::windows::Windows;

/// How credit is shared among an uptake event's eligible exposures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    LastTouch,
    Linear,
}

impl Model {
    /// `last_touch` or `linear`.
    pub fn parse(s: &str) -> Option<Model> {
        match s {
            "last_touch" => Some(Model::LastTouch),
            "linear" => Some(Model::Linear),
            _ => None,
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Model::LastTouch => "last_touch",
            Model::Linear => "linear",
        }
    }
}

/// The credit of one exposure for one uptake event (indices into the
/// slices `credits` was given).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Credit {
    pub uptake: usize,
    pub exposure: usize,
    pub credit: f64,
}

/// Every non-zero credit of `uptakes` to `exposures` under `model`;
/// `windows` gives a campaign's windows (the defaults for one it lacks).
pub fn credits(
    uptakes: &[UptakeTouch],
    exposures: &[Exposure],
    windows: &HashMap<String, Windows>,
    model: Model,
) -> Vec<Credit> {
    let mut by_client: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, x) in exposures.iter().enumerate() {
        by_client.entry(x.client_hash.as_str()).or_default().push(i);
    }
    let defaults = Windows::default();
    let eligible = |x: &Exposure, t: i64| -> bool {
        let Some(action) = Action::parse(&x.action) else {
            return false;
        };
        let window = windows.get(&x.campaign_id).unwrap_or(&defaults).of(action);
        x.event_ms < t && x.event_ms >= t - window.num_milliseconds()
    };
    let mut out = Vec::new();
    for (u, up) in uptakes.iter().enumerate() {
        if up.client_hash.is_empty() {
            continue;
        }
        let Some(candidates) = by_client.get(up.client_hash.as_str()) else {
            continue;
        };
        let hits: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&i| eligible(&exposures[i], up.event_ms))
            .collect();
        let chosen: Vec<usize> = match model {
            Model::Linear => hits,
            Model::LastTouch => {
                let Some(latest) = hits.iter().map(|&i| exposures[i].event_ms).max() else {
                    continue;
                };
                hits.into_iter()
                    .filter(|&i| exposures[i].event_ms == latest)
                    .collect()
            }
        };
        let share = 1.0 / chosen.len() as f64;
        out.extend(chosen.into_iter().map(|exposure| Credit {
            uptake: u,
            exposure,
            credit: share,
        }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;

    fn up(client: &str, ms: i64) -> UptakeTouch {
        UptakeTouch {
            event_id: format!("u{ms}"),
            event_ms: ms,
            client_hash: client.to_owned(),
            campaign_id: String::new(),
            stage: "completed".to_owned(),
            service_channel: "online".to_owned(),
        }
    }

    fn x(client: &str, campaign: &str, action: &str, ms: i64) -> Exposure {
        Exposure {
            event_id: format!("x{campaign}{ms}"),
            event_ms: ms,
            client_hash: client.to_owned(),
            campaign_id: campaign.to_owned(),
            channel: "web".to_owned(),
            action: action.to_owned(),
            variant: String::new(),
            segment: "unspecified".to_owned(),
            region: "ON".to_owned(),
            language: "en".to_owned(),
        }
    }

    fn sums(c: &[Credit], n: usize) -> Vec<f64> {
        let mut s = vec![0.0; n];
        for c in c {
            s[c.uptake] += c.credit;
        }
        s
    }

    #[test]
    fn windows_are_per_action_and_campaign_and_the_bounds_are_the_contracts() {
        let t = 100 * DAY;
        let uptakes = [up("a", t)];
        let exposures = [
            x("a", "c1", "click", t - 30 * DAY),     // on the bound: eligible
            x("a", "c1", "click", t - 30 * DAY - 1), // just outside
            x("a", "c1", "impression", t - DAY - 1), // 1-day window: outside
            x("a", "c2", "click", t - 8 * DAY),      // c2's click window is 7 days
            x("a", "c1", "visit", t),                // at t itself: not before
            x("b", "c1", "click", t - DAY),          // another client
        ];
        let mut windows = HashMap::new();
        windows.insert(
            "c2".to_owned(),
            super::super::windows::parse(&serde_json::json!({"click": 7})).expect("valid"),
        );
        let got = credits(&uptakes, &exposures, &windows, Model::Linear);
        assert_eq!(
            got,
            vec![Credit {
                uptake: 0,
                exposure: 0,
                credit: 1.0
            }]
        );
    }

    #[test]
    fn last_touch_ties_share_linear_splits_and_each_uptake_sums_to_one() {
        let t = 10 * DAY;
        let uptakes = [up("a", t), up("b", t), up("", t)];
        let exposures = [
            x("a", "c1", "click", t - 3 * DAY),
            x("a", "c1", "visit", t - DAY),
            x("a", "c2", "click", t - DAY),
            x("b", "c2", "share", t - 2 * DAY),
        ];
        let last = credits(&uptakes, &exposures, &HashMap::new(), Model::LastTouch);
        assert_eq!(
            last,
            vec![
                Credit {
                    uptake: 0,
                    exposure: 1,
                    credit: 0.5
                },
                Credit {
                    uptake: 0,
                    exposure: 2,
                    credit: 0.5
                },
                Credit {
                    uptake: 1,
                    exposure: 3,
                    credit: 1.0
                },
            ]
        );
        let linear = credits(&uptakes, &exposures, &HashMap::new(), Model::Linear);
        assert_eq!(linear.len(), 4);
        assert!((linear[0].credit - 1.0 / 3.0).abs() < 1e-15);
        for model in [last, linear] {
            assert_eq!(sums(&model, 3), vec![1.0, 1.0, 0.0]);
        }
    }
}
