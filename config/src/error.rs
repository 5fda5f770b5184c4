//! The one error type of configuration loading: it always names the setting.

/// A configuration problem, naming the environment variable (or file key) at fault.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{setting}: {reason}")]
    Invalid { setting: String, reason: String },
    #[error("{setting} is required: {why}")]
    Missing { setting: String, why: String },
    #[error("configuration file {path}: {reason}")]
    File { path: String, reason: String },
}

impl ConfigError {
    pub(crate) fn invalid(setting: &str, reason: impl Into<String>) -> Self {
        Self::Invalid {
            setting: setting.to_owned(),
            reason: reason.into(),
        }
    }
}
