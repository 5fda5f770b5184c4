//! `cmp_model::decode` on arbitrary bytes: it never panics, whatever it
//! accepts obeys the contract's rules, and whatever it refuses carries a
//! short ASCII detail and the right code for the size. The first byte picks
//! the topic; the rest is the message.

#![no_main]

use chrono::{DateTime, Duration, Utc};
use cmp_model::{Body, Limits, RefusalCode, Topic, decode, rules};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((first, message)) = data.split_first() else {
        return;
    };
    let topic = if first & 1 == 0 {
        Topic::Engagement
    } else {
        Topic::Uptake
    };
    let now = DateTime::<Utc>::UNIX_EPOCH + Duration::days(20_762); // 2026-11-05
    let limits = Limits::default();
    match decode(message, topic, now, &limits) {
        Ok(e) => {
            assert!(message.len() <= limits.max_bytes);
            assert!(rules::is_event_id(&e.event_id));
            assert!(e.segment == "unspecified" || rules::is_segment_input(&e.segment));
            assert_eq!(e.segment.to_ascii_lowercase(), e.segment);
            assert!(e.client_id.as_deref().is_none_or(rules::is_client_id));
            assert!(e.event_time <= now + limits.max_future);
            assert!(e.event_time >= now - limits.max_age);
            let upper = |s: &str| s == s.to_ascii_uppercase();
            assert!(
                e.office_id
                    .as_deref()
                    .is_none_or(|o| rules::is_office_id_input(o) && upper(o))
            );
            assert!(
                e.fsa
                    .as_deref()
                    .is_none_or(|f| rules::is_fsa_input(f) && upper(f))
            );
            match &e.body {
                Body::Engagement(b) => {
                    assert_eq!(topic, Topic::Engagement);
                    assert!(b.variant.as_deref().is_none_or(rules::is_slug));
                    assert!(rules::is_slug(&b.campaign_id));
                    assert!(rules::COUNT_RANGE.contains(&u64::from(b.count)));
                    assert!(rules::COST_CENTS_RANGE.contains(&b.cost_cents));
                }
                Body::Uptake(b) => {
                    assert_eq!(topic, Topic::Uptake);
                    assert!(rules::is_slug(&b.program));
                    assert!(b.campaign_id.as_deref().is_none_or(rules::is_slug));
                }
            }
        }
        Err(r) => {
            assert!(!r.detail.is_empty() && r.detail.is_ascii() && r.detail.len() < 200);
            assert_eq!(
                r.code == RefusalCode::TooLarge,
                message.len() > limits.max_bytes
            );
            if std::str::from_utf8(message).is_err() && message.len() <= limits.max_bytes {
                assert_eq!(r.code, RefusalCode::Malformed);
            }
        }
    }
});
