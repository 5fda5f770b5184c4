//! Contract v1.1's optional fields on a generated event, drawn from their
//! own random stream so the v1 part of every message is exactly what the
//! generator produced before them:
//!
//! - `variant` on every engagement of a campaign that runs a message test
//!   (by default the first campaign: `control` and `plain-language-b`,
//!   half each). A person sees one arm: the arm is a stable function of the
//!   client and campaign; events without a client draw it at random.
//! - `office_id` on every signage engagement (the office whose screen
//!   showed it) and every `in_person` uptake (the office that served the
//!   client); on 30 % of other events with a client (the nearest office).
//! - `fsa` on 60 % of events with a client and a province or territory:
//!   the client's FSA in that region (stable per client and region).
//!
//! `office_id` and `fsa` arrive upper-case mostly, sometimes in lower or
//! title case, as the contract allows.

use cmp_model::{Channel, Region, ServiceChannel, Topic};
use rand::Rng;

use crate::fields::Fields;
use crate::pick::{Case, any_case};
use crate::places::{PROVINCES, fsas, offices, stable_index};

/// A campaign's message test: its arms and their weights.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VariantTest {
    /// The campaign whose engagement carries a `variant`.
    pub campaign: String,
    /// Arm slugs and their relative weights (e.g. 52 and 48 for a skewed
    /// split).
    pub arms: Vec<(String, u32)>,
}

impl VariantTest {
    /// The default test of `campaign`: `control` and `plain-language-b`.
    pub fn default_for(campaign: &str) -> Self {
        Self {
            campaign: campaign.to_owned(),
            arms: vec![("control".into(), 1), ("plain-language-b".into(), 1)],
        }
    }

    /// The arm at `roll` in `0..total weight`.
    fn arm_at(&self, mut roll: u64) -> Option<&str> {
        for (arm, weight) in &self.arms {
            if roll < u64::from(*weight) {
                return Some(arm);
            }
            roll -= u64::from(*weight);
        }
        None
    }

    fn total(&self) -> u64 {
        self.arms.iter().map(|(_, w)| u64::from(*w)).sum()
    }
}

/// Share of events with a client that carry the client's FSA.
const FSA_SHARE: f64 = 0.6;
/// Share of other events with a client that carry the nearest office.
const NEAREST_OFFICE_SHARE: f64 = 0.3;

const CASES: &[(Case, u32)] = &[(Case::Upper, 16), (Case::Lower, 3), (Case::Title, 1)];

/// Appends the v1.1 fields an event of `topic` gets.
pub(crate) fn add(rng: &mut impl Rng, tests: &[VariantTest], topic: Topic, fields: &mut Fields) {
    let region = fields.get_str("region").and_then(Region::parse_input);
    let client = fields.get_str("client_id").map(str::to_owned);
    let served_here = match topic {
        Topic::Engagement => {
            let campaign = fields.get_str("campaign_id").unwrap_or_default();
            if let Some(test) = tests.iter().find(|t| t.campaign == campaign) {
                let roll = match &client {
                    Some(c) => {
                        stable_index(&format!("{c}|{campaign}"), test.total() as usize) as u64
                    }
                    None => rng.random_range(0..test.total().max(1)),
                };
                if let Some(arm) = test.arm_at(roll) {
                    fields.push("variant", arm.to_owned());
                }
            }
            fields.get_str("channel") == Some(Channel::Signage.as_str())
        }
        Topic::Uptake => {
            fields.get_str("service_channel") == Some(ServiceChannel::InPerson.as_str())
        }
    };
    let office = if served_here {
        Some(office_of(rng, region, client.as_deref()))
    } else {
        match (&client, region) {
            (Some(c), Some(r)) if rng.random_bool(NEAREST_OFFICE_SHARE) => {
                let list = offices(r);
                list.get(stable_index(c, list.len())).cloned()
            }
            _ => None,
        }
    };
    if let Some(office) = office {
        fields.push("office_id", any_case(rng, &office, CASES));
    }
    if let (Some(c), Some(r)) = (&client, region) {
        let list = fsas(r);
        if !list.is_empty() && rng.random_bool(FSA_SHARE) {
            let fsa = &list[stable_index(c, list.len())];
            fields.push("fsa", any_case(rng, fsa, CASES));
        }
    }
}

/// An office of `region` (the client's own when known), or of any
/// province when the region is national or unknown.
pub(crate) fn office_of(
    rng: &mut impl Rng,
    region: Option<Region>,
    client: Option<&str>,
) -> String {
    let region = region
        .filter(|r| !offices(*r).is_empty())
        .unwrap_or_else(|| PROVINCES[rng.random_range(0..PROVINCES.len())]);
    let list = offices(region);
    let i = match client {
        Some(c) => stable_index(c, list.len()),
        None => rng.random_range(0..list.len().max(1)),
    };
    list.get(i).cloned().unwrap_or_default()
}
