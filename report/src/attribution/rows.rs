//! The rows a slice of attribution is kept as (migration 0014), a pure
//! function of its uptake events, the exposures that could be eligible for
//! them and the windows: per campaign, measure, stage, UTC hour of the
//! uptake and grouping, the sum the route would compute at query time.
//!
//! - `last_touch` and `linear`: the credit an exposure of the campaign
//!   earned (`credit.rs`), in total (`by_kind` `""`) and grouped by each of
//!   the exposure's channel, variant (with the exposure's language in
//!   `by_language`, for the message test's strata), segment, region and
//!   language, and the uptake's service channel. One grouping per row keeps
//!   a slice's rows to hours × the groups' values, not their combinations.
//! - `referred`: uptake events naming the campaign; `both`: those of them
//!   with an eligible exposure to it (any model).

use std::collections::{BTreeMap, HashMap};

use cmp_store::{Exposure, UptakeTouch};

use super::credit::{Model, credits};
use super::windows::Windows;

/// The groupings of credit, as `by_kind` names them.
pub const GROUPINGS: [&str; 6] = [
    "channel",
    "variant",
    "segment",
    "region",
    "language",
    "service_channel",
];

/// The key of one kept row (its program is the slice's).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    pub campaign: String,
    pub measure: &'static str,
    pub by_kind: &'static str,
    /// Start of the UTC hour of the uptake, seconds: its slice.
    pub hour: i64,
    pub stage: String,
    pub by_value: String,
    pub by_language: String,
}

/// The value of grouping `kind` for one credit.
fn group<'a>(kind: &str, up: &'a UptakeTouch, x: &'a Exposure) -> (&'a str, &'a str) {
    match kind {
        "channel" => (&x.channel, ""),
        "variant" => (&x.variant, &x.language),
        "segment" => (&x.segment, ""),
        "region" => (&x.region, ""),
        "language" => (&x.language, ""),
        _ => (&up.service_channel, ""),
    }
}

/// Where an uptake event's rows go: the start of its UTC hour, seconds.
pub fn hour_of(event_ms: i64) -> i64 {
    let seconds = event_ms.div_euclid(1000);
    seconds - seconds.rem_euclid(3600)
}

/// Every non-zero row of the slice.
pub fn slice_rows(
    uptakes: &[UptakeTouch],
    exposures: &[Exposure],
    windows: &HashMap<String, Windows>,
) -> BTreeMap<Key, f64> {
    let mut rows: BTreeMap<Key, f64> = BTreeMap::new();
    let mut add = |campaign: &str, measure, by_kind, up: &UptakeTouch, by: (&str, &str), v| {
        let key = Key {
            campaign: campaign.to_owned(),
            measure,
            by_kind,
            hour: hour_of(up.event_ms),
            stage: up.stage.clone(),
            by_value: by.0.to_owned(),
            by_language: by.1.to_owned(),
        };
        *rows.entry(key).or_default() += v;
    };
    for model in [Model::LastTouch, Model::Linear] {
        for c in credits(uptakes, exposures, windows, model) {
            let (up, x) = (&uptakes[c.uptake], &exposures[c.exposure]);
            let campaign = x.campaign_id.as_str();
            add(campaign, model.as_str(), "", up, ("", ""), c.credit);
            for kind in GROUPINGS {
                add(
                    campaign,
                    model.as_str(),
                    kind,
                    up,
                    group(kind, up, x),
                    c.credit,
                );
            }
        }
    }
    let mut exposed = vec![false; uptakes.len()];
    for c in credits(uptakes, exposures, windows, Model::Linear) {
        if exposures[c.exposure].campaign_id == uptakes[c.uptake].campaign_id {
            exposed[c.uptake] = true;
        }
    }
    for (up, exposed) in uptakes.iter().zip(exposed) {
        if up.campaign_id.is_empty() {
            continue;
        }
        add(&up.campaign_id, "referred", "", up, ("", ""), 1.0);
        if exposed {
            add(&up.campaign_id, "both", "", up, ("", ""), 1.0);
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;
    const HOUR: i64 = 3_600_000;

    fn up(id: &str, client: &str, campaign: &str, ms: i64) -> UptakeTouch {
        UptakeTouch {
            event_id: id.to_owned(),
            event_ms: ms,
            client_hash: client.to_owned(),
            campaign_id: campaign.to_owned(),
            stage: "completed".to_owned(),
            service_channel: "online".to_owned(),
        }
    }

    fn x(client: &str, campaign: &str, channel: &str, ms: i64) -> Exposure {
        Exposure {
            event_id: format!("{client}{campaign}{ms}"),
            event_ms: ms,
            client_hash: client.to_owned(),
            campaign_id: campaign.to_owned(),
            channel: channel.to_owned(),
            action: "click".to_owned(),
            variant: "b".to_owned(),
            segment: "unspecified".to_owned(),
            region: "ON".to_owned(),
            language: "fr".to_owned(),
        }
    }

    fn value(rows: &BTreeMap<Key, f64>, campaign: &str, measure: &str, by_kind: &str) -> f64 {
        rows.iter()
            .filter(|(k, _)| k.campaign == campaign && k.measure == measure && k.by_kind == by_kind)
            .map(|(_, v)| v)
            .sum()
    }

    #[test]
    fn every_grouping_adds_up_to_the_total_and_referral_is_kept_apart() {
        let t = 20 * DAY + 13 * HOUR + 5;
        let uptakes = [
            // Names a, last touched by b (tv) after a (web): credit shared by model.
            up("u1", "c1", "a", t),
            // Names a, no client: referred only.
            up("u2", "", "a", t + HOUR),
        ];
        let exposures = [
            x("c1", "a", "web", t - 3 * DAY),
            x("c1", "b", "tv", t - DAY),
        ];
        let rows = slice_rows(&uptakes, &exposures, &HashMap::new());
        assert_eq!(value(&rows, "a", "last_touch", ""), 0.0);
        assert_eq!(value(&rows, "b", "last_touch", ""), 1.0);
        assert_eq!(value(&rows, "a", "linear", ""), 0.5);
        for kind in GROUPINGS {
            assert_eq!(value(&rows, "a", "linear", kind), 0.5, "{kind}");
            assert_eq!(value(&rows, "b", "last_touch", kind), 1.0, "{kind}");
        }
        assert_eq!(value(&rows, "a", "referred", ""), 2.0);
        assert_eq!(value(&rows, "a", "both", ""), 1.0);
        assert_eq!(value(&rows, "b", "referred", ""), 0.0);
        let variant = rows
            .keys()
            .find(|k| k.by_kind == "variant")
            .expect("a variant row");
        assert_eq!(
            (variant.by_value.as_str(), variant.by_language.as_str()),
            ("b", "fr")
        );
        let hours: Vec<i64> = rows
            .keys()
            .filter(|k| k.measure == "referred")
            .map(|k| k.hour)
            .collect();
        assert_eq!(hours, vec![hour_of(t), hour_of(t + HOUR)]);
        assert_eq!(hour_of(t), 20 * 86_400 + 13 * 3_600);
        assert_eq!(hour_of(-1), -3_600);
    }
}
