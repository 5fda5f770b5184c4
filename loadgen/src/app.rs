//! The binary's side of the crate: flags ([`cli`]), pacing ([`pace`]), the
//! manifest file ([`manifest`]), signals ([`shutdown`]) and the Kafka
//! producer loop ([`produce`]). The library stays pure; everything here is
//! I/O or wiring.

pub mod cli;
mod manifest;
mod pace;
mod produce;
pub mod shutdown;
mod summary;

pub use produce::run;
