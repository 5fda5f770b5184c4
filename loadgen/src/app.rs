//! The binary's side of the crate: flags ([`cli`], [`v11_flags`]), pacing ([`pace`]), the
//! manifest file ([`manifest`]), signals ([`shutdown`]) and the Kafka
//! producer loop ([`produce`]). The library stays pure; everything here is
//! I/O or wiring.

pub mod cli;
mod manifest;
mod pace;
mod produce;
pub mod shutdown;
mod summary;
mod v11_flags;

pub use produce::run;
