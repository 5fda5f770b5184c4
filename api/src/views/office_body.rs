//! The body of `PUT /api/v1/offices/{office_id}` (contract/API.md v1.1,
//! "Offices"), checked field by field: a `400` names the first bad field
//! (`name.fr`, `region`, `fsas[2]`). Codes follow the events' rules
//! (contract/EVENTS.md v1.1): `office_id` 1–16 of `A-Z 0-9 -` in any case
//! and `fsa` letter-digit-letter in any case, both stored upper-case as
//! ingest stores them; `region` a province or territory code of the
//! model's `Region` (case-insensitive, `XX` refused).

use cmp_model::Region;
use cmp_model::rules::{is_fsa_input, is_office_id_input, normalise_upper};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::error::ApiError;

/// Longest office name, in characters.
const MAX_NAME_CHARS: usize = 200;

/// Most FSAs in a catchment.
const MAX_FSAS: usize = 2000;

/// An office's EN/FR name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OfficeName {
    #[schema(example = "Ottawa Centre")]
    pub en: String,
    #[schema(example = "Ottawa-Centre")]
    pub fr: String,
}

/// An office's record, as sent and as stored (codes upper-case).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OfficeBody {
    pub name: OfficeName,
    /// A province or territory code, e.g. `ON`.
    #[schema(example = "ON")]
    pub region: String,
    /// The catchment: forward sortation areas (letter, digit, letter).
    #[schema(example = json!(["K2P", "K1A"]))]
    pub fsas: Vec<String>,
}

/// The office id of a path, as stored (upper-case), or a `400`.
pub fn office_id(v: &str) -> Result<String, ApiError> {
    if is_office_id_input(v) {
        Ok(normalise_upper(v))
    } else {
        Err(ApiError::bad(
            "office_id",
            "must be 1-16 characters of A-Z 0-9 - (any case)",
        ))
    }
}

/// The checked, normalised record of a body.
pub fn parse(body: &[u8]) -> Result<OfficeBody, ApiError> {
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad("body", format!("is not JSON: {e}")))?;
    let Value::Object(o) = v else {
        return Err(ApiError::bad("body", "must be a JSON object"));
    };
    only(&o, &["name", "region", "fsas"], "")?;
    let Some(Value::Object(name)) = o.get("name") else {
        return Err(ApiError::bad("name", "must be an object {\"en\", \"fr\"}"));
    };
    only(name, &["en", "fr"], "name.")?;
    let name = OfficeName {
        en: text(name.get("en"), "name.en")?,
        fr: text(name.get("fr"), "name.fr")?,
    };
    let region = match o.get("region") {
        Some(Value::String(r)) => Region::parse_input(r)
            .map(|r| r.as_str().to_owned())
            .ok_or_else(|| ApiError::bad("region", "must be a province or territory code"))?,
        _ => {
            return Err(ApiError::bad(
                "region",
                "must be a province or territory code",
            ));
        }
    };
    let Some(Value::Array(list)) = o.get("fsas") else {
        return Err(ApiError::bad("fsas", "must be an array of FSAs"));
    };
    if list.is_empty() || list.len() > MAX_FSAS {
        return Err(ApiError::bad(
            "fsas",
            format!("must hold 1 to {MAX_FSAS} FSAs"),
        ));
    }
    let mut fsas: Vec<String> = Vec::with_capacity(list.len());
    for (i, f) in list.iter().enumerate() {
        let field = format!("fsas[{i}]");
        let fsa = match f {
            Value::String(s) if is_fsa_input(s) => normalise_upper(s),
            _ => {
                return Err(ApiError::bad(
                    field,
                    "must be an FSA: letter, digit, letter",
                ));
            }
        };
        if fsas.contains(&fsa) {
            return Err(ApiError::bad(field, format!("repeats {fsa}")));
        }
        fsas.push(fsa);
    }
    Ok(OfficeBody { name, region, fsas })
}

/// `400` naming the first field of `o` not in `allowed`.
fn only(o: &Map<String, Value>, allowed: &[&str], prefix: &str) -> Result<(), ApiError> {
    match o.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(ApiError::bad(format!("{prefix}{k}"), "is not a field")),
        None => Ok(()),
    }
}

fn text(v: Option<&Value>, field: &str) -> Result<String, ApiError> {
    match v {
        Some(Value::String(s)) if !s.trim().is_empty() && s.chars().count() <= MAX_NAME_CHARS => {
            Ok(s.clone())
        }
        _ => Err(ApiError::bad(
            field,
            format!("must be a text of 1 to {MAX_NAME_CHARS} characters"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(body: &str) -> String {
        match parse(body.as_bytes()) {
            Err(ApiError::BadRequest { parameter, .. }) => parameter,
            other => panic!("{body}: {other:?}"),
        }
    }

    #[test]
    fn a_good_body_is_normalised() {
        let b = parse(br#"{"name":{"en":"A","fr":"B"},"region":"on","fsas":["k2p","K1A"]}"#)
            .expect("good");
        assert_eq!(b.region, "ON");
        assert_eq!(b.fsas, ["K2P", "K1A"]);
        assert_eq!(office_id("on-0001").expect("id"), "ON-0001");
    }

    #[test]
    fn each_bad_field_is_named() {
        for (body, want) in [
            (r#"[]"#, "body"),
            (
                r#"{"name":{"en":"A","fr":"B"},"region":"ON","fsas":["K2P"],"x":1}"#,
                "x",
            ),
            (r#"{"region":"ON","fsas":["K2P"]}"#, "name"),
            (
                r#"{"name":{"en":"A"},"region":"ON","fsas":["K2P"]}"#,
                "name.fr",
            ),
            (
                r#"{"name":{"en":" ","fr":"B"},"region":"ON","fsas":["K2P"]}"#,
                "name.en",
            ),
            (
                r#"{"name":{"en":"A","fr":"B","de":"C"},"region":"ON","fsas":["K2P"]}"#,
                "name.de",
            ),
            (
                r#"{"name":{"en":"A","fr":"B"},"region":"XX","fsas":["K2P"]}"#,
                "region",
            ),
            (
                r#"{"name":{"en":"A","fr":"B"},"region":"ON","fsas":[]}"#,
                "fsas",
            ),
            (
                r#"{"name":{"en":"A","fr":"B"},"region":"ON","fsas":["K2P","K1A0B1"]}"#,
                "fsas[1]",
            ),
            (
                r#"{"name":{"en":"A","fr":"B"},"region":"ON","fsas":["K2P","k2p"]}"#,
                "fsas[1]",
            ),
        ] {
            assert_eq!(field(body), want, "{body}");
        }
        assert!(office_id("ON 1").is_err());
        assert!(office_id(&"A".repeat(17)).is_err());
    }
}
