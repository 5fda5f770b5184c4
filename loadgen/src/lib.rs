//! A deterministic generator of contract traffic (`contract/EVENTS.md`) for
//! load tests and demos: valid engagement and uptake events for a set of
//! campaigns, re-deliveries of events already produced (some with a changed
//! payload, as a misbehaving producer would send), and invalid messages that
//! cycle through every refusal code. Each [`Message`] says what the pipeline
//! must do with it ([`Expect`]), so a test can compare what was produced with
//! what was stored.
//!
//! Pure: no I/O and no clock. The same [`GenConfig`] (seed and `now`
//! included) always yields the same messages; the binary `cmp-loadgen` owns
//! Kafka, flags and signals.

mod audience;
mod config;
mod engagement;
mod event_time;
mod fields;
mod generator;
mod invalid;
mod message;
mod pick;
mod redelivery;
mod uptake;

#[cfg(test)]
mod tests;

pub use config::{Campaign, ConfigError, GenConfig, demo_campaigns};
pub use generator::Generator;
pub use message::{Expect, Message};
