//! A campaign's planned variant split (contract/API.md v1.1, "Message
//! tests"): the `variant_split` of its `PUT` body, an object of relative
//! shares per variant (`{"control": 50, "plain-language-b": 50}`, or 2 and
//! 1), which the sample-ratio check tests the exposed counts against
//! instead of an equal split. Shares are positive numbers; variant names
//! are slugs, as `variant` values are.

use serde_json::Value;

use crate::error::ApiError;

/// The planned shares, by variant.
pub type Split = Vec<(String, f64)>;

/// The `variant_split` of a campaign body; a `400` names the bad entry.
pub fn parse(value: &Value) -> Result<Split, ApiError> {
    let Value::Object(entries) = value else {
        return Err(ApiError::bad(
            "variant_split",
            "must be an object of shares per variant, e.g. {\"control\": 1, \"b\": 1}",
        ));
    };
    if entries.is_empty() {
        return Err(ApiError::bad(
            "variant_split",
            "must name at least one variant",
        ));
    }
    entries
        .iter()
        .map(|(name, share)| {
            let field = format!("variant_split.{name}");
            if !cmp_model::rules::is_slug(name) {
                return Err(ApiError::bad(
                    field,
                    "must name a variant: a slug of 1-64 characters of a-z 0-9 _ -",
                ));
            }
            match share.as_f64() {
                Some(s) if s.is_finite() && s > 0.0 => Ok((name.clone(), s)),
                _ => Err(ApiError::bad(field, "must be a positive number")),
            }
        })
        .collect()
}

/// The split a campaign stored (`None`: none, an equal split). A stored
/// object was checked when it was stored; one that no longer parses reads
/// as none, logged.
pub fn stored(json: &str) -> Option<Split> {
    if json.is_empty() {
        return None;
    }
    match serde_json::from_str::<Value>(json)
        .map_err(|e| e.to_string())
        .and_then(|v| parse(&v).map_err(|e| e.to_string()))
    {
        Ok(split) => Some(split),
        Err(error) => {
            tracing::error!(%error, "stored variant split does not parse; an equal split used");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shares_are_read_and_bad_entries_named() {
        let got = parse(&json!({"control": 52, "b": 48})).expect("valid");
        assert_eq!(
            got,
            vec![("b".to_owned(), 48.0), ("control".to_owned(), 52.0)]
        );
        assert_eq!(stored(r#"{"control": 52, "b": 48}"#), Some(got));
        assert_eq!(stored(""), None);
        for (body, field) in [
            (json!([1]), "variant_split"),
            (json!({}), "variant_split"),
            (json!({"B": 1}), "variant_split.B"),
            (json!({"b": 0}), "variant_split.b"),
            (json!({"b": "1"}), "variant_split.b"),
        ] {
            match parse(&body) {
                Err(ApiError::BadRequest { parameter, .. }) => assert_eq!(parameter, field),
                other => panic!("{body}: {other:?}"),
            }
        }
    }
}
