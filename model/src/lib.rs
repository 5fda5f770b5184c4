//! The event model of `contract/EVENTS.md`: the two topics' events as Rust
//! types, and [`decode()`], the one pure function that turns a message's bytes
//! into a validated, normalised [`Event`] or a [`Refusal`] carrying one of the
//! contract's refusal codes. No I/O lives here: no Kafka, no HTTP, no clock
//! (the caller passes `now`), so every rule is testable from a table.
//!
//! Where the contract is silent, this crate decides; each decision is written
//! down in the module that makes it ([`decode`](mod@decode) for the order of
//! checks and duplicate keys, [`rules`] for the field rules, [`timestamp`] for
//! `event_time`, [`vocab`] for case sensitivity).

mod capture;
pub mod decode;
pub mod event;
mod extract;
pub mod limits;
pub mod refusal;
pub mod rules;
pub mod timestamp;
pub mod topic;
pub mod vocab;

pub use decode::decode;
pub use event::{Body, Engagement, Event, Uptake};
pub use limits::Limits;
pub use refusal::{Refusal, RefusalCode};
pub use topic::Topic;
pub use vocab::{Action, Channel, Language, Region, ServiceChannel, Stage, UnknownCode};
