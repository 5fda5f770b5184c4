//! Where raw setting values come from: the `CMP_*` environment over an
//! optional TOML file. A setting `CMP_BATCH_MAX_ROWS` is the file key
//! `batch_max_rows`.

use std::collections::BTreeMap;
use std::str::FromStr;

use crate::ConfigError;

/// Raw values by environment-variable name, file values already overlaid by
/// the environment.
#[derive(Debug, Default, Clone)]
pub struct Source {
    values: BTreeMap<String, String>,
}

impl Source {
    /// Reads `CMP_CONFIG_FILE` (if set) and the process environment.
    pub fn from_process() -> Result<Self, ConfigError> {
        let env: Vec<(String, String)> = std::env::vars()
            .filter(|(k, _)| k.starts_with("CMP_"))
            .collect();
        let file = match env.iter().find(|(k, _)| k == "CMP_CONFIG_FILE") {
            Some((_, path)) => Some((
                path.clone(),
                std::fs::read_to_string(path).map_err(|e| ConfigError::File {
                    path: path.clone(),
                    reason: e.to_string(),
                })?,
            )),
            None => None,
        };
        Self::layered(file.as_ref().map(|(p, t)| (p.as_str(), t.as_str())), env)
    }

    /// Builds a source from a file's text (path, contents) and environment pairs.
    pub fn layered(
        file: Option<(&str, &str)>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let mut values = BTreeMap::new();
        if let Some((path, text)) = file {
            let table: toml::Table =
                text.parse()
                    .map_err(|e: toml::de::Error| ConfigError::File {
                        path: path.to_owned(),
                        reason: e.message().to_owned(),
                    })?;
            for (key, value) in table {
                let setting = format!("CMP_{}", key.to_ascii_uppercase());
                if !crate::settings::KNOWN.contains(&setting.as_str()) {
                    return Err(ConfigError::File {
                        path: path.to_owned(),
                        reason: format!("unknown setting `{key}`"),
                    });
                }
                let raw = match value {
                    toml::Value::String(s) => s,
                    toml::Value::Array(items) => items
                        .iter()
                        .map(|v| {
                            v.as_str()
                                .map(str::to_owned)
                                .unwrap_or_else(|| v.to_string())
                        })
                        .collect::<Vec<_>>()
                        .join(","),
                    other => other.to_string(),
                };
                values.insert(setting, raw);
            }
        }
        values.extend(env.into_iter().filter(|(k, _)| k.starts_with("CMP_")));
        Ok(Self { values })
    }

    /// The raw value, if set anywhere (an empty value counts as unset).
    pub fn raw(&self, setting: &str) -> Option<&str> {
        self.values
            .get(setting)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }

    /// The value parsed as `T`, or `default` when unset.
    pub fn parse_or<T: FromStr>(&self, setting: &str, default: T) -> Result<T, ConfigError>
    where
        T::Err: std::fmt::Display,
    {
        match self.raw(setting) {
            None => Ok(default),
            Some(raw) => raw.trim().parse().map_err(|e: T::Err| {
                ConfigError::invalid(setting, format!("cannot parse {raw:?}: {e}"))
            }),
        }
    }

    /// Like [`Source::parse_or`], and the value must lie in `range`.
    pub fn ranged<T>(
        &self,
        setting: &str,
        default: T,
        range: std::ops::RangeInclusive<T>,
    ) -> Result<T, ConfigError>
    where
        T: FromStr + PartialOrd + std::fmt::Display + Copy,
        T::Err: std::fmt::Display,
    {
        let v = self.parse_or(setting, default)?;
        if range.contains(&v) {
            Ok(v)
        } else {
            Err(ConfigError::invalid(
                setting,
                format!("{v} is outside {}..={}", range.start(), range.end()),
            ))
        }
    }

    /// A string value, or `default`.
    pub fn string_or(&self, setting: &str, default: &str) -> String {
        self.raw(setting).unwrap_or(default).trim().to_owned()
    }
}
