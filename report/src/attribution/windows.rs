//! Attribution windows (contract/API.md v1.1, "Attribution to exposure"):
//! how long after an exposure, by its action, an uptake event may be
//! credited to it. The contract's defaults are 30 days for `click`,
//! `visit`, `engagement` and `share`, 3 for `video_complete`, 1 for
//! `impression`; a campaign's `PUT` body may set `attribution_windows`, an
//! object of days per action, to replace them.
//!
//! Decisions where the contract is silent:
//! - Only the actions the object names are replaced; the others keep the
//!   contract's default (`{"impression": 0}` turns impressions off alone).
//! - Days are whole numbers from 0 (the action never earns credit) to 90
//!   (the contract's maximum event age: an older exposure is not in the
//!   ledger).
//! - The window is the exposure's campaign's: an exposure to a campaign
//!   with a 7-day click window is eligible for 7 days, whichever campaign
//!   the uptake names.

use std::collections::BTreeMap;

use chrono::Duration;
use cmp_model::Action;
use serde_json::Value;

/// A bad entry of an `attribution_windows` object: the field it names
/// (`attribution_windows` or `attribution_windows.<action>`) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadWindow {
    pub field: String,
    pub reason: String,
}

impl std::fmt::Display for BadWindow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.field, self.reason)
    }
}

fn bad(field: impl Into<String>, reason: impl Into<String>) -> BadWindow {
    BadWindow {
        field: field.into(),
        reason: reason.into(),
    }
}

/// Longest window, in days.
pub const MAX_DAYS: u64 = 90;

/// Days per action of one campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Windows {
    /// Indexed as `Action::ALL`.
    days: [u64; 6],
}

impl Default for Windows {
    /// The contract's defaults.
    fn default() -> Self {
        let mut days = [30; 6];
        for (i, a) in Action::ALL.iter().enumerate() {
            days[i] = match a {
                Action::Impression => 1,
                Action::VideoComplete => 3,
                _ => 30,
            };
        }
        Windows { days }
    }
}

fn index(action: Action) -> usize {
    Action::ALL.iter().position(|a| *a == action).unwrap_or(0)
}

impl Windows {
    /// The window of `action`.
    pub fn of(&self, action: Action) -> Duration {
        Duration::days(self.days[index(action)] as i64)
    }

    /// The longest window of any action.
    pub fn longest(&self) -> Duration {
        Duration::days(self.days.iter().copied().max().unwrap_or(0) as i64)
    }

    /// Days by action code, every action.
    pub fn days(&self) -> BTreeMap<String, u64> {
        Action::ALL
            .iter()
            .map(|a| (a.as_str().to_owned(), self.days[index(*a)]))
            .collect()
    }

    /// The windows a campaign stored (`""`: the defaults). A stored object
    /// was checked when it was stored; one that no longer parses reads as
    /// the defaults, logged.
    pub fn stored(json: &str) -> Windows {
        if json.is_empty() {
            return Windows::default();
        }
        match serde_json::from_str::<Value>(json)
            .map_err(|e| e.to_string())
            .and_then(|v| parse(&v).map_err(|e| e.to_string()))
        {
            Ok(w) => w,
            Err(error) => {
                tracing::error!(%error, "stored attribution windows do not parse; defaults used");
                Windows::default()
            }
        }
    }
}

/// The `attribution_windows` of a campaign body: the defaults with the
/// named actions replaced; the error names the bad entry.
pub fn parse(value: &Value) -> Result<Windows, BadWindow> {
    let Value::Object(entries) = value else {
        return Err(bad(
            "attribution_windows",
            "must be an object of days per action, e.g. {\"click\": 7}",
        ));
    };
    let mut w = Windows::default();
    for (name, days) in entries {
        let field = format!("attribution_windows.{name}");
        let action = Action::parse(name).ok_or_else(|| {
            bad(
                field.clone(),
                "is not an action (impression click engagement share video_complete visit)",
            )
        })?;
        let days = days.as_u64().filter(|d| *d <= MAX_DAYS).ok_or_else(|| {
            bad(
                field,
                format!("must be a whole number of days, 0 to {MAX_DAYS}"),
            )
        })?;
        w.days[index(action)] = days;
    }
    Ok(w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_are_the_contracts_and_named_actions_are_replaced() {
        let d = Windows::default();
        assert_eq!(d.of(Action::Click), Duration::days(30));
        assert_eq!(d.of(Action::VideoComplete), Duration::days(3));
        assert_eq!(d.of(Action::Impression), Duration::days(1));
        assert_eq!(d.longest(), Duration::days(30));
        let w = parse(&json!({"click": 7, "impression": 0})).expect("valid");
        assert_eq!(w.of(Action::Click), Duration::days(7));
        assert_eq!(w.of(Action::Impression), Duration::days(0));
        assert_eq!(w.of(Action::Visit), Duration::days(30));
        assert_eq!(Windows::stored(r#"{"click": 7, "impression": 0}"#), w);
        assert_eq!(Windows::stored(""), d);
        assert_eq!(w.days()["click"], 7);
    }

    #[test]
    fn a_bad_entry_is_named() {
        for (body, field) in [
            (json!([1]), "attribution_windows"),
            (json!({"tap": 3}), "attribution_windows.tap"),
            (json!({"click": -1}), "attribution_windows.click"),
            (json!({"click": 1.5}), "attribution_windows.click"),
            (json!({"visit": 91}), "attribution_windows.visit"),
        ] {
            match parse(&body) {
                Err(e) => assert_eq!(e.field, field),
                other => panic!("{body}: {other:?}"),
            }
        }
    }
}
