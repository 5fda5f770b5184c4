//! Unit costs of service (contract/API.md v1.1, "Channel shift and the
//! cost of service"): what one transaction of a program costs through each
//! service channel in a fiscal year, with the source the figure comes
//! from. A program's costs are replaced whole (`PUT …/service-costs`);
//! this module checks such a list, field by field, so a `400` names the
//! item and field at fault (`[2].cost_cents`).
//!
//! Decisions where the contract is silent:
//! - `cost_cents` is a whole number of cents from 0 (a channel may cost
//!   nothing at the margin; that is a stated cost, not a missing one) to
//!   [`MAX_COST_CENTS`].
//! - `source` is required: the pipeline never shows a cost without saying
//!   where it comes from. 1 to [`MAX_SOURCE_CHARS`] characters, no
//!   control characters, surrounding spaces trimmed.
//! - One cost per fiscal year and channel; a list of at most
//!   [`MAX_COSTS`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::Error;
use crate::labels::{LabelKind, codes};
use crate::period::FiscalYear;

/// Most costs one program's list may hold (50 years of four channels).
pub const MAX_COSTS: usize = 200;
/// Longest `source`, in characters.
pub const MAX_SOURCE_CHARS: usize = 500;
/// Largest unit cost: ten million dollars a transaction.
pub const MAX_COST_CENTS: u64 = 1_000_000_000;

/// The fields of one cost, in the contract's order.
const FIELDS: [&str; 4] = ["fiscal_year", "service_channel", "cost_cents", "source"];

/// The unit cost of one service channel of a program in one fiscal year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceCost {
    pub fiscal_year: FiscalYear,
    /// `online`, `phone`, `in_person` or `mail`.
    pub service_channel: String,
    /// Cents per transaction.
    pub cost_cents: u64,
    /// Where the figure comes from (a cost model, a study), shown with it.
    pub source: String,
}

/// A program's cost list as sent: checked, in the order given.
pub fn parse_costs(json: &str) -> Result<Vec<ServiceCost>, Error> {
    let value: Value = serde_json::from_str(json)
        .map_err(|e| Error::invalid("costs", format!("is not valid JSON: {e}")))?;
    let Value::Array(items) = value else {
        return Err(Error::invalid("costs", "must be a JSON array of costs"));
    };
    if items.len() > MAX_COSTS {
        return Err(Error::invalid(
            "costs",
            format!("holds {} costs; at most {MAX_COSTS}", items.len()),
        ));
    }
    let mut costs: Vec<ServiceCost> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let cost = parse_one(item).map_err(|(field, reason)| {
            Error::invalid(
                if field.is_empty() {
                    format!("[{i}]")
                } else {
                    format!("[{i}].{field}")
                },
                reason,
            )
        })?;
        if let Some(first) = costs.iter().position(|c| {
            c.fiscal_year == cost.fiscal_year && c.service_channel == cost.service_channel
        }) {
            return Err(Error::invalid(
                format!("[{i}].service_channel"),
                format!("repeats the cost at [{first}] (same fiscal year and channel)"),
            ));
        }
        costs.push(cost);
    }
    Ok(costs)
}

/// One item; the error is (field, reason), the field empty for the item.
fn parse_one(item: &Value) -> Result<ServiceCost, (String, String)> {
    let Value::Object(fields) = item else {
        return Err((String::new(), "must be a JSON object".into()));
    };
    if let Some(unknown) = fields.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err((
            unknown.clone(),
            format!(
                "is not a field of a service cost; expected {}",
                FIELDS.join(", ")
            ),
        ));
    }
    let text = |name: &str| match fields.get(name) {
        Some(Value::String(s)) => Ok(s.as_str()),
        Some(_) => Err((name.to_owned(), "must be a string".to_owned())),
        None => Err((name.to_owned(), "is required".to_owned())),
    };
    let fiscal_year = FiscalYear::parse(text("fiscal_year")?)
        .map_err(|e| ("fiscal_year".to_owned(), e.to_string()))?;
    let service_channel = text("service_channel")?;
    if !codes(LabelKind::ServiceChannel).any(|c| c == service_channel) {
        let known: Vec<&str> = codes(LabelKind::ServiceChannel).collect();
        return Err((
            "service_channel".into(),
            format!(
                "has unknown value `{service_channel}`; expected one of {}",
                known.join(", ")
            ),
        ));
    }
    let cost_cents = match fields.get("cost_cents") {
        Some(v) => v.as_u64().filter(|c| *c <= MAX_COST_CENTS).ok_or_else(|| {
            (
                "cost_cents".to_owned(),
                format!("must be a whole number of cents from 0 to {MAX_COST_CENTS}"),
            )
        })?,
        None => return Err(("cost_cents".into(), "is required".into())),
    };
    let source = text("source")?.trim();
    if source.is_empty()
        || source.chars().count() > MAX_SOURCE_CHARS
        || source.chars().any(char::is_control)
    {
        return Err((
            "source".into(),
            format!(
                "must say where the cost comes from: 1 to {MAX_SOURCE_CHARS} characters, no control characters"
            ),
        ));
    }
    Ok(ServiceCost {
        fiscal_year,
        service_channel: service_channel.to_owned(),
        cost_cents,
        source: source.to_owned(),
    })
}

/// The costs of fiscal year `fy`, by service channel.
pub fn costs_of_year(costs: &[ServiceCost], fy: FiscalYear) -> BTreeMap<&str, &ServiceCost> {
    costs
        .iter()
        .filter(|c| c.fiscal_year == fy)
        .map(|c| (c.service_channel.as_str(), c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(json: &str) -> String {
        match parse_costs(json) {
            Err(e) => e.field().to_owned(),
            Ok(c) => panic!("{json}: accepted {c:?}"),
        }
    }

    #[test]
    fn the_contract_example_is_accepted() {
        let costs = parse_costs(
            r#"[{"fiscal_year": "2026-27", "service_channel": "online", "cost_cents": 95, "source": "program cost model 2026"},
 {"fiscal_year": "2026", "service_channel": "in_person", "cost_cents": 2880, "source": " a study "}]"#,
        )
        .expect("valid");
        assert_eq!(costs.len(), 2);
        assert_eq!(costs[1].fiscal_year.to_string(), "2026-27");
        assert_eq!(costs[1].source, "a study");
        let year = costs_of_year(&costs, FiscalYear::starting(2026));
        assert_eq!(year["online"].cost_cents, 95);
        assert!(costs_of_year(&costs, FiscalYear::starting(2025)).is_empty());
        assert_eq!(parse_costs("[]").expect("empty"), Vec::new());
        // Stored and read back as the same list.
        let json = serde_json::to_string(&costs).expect("json");
        assert_eq!(parse_costs(&json).expect("again"), costs);
    }

    #[test]
    fn every_bad_cost_names_its_item_and_field() {
        let ok =
            r#""fiscal_year":"2026-27","service_channel":"online","cost_cents":95,"source":"s""#;
        let table = [
            ("{not json".to_owned(), "costs"),
            ("{}".to_owned(), "costs"),
            ("[1]".to_owned(), "[0]"),
            (format!("[{{{ok}}},{{{ok},\"colour\":1}}]"), "[1].colour"),
            (
                format!("[{{{}}}]", ok.replace("2026-27", "2026-28")),
                "[0].fiscal_year",
            ),
            (
                format!("[{{{}}}]", ok.replace("\"2026-27\"", "2026")),
                "[0].fiscal_year",
            ),
            (
                format!("[{{{}}}]", ok.replace("online", "email")),
                "[0].service_channel",
            ),
            (
                format!("[{{{}}}]", ok.replace("95", "-1")),
                "[0].cost_cents",
            ),
            (
                format!("[{{{}}}]", ok.replace("95", "9.5")),
                "[0].cost_cents",
            ),
            (
                format!("[{{{}}}]", ok.replace("95", "1000000001")),
                "[0].cost_cents",
            ),
            (
                format!("[{{{}}}]", ok.replace("\"s\"", "\"  \"")),
                "[0].source",
            ),
            (
                format!("[{{{}}}]", ok.replace("\"s\"", "\"a\\nb\"")),
                "[0].source",
            ),
            (
                format!("[{{{}}}]", ok.replace(",\"source\":\"s\"", "")),
                "[0].source",
            ),
            (format!("[{{{ok}}},{{{ok}}}]"), "[1].service_channel"),
        ];
        for (json, want) in table {
            assert_eq!(field(&json), want, "{json}");
        }
        let long = format!(
            "[{{{}}}]",
            ok.replace("\"s\"", &format!("\"{}\"", "é".repeat(501)))
        );
        assert_eq!(field(&long), "[0].source");
        let many: Vec<String> = (0..=MAX_COSTS)
            .map(|i| format!("{{{}}}", ok.replace("2026-27", &format!("{}", 1900 + i))))
            .collect();
        assert_eq!(field(&format!("[{}]", many.join(","))), "costs");
    }
}
