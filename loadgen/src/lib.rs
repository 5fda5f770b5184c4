//! A deterministic generator of contract traffic (`contract/EVENTS.md`) for
//! load tests and demos: valid engagement and uptake events for a set of
//! campaigns, re-deliveries of events already produced (some with a changed
//! payload, as a misbehaving producer would send), and invalid messages that
//! cycle through every refusal code; contract v1.1's optional fields
//! (`variant`, `office_id`, `fsa`); and, when asked, known effects
//! ([`Effects`]: a geographic lift, a better-converting variant, exposure →
//! completion delays) for estimates to be checked against. Each
//! [`Message`] says what the pipeline must do with it ([`Expect`]), so a
//! test can compare what was produced with what was stored.
//!
//! Pure: no I/O and no clock. The same [`GenConfig`] (seed and `now`
//! included) always yields the same messages; the binary `cmp-loadgen` owns
//! Kafka, flags and signals.

mod audience;
mod config;
mod effects;
mod engagement;
mod event_time;
mod fields;
mod generator;
mod inject;
mod invalid;
mod message;
mod pick;
mod places;
mod redelivery;
mod uptake;
mod v11;

#[cfg(test)]
mod effect_tests;
#[cfg(test)]
mod tests;

pub use config::{Campaign, ConfigError, GenConfig, demo_campaigns};
pub use effects::{Conversion, Effects, GeoLift, MAX_LIFT, Unit, default_delays};
pub use generator::Generator;
pub use message::{Expect, Message};
pub use v11::VariantTest;
