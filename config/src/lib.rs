//! Configuration of the three processes, layered as defaults < optional TOML
//! file (`CMP_CONFIG_FILE`) < `CMP_*` environment variables. Every setting is
//! parsed and checked once, at start, so a process with a bad setting refuses
//! to start with a message naming it. Secrets live in [`Secret`], which never
//! prints its value.

mod error;
mod secret;
mod settings;
mod source;

pub use error::ConfigError;
pub use secret::Secret;
pub use settings::{
    Compression, DEMO_DISCLOSURE_KEY, KAFKA_SESSION_TIMEOUT, LogFormat, Settings, Topics,
};
pub use source::Source;
