//! `decode`: bytes of one message in, an accepted [`Event`] or a
//! [`Refusal`] out. Pure: the clock and the limits are arguments.
//!
//! Order of checks, so that a message with several faults always gets the
//! same refusal:
//! 1. size (`too_large`), before looking at the bytes at all;
//! 2. UTF-8, then JSON syntax, a top-level object, no trailing data, and no
//!    known field given twice (`malformed`);
//! 3. the fields, one at a time in the contract's table order (`event_id`,
//!    `event_time`, `segment`, `region`, `language`, `client_id`, then the
//!    topic's own: `campaign_id`, `channel`, `action`, `count`, `cost_cents`
//!    or `program`, `service_channel`, `stage`, `campaign_id`; then the
//!    v1.1 fields `variant` (engagement), `office_id`, `fsa`); the first
//!    bad field decides (`missing_field` or `invalid_value`);
//! 4. the time window, only for an otherwise valid event: `event_in_future`
//!    if `event_time` is after `now + max_future`, `event_too_old` if it is
//!    before `now - max_age`. Both bounds are inclusive (exactly at the
//!    bound is accepted) and apply to the millisecond-truncated time.
//!
//! Duplicate keys: JSON leaves their meaning open and parsers disagree on
//! which one wins, so a known field given twice is refused as `malformed`.
//! Unknown fields are never looked at, so their duplicates are ignored.
//! Unknown fields may hold anything, nested to any depth (skipping them is
//! iterative and bounded by the size limit).
//!
//! v1.1 fields (`variant`, `office_id`, `fsa`) are optional, `null` counts
//! as absent, and a bad value is `invalid_value` like a v1 field's.
//! `variant` belongs to engagement only; on an uptake message it is an
//! unknown field and ignored, as it was under v1. Refusing it would move a
//! valid uptake (a v1 message that stays valid, says the contract) out of
//! the counts and into the DLQ for a field that carries nothing the uptake
//! is counted by; storing it would give uptake a meaning the contract does
//! not give it. Ignoring it loses no event and no contract field, and the
//! message itself stays in its topic.

use chrono::{DateTime, Utc};

use crate::capture::{Captured, Field, capture};
use crate::event::{Body, DEFAULT_SEGMENT, Engagement, Event, Uptake};
use crate::extract::{checked_string, code, integer, optional, required, string};
use crate::limits::Limits;
use crate::refusal::{Refusal, RefusalCode};
use crate::rules;
use crate::timestamp::parse_rfc3339;
use crate::topic::Topic;
use crate::vocab::{Action, Channel, Language, Region, ServiceChannel, Stage};

const EVENT_ID_RULE: &str = "must be 1-64 characters of A-Z a-z 0-9 . _ : -";
const SLUG_RULE: &str =
    "must be a slug: 1-64 characters of a-z 0-9 _ -, starting with a letter or digit";
const SEGMENT_RULE: &str = "must be 1-64 characters of a-z 0-9 _ - (any case)";
const CLIENT_ID_RULE: &str = "must be 1-128 characters";
const OFFICE_ID_RULE: &str = "must be 1-16 characters of A-Z 0-9 - (any case)";
const FSA_RULE: &str =
    "must be a forward sortation area: letter, digit, letter (not a full postal code)";

/// Decodes, validates and normalises one message read from `topic`.
///
/// ```
/// use cmp_model::{Limits, RefusalCode, Region, Topic, decode};
///
/// let now = "2026-11-05T00:00:00Z".parse().expect("a time");
/// let msg = br#"{"event_id":"e-1","event_time":"2026-11-03T15:42:00Z",
///     "program":"oas","service_channel":"mail","stage":"started","region":"qc"}"#;
/// let event = decode(msg, Topic::Uptake, now, &Limits::default()).expect("accepted");
/// assert_eq!((event.region, event.segment.as_str()), (Region::Qc, "unspecified"));
///
/// let refusal = decode(b"[]", Topic::Uptake, now, &Limits::default()).expect_err("refused");
/// assert_eq!(refusal.code, RefusalCode::Malformed);
/// ```
pub fn decode(
    bytes: &[u8],
    topic: Topic,
    now: DateTime<Utc>,
    limits: &Limits,
) -> Result<Event, Refusal> {
    if bytes.len() > limits.max_bytes {
        return Err(Refusal::new(
            RefusalCode::TooLarge,
            format!(
                "message is {} bytes, over the {}-byte limit",
                bytes.len(),
                limits.max_bytes
            ),
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Refusal::malformed(format!("not valid UTF-8 (at byte {})", e.valid_up_to()))
    })?;
    let mut fields = capture(text, topic)?;

    let event_id = checked_string(
        Field::EventId,
        required(Field::EventId, fields.take(Field::EventId))?,
        rules::is_event_id,
        EVENT_ID_RULE,
    )?;
    let event_time = {
        let raw = required(Field::EventTime, fields.take(Field::EventTime))?;
        let s = string(Field::EventTime, raw)?;
        parse_rfc3339(&s).map_err(|e| Refusal::invalid("event_time", &e.to_string()))?
    };
    let segment = match optional(fields.take(Field::Segment)) {
        None => DEFAULT_SEGMENT.to_owned(),
        Some(raw) => {
            let s = checked_string(Field::Segment, raw, rules::is_segment_input, SEGMENT_RULE)?;
            rules::normalise_segment(&s)
        }
    };
    let region = match optional(fields.take(Field::Region)) {
        None => Region::default(),
        Some(raw) => code(
            Field::Region,
            raw,
            Region::parse_input,
            INPUT_REGIONS,
            Region::as_str,
        )?,
    };
    let language = match optional(fields.take(Field::Language)) {
        None => Language::default(),
        Some(raw) => code(
            Field::Language,
            raw,
            Language::parse_input,
            INPUT_LANGUAGES,
            Language::as_str,
        )?,
    };
    let client_id = optional(fields.take(Field::ClientId))
        .map(|raw| checked_string(Field::ClientId, raw, rules::is_client_id, CLIENT_ID_RULE))
        .transpose()?
        .map(|s| s.into_owned());

    let body = match topic {
        Topic::Engagement => Body::Engagement(engagement(&mut fields)?),
        Topic::Uptake => Body::Uptake(uptake(&mut fields)?),
    };
    let office_id = upper(
        &mut fields,
        Field::OfficeId,
        rules::is_office_id_input,
        OFFICE_ID_RULE,
    )?;
    let fsa = upper(&mut fields, Field::Fsa, rules::is_fsa_input, FSA_RULE)?;

    check_window(event_time, now, limits)?;

    Ok(Event {
        event_id: event_id.into_owned(),
        event_time,
        segment,
        region,
        language,
        client_id,
        office_id,
        fsa,
        body,
    })
}

/// An optional code stored upper-case (`office_id`, `fsa`).
fn upper(
    fields: &mut Captured<'_>,
    field: Field,
    rule: fn(&str) -> bool,
    what: &str,
) -> Result<Option<String>, Refusal> {
    optional(fields.take(field))
        .map(|raw| checked_string(field, raw, rule, what).map(|s| rules::normalise_upper(&s)))
        .transpose()
}

/// Region codes a producer may send (`XX` is only the stored default).
const INPUT_REGIONS: &[Region] = &[
    Region::Ab,
    Region::Bc,
    Region::Mb,
    Region::Nb,
    Region::Nl,
    Region::Ns,
    Region::Nt,
    Region::Nu,
    Region::On,
    Region::Pe,
    Region::Qc,
    Region::Sk,
    Region::Yt,
    Region::Ca,
];

/// Language codes a producer may send (`und` is only the stored default).
const INPUT_LANGUAGES: &[Language] = &[Language::En, Language::Fr];

fn engagement(fields: &mut Captured<'_>) -> Result<Engagement, Refusal> {
    let campaign_id = slug(
        Field::CampaignId,
        required(Field::CampaignId, fields.take(Field::CampaignId))?,
    )?;
    let channel = code(
        Field::Channel,
        required(Field::Channel, fields.take(Field::Channel))?,
        Channel::parse,
        Channel::ALL,
        Channel::as_str,
    )?;
    let action = code(
        Field::Action,
        required(Field::Action, fields.take(Field::Action))?,
        Action::parse,
        Action::ALL,
        Action::as_str,
    )?;
    let count = match optional(fields.take(Field::Count)) {
        None => 1,
        Some(raw) => {
            let n = integer(Field::Count, raw, rules::COUNT_RANGE)?;
            u32::try_from(n).map_err(|_| Refusal::invalid("count", "must fit in 32 bits"))?
        }
    };
    let cost_cents = match optional(fields.take(Field::CostCents)) {
        None => 0,
        Some(raw) => integer(Field::CostCents, raw, rules::COST_CENTS_RANGE)?,
    };
    let variant = optional(fields.take(Field::Variant))
        .map(|raw| slug(Field::Variant, raw))
        .transpose()?;
    Ok(Engagement {
        campaign_id,
        channel,
        action,
        count,
        cost_cents,
        variant,
    })
}

fn uptake(fields: &mut Captured<'_>) -> Result<Uptake, Refusal> {
    let program = slug(
        Field::Program,
        required(Field::Program, fields.take(Field::Program))?,
    )?;
    let service_channel = code(
        Field::ServiceChannel,
        required(Field::ServiceChannel, fields.take(Field::ServiceChannel))?,
        ServiceChannel::parse,
        ServiceChannel::ALL,
        ServiceChannel::as_str,
    )?;
    let stage = code(
        Field::Stage,
        required(Field::Stage, fields.take(Field::Stage))?,
        Stage::parse,
        Stage::ALL,
        Stage::as_str,
    )?;
    let campaign_id = optional(fields.take(Field::CampaignId))
        .map(|raw| slug(Field::CampaignId, raw))
        .transpose()?;
    Ok(Uptake {
        program,
        service_channel,
        stage,
        campaign_id,
    })
}

fn slug(field: Field, raw: crate::capture::Raw<'_>) -> Result<String, Refusal> {
    checked_string(field, raw, rules::is_slug, SLUG_RULE).map(|s| s.into_owned())
}

/// Refuses an `event_time` outside `[now - max_age, now + max_future]`.
/// A bound that overflows the calendar is no bound.
fn check_window(
    event_time: DateTime<Utc>,
    now: DateTime<Utc>,
    limits: &Limits,
) -> Result<(), Refusal> {
    if now
        .checked_add_signed(limits.max_future)
        .is_some_and(|latest| event_time > latest)
    {
        return Err(Refusal::new(
            RefusalCode::EventInFuture,
            format!(
                "event_time is more than {} ahead of the pipeline clock",
                human(limits.max_future)
            ),
        ));
    }
    if now
        .checked_sub_signed(limits.max_age)
        .is_some_and(|oldest| event_time < oldest)
    {
        return Err(Refusal::new(
            RefusalCode::EventTooOld,
            format!(
                "event_time is older than the maximum age of {}",
                human(limits.max_age)
            ),
        ));
    }
    Ok(())
}

/// A duration in the largest whole unit that expresses it exactly.
fn human(d: chrono::Duration) -> String {
    let s = d.num_seconds();
    let exact_ms = d.num_milliseconds() % 1000 == 0;
    let unit = |n: i64, u: &str| format!("{n} {u}{}", if n == 1 { "" } else { "s" });
    match s {
        _ if !exact_ms => unit(d.num_milliseconds(), "millisecond"),
        0 => "0 seconds".to_owned(),
        _ if s % 86_400 == 0 => unit(s / 86_400, "day"),
        _ if s % 3_600 == 0 => unit(s / 3_600, "hour"),
        _ if s % 60 == 0 => unit(s / 60, "minute"),
        _ => unit(s, "second"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(human(chrono::Duration::days(90)), "90 days");
        assert_eq!(human(chrono::Duration::minutes(5)), "5 minutes");
        assert_eq!(human(chrono::Duration::hours(1)), "1 hour");
        assert_eq!(human(chrono::Duration::seconds(61)), "61 seconds");
        assert_eq!(
            human(chrono::Duration::milliseconds(1500)),
            "1500 milliseconds"
        );
        assert_eq!(human(chrono::Duration::zero()), "0 seconds");
    }

    #[test]
    fn input_vocabularies_leave_out_the_absent_markers() {
        assert_eq!(INPUT_REGIONS.len(), 14);
        assert!(!INPUT_REGIONS.contains(&Region::Xx));
        assert!(!INPUT_LANGUAGES.contains(&Language::Und));
    }
}
