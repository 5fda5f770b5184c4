//! A valid `cmp.uptake.v1` event: a client moving through an application
//! for one of the campaigns' programs. Most come online, then by phone, in
//! person and by mail; the funnel narrows from started to completed; about
//! 60% are attributed to the campaign the client arrived through, the rest
//! are organic (`campaign_id` null or absent).

use cmp_model::{ServiceChannel, Stage};
use rand::Rng;
use serde_json::Value;

use crate::audience::{client_id, push_audience};
use crate::config::GenConfig;
use crate::fields::Fields;
use crate::pick::weighted;

pub(crate) const SERVICE_CHANNELS: &[(ServiceChannel, u32)] = &[
    (ServiceChannel::Online, 55),
    (ServiceChannel::Phone, 25),
    (ServiceChannel::InPerson, 15),
    (ServiceChannel::Mail, 5),
];

const STAGES: &[(Stage, u32)] = &[
    (Stage::Started, 50),
    (Stage::Submitted, 30),
    (Stage::Completed, 20),
];

/// Share of uptake attributed to a campaign.
pub(crate) const ATTRIBUTED: f64 = 0.6;

/// A fresh uptake event.
pub(crate) fn build(
    rng: &mut impl Rng,
    config: &GenConfig,
    event_id: &str,
    event_time: String,
) -> Fields {
    let campaign = rng.random_range(0..config.campaigns.len().max(1));
    let (campaign_id, program) = config
        .campaigns
        .get(campaign)
        .map(|c| (c.id.clone(), c.program.clone()))
        .unwrap_or_default();
    let service_channel = weighted(rng, SERVICE_CHANNELS).unwrap_or(ServiceChannel::Online);
    let stage = weighted(rng, STAGES).unwrap_or(Stage::Started);

    let mut fields = Fields::default();
    fields.push("event_id", event_id);
    fields.push("event_time", event_time);
    fields.push("program", program);
    fields.push("service_channel", service_channel.as_str());
    fields.push("stage", stage.as_str());
    if rng.random_bool(ATTRIBUTED) {
        fields.push("campaign_id", campaign_id);
    } else if rng.random_bool(0.5) {
        fields.push("campaign_id", Value::Null);
    }
    push_audience(rng, &mut fields);
    if rng.random_bool(0.9) {
        fields.push("client_id", client_id(rng, config, campaign));
    }
    fields
}
