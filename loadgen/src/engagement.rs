//! A valid `cmp.engagement.v1` event. The mix follows how the channels
//! report: broadcast, print, signage and display send bulk impression
//! reports (`count` 100–5000 with `cost_cents`); web, social, search and
//! email send single interactions, clicks and visits often with the
//! person's `client_id`; completed video views come from video, TV and
//! social. Impressions are the most frequent action overall.

use cmp_model::{Action, Channel};
use rand::Rng;

use crate::audience::{client_id, push_audience};
use crate::config::GenConfig;
use crate::fields::Fields;
use crate::pick::weighted;

const CHANNELS: &[(Channel, u32)] = &[
    (Channel::Web, 20),
    (Channel::Social, 18),
    (Channel::Search, 12),
    (Channel::Display, 12),
    (Channel::Video, 8),
    (Channel::Tv, 5),
    (Channel::Radio, 4),
    (Channel::Print, 3),
    (Channel::Signage, 6),
    (Channel::Email, 7),
    (Channel::Outreach, 5),
];

/// The actions a channel reports, weighted.
fn actions(channel: Channel) -> &'static [(Action, u32)] {
    use Action::{Click, Engagement, Impression, Share, VideoComplete, Visit};
    match channel {
        Channel::Web => &[
            (Impression, 40),
            (Click, 15),
            (Engagement, 10),
            (Share, 3),
            (Visit, 25),
        ],
        Channel::Social => &[
            (Impression, 45),
            (Click, 15),
            (Engagement, 15),
            (Share, 10),
            (VideoComplete, 5),
            (Visit, 5),
        ],
        Channel::Search => &[(Impression, 60), (Click, 30), (Visit, 10)],
        Channel::Display => &[(Impression, 75), (Click, 20), (Visit, 5)],
        Channel::Video => &[
            (Impression, 50),
            (VideoComplete, 30),
            (Click, 10),
            (Engagement, 10),
        ],
        Channel::Tv => &[(Impression, 85), (VideoComplete, 15)],
        Channel::Radio | Channel::Print => &[(Impression, 1)],
        Channel::Signage => &[(Impression, 90), (Engagement, 10)],
        Channel::Email => &[(Impression, 50), (Click, 35), (Visit, 15)],
        Channel::Outreach => &[(Impression, 40), (Engagement, 50), (Visit, 10)],
    }
}

/// Channels that only ever report impressions in bulk.
fn reports_in_bulk(channel: Channel) -> bool {
    matches!(
        channel,
        Channel::Tv | Channel::Radio | Channel::Print | Channel::Signage | Channel::Display
    )
}

/// A fresh engagement event.
pub(crate) fn build(
    rng: &mut impl Rng,
    config: &GenConfig,
    event_id: &str,
    event_time: String,
) -> Fields {
    let campaign = rng.random_range(0..config.campaigns.len().max(1));
    let campaign_id = config
        .campaigns
        .get(campaign)
        .map(|c| c.id.clone())
        .unwrap_or_default();
    let channel = weighted(rng, CHANNELS).unwrap_or(Channel::Web);
    let action = weighted(rng, actions(channel)).unwrap_or(Action::Impression);

    let mut fields = Fields::default();
    fields.push("event_id", event_id);
    fields.push("event_time", event_time);
    fields.push("campaign_id", campaign_id);
    fields.push("channel", channel.as_str());
    fields.push("action", action.as_str());

    // (share of messages with a client_id)
    let person = match action {
        Action::Impression
            if reports_in_bulk(channel)
                || (matches!(channel, Channel::Social | Channel::Search | Channel::Video)
                    && rng.random_bool(0.3)) =>
        {
            let count = rng.random_range(100..=5000_u64);
            fields.push("count", count);
            // Owned office screens often report no media cost.
            if channel != Channel::Signage || rng.random_bool(0.5) {
                let cpm_cents = rng.random_range(300..=4000_u64);
                fields.push("cost_cents", count * cpm_cents / 1000);
            }
            0.0
        }
        Action::VideoComplete if channel == Channel::Tv => {
            fields.push("count", rng.random_range(50..=2000_u64));
            0.0
        }
        Action::Click | Action::Visit => {
            if rng.random_bool(0.5) {
                fields.push("count", 1);
            }
            if matches!(
                channel,
                Channel::Search | Channel::Social | Channel::Display
            ) && rng.random_bool(0.4)
            {
                fields.push("cost_cents", rng.random_range(20..=400_u64));
            }
            0.8
        }
        Action::Impression => 0.25,
        Action::Engagement | Action::Share | Action::VideoComplete => 0.5,
    };
    push_audience(rng, &mut fields);
    if rng.random_bool(person) {
        fields.push("client_id", client_id(rng, config, campaign));
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_channel_reports_impressions_and_all_actions_are_reachable() {
        let mut reachable = std::collections::BTreeSet::new();
        for &(channel, weight) in CHANNELS {
            assert!(weight > 0);
            let table = actions(channel);
            assert!(
                table
                    .iter()
                    .any(|(a, w)| *a == Action::Impression && *w > 0)
            );
            reachable.extend(table.iter().filter(|(_, w)| *w > 0).map(|(a, _)| *a));
        }
        assert_eq!(CHANNELS.len(), Channel::ALL.len());
        assert_eq!(reachable.len(), Action::ALL.len());
    }
}
