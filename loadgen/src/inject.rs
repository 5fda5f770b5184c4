//! The events an injected effect adds (see [`crate::effects`]): the extra
//! applications of a geographic lift, and the completion an exposure leads
//! to. Each is a whole, valid uptake event; the generator numbers it.

use chrono::{DateTime, Utc};
use cmp_model::{Channel, Region, ServiceChannel, Stage};
use rand::Rng;

use crate::audience::client_id;
use crate::config::GenConfig;
use crate::effects::{Conversion, GeoLift};
use crate::fields::Fields;
use crate::pick::weighted;
use crate::uptake::{ATTRIBUTED, SERVICE_CHANNELS};
use crate::{event_time, v11};

/// The extra applications a lift adds after `uptake` (happening at `at`):
/// copies of it in the same unit and at the same time, each by another
/// client of the same program's campaign. Their event_ids are set by the
/// caller.
pub(crate) fn lifted(
    rng: &mut impl Rng,
    config: &GenConfig,
    lift: &GeoLift,
    uptake: &Fields,
    at: DateTime<Utc>,
) -> Vec<Fields> {
    if !lift.treats(uptake.get_str(lift.unit.field()), at) {
        return Vec::new();
    }
    let program = uptake.get_str("program").unwrap_or_default();
    let campaign = config
        .campaigns
        .iter()
        .position(|c| c.program == program)
        .unwrap_or(0);
    (0..lift.extras(rng))
        .map(|_| {
            let mut extra = uptake.clone();
            if extra.get("client_id").is_some() {
                extra.set("client_id", client_id(rng, config, campaign));
            }
            extra
        })
        .collect()
}

/// The completed application `exposure` (an engagement at `at`) leads to,
/// if it does and it happens by `config.now`; its event_id is set by the
/// caller.
pub(crate) fn completion(
    rng: &mut impl Rng,
    config: &GenConfig,
    conversion: &Conversion,
    exposure: &Fields,
    at: DateTime<Utc>,
) -> Option<(Fields, DateTime<Utc>)> {
    let client = exposure.get_str("client_id")?;
    let p = conversion.probability(exposure.get_str("variant"));
    if !rng.random_bool(p.clamp(0.0, 1.0)) {
        return None;
    }
    let channel = exposure
        .get_str("channel")
        .and_then(Channel::parse)
        .unwrap_or(Channel::Web);
    let when = at + conversion.delay(rng, channel);
    if when > config.now {
        return None;
    }
    let campaign_id = exposure.get_str("campaign_id").unwrap_or_default();
    let program = config
        .campaigns
        .iter()
        .find(|c| c.id == campaign_id)
        .map(|c| c.program.clone())
        .unwrap_or_default();
    let service_channel = weighted(rng, SERVICE_CHANNELS).unwrap_or(ServiceChannel::Online);
    let mut fields = Fields::default();
    fields.push("event_id", "");
    fields.push("event_time", event_time::format(rng, when));
    fields.push("program", program);
    fields.push("service_channel", service_channel.as_str());
    fields.push("stage", Stage::Completed.as_str());
    if rng.random_bool(ATTRIBUTED) {
        fields.push("campaign_id", campaign_id.to_owned());
    }
    for key in ["segment", "region", "language"] {
        if let Some(value) = exposure.get(key) {
            fields.push(key, value.clone());
        }
    }
    fields.push("client_id", client.to_owned());
    if config.v11_fields {
        if service_channel == ServiceChannel::InPerson {
            let region = exposure.get_str("region").and_then(Region::parse_input);
            fields.push("office_id", v11::office_of(rng, region, Some(client)));
        }
        if let Some(fsa) = exposure.get("fsa") {
            fields.push("fsa", fsa.clone());
        }
    }
    Some((fields, when))
}
