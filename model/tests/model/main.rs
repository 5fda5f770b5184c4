//! Tests of `cmp_model::decode` against contract/EVENTS.md, one binary with
//! a module per concern: the contract's examples, every field's rules, the
//! shape of a message, size, the time window, privacy of refusal details,
//! and properties over arbitrary input.

mod examples;
mod fields;
mod privacy;
mod properties;
mod shape;
mod support;
mod window;
