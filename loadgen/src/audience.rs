//! The optional fields both topics share: who the event concerns
//! (`segment`, `region`, `language`) and which person (`client_id`). Each is
//! sometimes absent, and the case-insensitive ones arrive in mixed case, as
//! they do from real producers.

use cmp_model::Region;
use rand::Rng;

use crate::config::GenConfig;
use crate::fields::Fields;
use crate::pick::{Case, any_case, weighted};

/// The segments producers send (absent means `unspecified`).
pub(crate) const SEGMENTS: &[&str] = &[
    "seniors",
    "newcomers",
    "youth",
    "families",
    "indigenous",
    "rural",
];

/// A third of events carry no segment; the rest spread evenly.
const SEGMENT_TABLE: &[(Option<&str>, u32)] = &[
    (None, 3),
    (Some("seniors"), 1),
    (Some("newcomers"), 1),
    (Some("youth"), 1),
    (Some("families"), 1),
    (Some("indigenous"), 1),
    (Some("rural"), 1),
];

/// Roughly by population, so small territories are rare but present.
const REGIONS: &[(Option<Region>, u32)] = &[
    (None, 80),
    (Some(Region::Ca), 40),
    (Some(Region::On), 300),
    (Some(Region::Qc), 180),
    (Some(Region::Bc), 110),
    (Some(Region::Ab), 95),
    (Some(Region::Mb), 30),
    (Some(Region::Sk), 25),
    (Some(Region::Ns), 22),
    (Some(Region::Nb), 17),
    (Some(Region::Nl), 11),
    (Some(Region::Pe), 5),
    (Some(Region::Nt), 3),
    (Some(Region::Yt), 3),
    (Some(Region::Nu), 3),
];

const SEGMENT_CASES: &[(Case, u32)] = &[(Case::Lower, 7), (Case::Title, 2), (Case::Upper, 1)];
const REGION_CASES: &[(Case, u32)] = &[(Case::Upper, 16), (Case::Lower, 3), (Case::Title, 1)];
const LANGUAGE_CASES: &[(Case, u32)] = &[(Case::Lower, 16), (Case::Upper, 3), (Case::Title, 1)];

/// Appends `segment`, `region` and `language`, each possibly absent.
pub(crate) fn push_audience(rng: &mut impl Rng, fields: &mut Fields) {
    if let Some(segment) = weighted(rng, SEGMENT_TABLE).flatten() {
        fields.push("segment", any_case(rng, segment, SEGMENT_CASES));
    }
    if let Some(region) = weighted(rng, REGIONS).flatten() {
        fields.push("region", any_case(rng, region.as_str(), REGION_CASES));
    }
    if let Some(language) =
        weighted(rng, &[(None, 12), (Some("en"), 60), (Some("fr"), 28)]).flatten()
    {
        fields.push("language", any_case(rng, language, LANGUAGE_CASES));
    }
}

/// A segment other than `current` (compared case-insensitively), for a
/// re-delivery whose payload changed.
pub(crate) fn other_segment(rng: &mut impl Rng, current: Option<&str>) -> &'static str {
    let others: Vec<&'static str> = SEGMENTS
        .iter()
        .copied()
        .filter(|s| current.is_none_or(|c| !c.eq_ignore_ascii_case(s)))
        .collect();
    others
        .get(rng.random_range(0..others.len().max(1)))
        .copied()
        .unwrap_or("seniors")
}

/// A person from campaign `campaign`'s pool: `ga:<n>`, pools disjoint.
pub(crate) fn client_id(rng: &mut impl Rng, config: &GenConfig, campaign: usize) -> String {
    let pool = u64::from(config.clients_per_campaign.max(1));
    let n = campaign as u64 * pool + rng.random_range(0..pool);
    format!("ga:{n}")
}
