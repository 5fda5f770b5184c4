//! Campaigns: reading them (a manager sees only its own) and creating or
//! replacing one from the contract's JSON body, checked field by field so
//! a `400` names the field at fault.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use cmp_kpi::{LabelKind, Lang, label_or_code, parse_plan};
use cmp_report::attribution::parse_windows;
use cmp_store::{Campaign, MeasurementSettings, Store};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::split;
use crate::caller::Caller;
use crate::error::ApiError;
use crate::params;
use crate::sources::Sources;

/// A campaign's name in both official languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Names {
    #[schema(example = "Apply for OAS online")]
    pub en: String,
    #[schema(example = "Demandez la SV en ligne")]
    pub fr: String,
}

/// The body of `PUT /api/v1/campaigns/{campaign_id}` (contract/API.md).
#[derive(Debug, Clone, ToSchema)]
pub struct CampaignBody {
    pub name: Names,
    /// The program whose uptake the campaign promotes (a slug, e.g. `oas`).
    #[schema(example = "oas")]
    pub program: String,
    pub start_date: NaiveDate,
    /// Inclusive.
    pub end_date: NaiveDate,
    #[schema(example = 250000000)]
    pub budget_cents: u64,
    /// v1.1: days per action replacing the contract's attribution windows
    /// for exposures to this campaign (docs/attribution.md), e.g.
    /// `{"click": 7, "impression": 0}`; absent: the defaults.
    #[schema(value_type = Option<BTreeMap<String, u64>>)]
    pub attribution_windows: Option<BTreeMap<String, u64>>,
    /// v1.1: the planned relative share of each message variant, which the
    /// message test's split check tests against, e.g.
    /// `{"control": 1, "plain-language-b": 1}`; absent: an equal split.
    #[schema(value_type = Option<BTreeMap<String, f64>>)]
    pub variant_split: Option<BTreeMap<String, f64>>,
    /// Optional planned spend per week (each week's cents evenly over its 7
    /// days); without it the budget is planned evenly over the flight.
    pub flight_plan: Option<Vec<PlanWeekView>>,
    /// The organisation that owns the campaign (default `esdc`).
    #[schema(example = "esdc")]
    pub owner: Option<String>,
}

/// One week of a flight plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PlanWeekView {
    /// The week's first day.
    pub week: NaiveDate,
    #[schema(example = 1500000)]
    pub cents: u64,
}

/// A campaign `PUT` body, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignPut {
    pub campaign: Campaign,
    /// `attribution_windows` and `variant_split` as given (checked), `""`
    /// when absent.
    pub settings: MeasurementSettings,
}

/// A campaign as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CampaignView {
    pub id: String,
    pub name: Names,
    /// The name in the requested language.
    pub display_name: String,
    pub program: String,
    pub program_label: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub budget_cents: u64,
    /// The weekly flight plan, absent when the budget is planned evenly.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flight_plan: Option<Vec<PlanWeekView>>,
    /// The organisation that owns it.
    #[schema(example = "esdc")]
    pub owner: String,
}

/// The organisation that owns a campaign whose body names none.
pub const DEFAULT_OWNER: &str = "esdc";

/// Longest campaign name, in characters.
const MAX_NAME_CHARS: usize = 200;

impl CampaignView {
    pub fn of(c: &Campaign, lang: Lang) -> CampaignView {
        CampaignView {
            id: c.id.clone(),
            name: Names {
                en: c.name_en.clone(),
                fr: c.name_fr.clone(),
            },
            display_name: super::kpis::campaign_name(c, lang).to_owned(),
            program: c.program.clone(),
            program_label: label_or_code(LabelKind::Program, &c.program, lang).into_owned(),
            start_date: c.start_date,
            end_date: c.end_date,
            budget_cents: c.budget_cents,
            owner: c.owner.clone(),
            flight_plan: (!c.flight_plan.is_empty()).then(|| {
                cmp_report::plan_weeks(c)
                    .iter()
                    .map(|w| PlanWeekView {
                        week: w.week,
                        cents: w.cents,
                    })
                    .collect()
            }),
        }
    }
}

/// The campaigns the caller may read, by id.
pub async fn list(sources: &Sources, caller: &Caller) -> Result<Vec<Campaign>, ApiError> {
    Ok(sources
        .memo
        .campaigns(&sources.store)
        .await?
        .iter()
        .filter(|c| caller.0.can_read(&c.id) && caller.0.covers_owner(&c.owner))
        .cloned()
        .collect())
}

/// One campaign the caller may read: `403` before `404`, so a manager
/// learns nothing of campaigns that are not its own; then `403` if
/// another organisation owns it.
pub async fn find(sources: &Sources, caller: &Caller, id: &str) -> Result<Campaign, ApiError> {
    caller.read(id)?;
    let c = sources
        .memo
        .campaign(&sources.store, id)
        .await?
        .ok_or_else(|| ApiError::no_campaign(id))?;
    caller.owns(&c)?;
    Ok(c)
}

/// One campaign the caller may change (its targets, its experiments):
/// `403` before `404`, then `403` if another organisation owns it.
pub async fn find_for_write(
    store: &Store,
    caller: &Caller,
    id: &str,
) -> Result<Campaign, ApiError> {
    caller.write(id)?;
    let c = cmp_store::campaign(store, id)
        .await?
        .ok_or_else(|| ApiError::no_campaign(id))?;
    caller.owns(&c)?;
    Ok(c)
}

/// Creates or replaces a campaign; `true` when it is new.
pub async fn put(
    store: &Store,
    caller: &Caller,
    id: &str,
    body: &[u8],
) -> Result<(bool, Campaign), ApiError> {
    caller.write(id)?;
    let CampaignPut { campaign, settings } = parse_body(id, body)?;
    let before = cmp_store::campaign(store, id).await?;
    // The organisation owns the version before and the version after.
    if let Some(old) = &before {
        caller.owns(old)?;
    }
    caller.owns(&campaign)?;
    let created = before.is_none();
    cmp_store::put_campaign(store, &campaign, &caller.0.name).await?;
    cmp_store::put_measurement_settings(store, &settings, &caller.0.name).await?;
    caller.audit(
        if created {
            "create_campaign"
        } else {
            "replace_campaign"
        },
        id,
    );
    Ok((created, campaign))
}

/// The campaign a `PUT` body describes; a `400` names the first bad field.
pub fn parse_body(id: &str, body: &[u8]) -> Result<CampaignPut, ApiError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad("body", format!("is not valid JSON: {e}")))?;
    let Value::Object(mut fields) = value else {
        return Err(ApiError::bad("body", "must be a JSON object"));
    };
    let name = take(&mut fields, "name")?;
    let Value::Object(mut names) = name else {
        return Err(ApiError::bad(
            "name",
            "must be an object {\"en\": …, \"fr\": …}",
        ));
    };
    let name_en = text(&mut names, "en", "name.en")?;
    let name_fr = text(&mut names, "fr", "name.fr")?;
    if let Some(extra) = names.keys().next() {
        return Err(ApiError::bad(
            format!("name.{extra}"),
            "is not a field of name (en and fr)",
        ));
    }
    let program = string(&mut fields, "program")?;
    if !cmp_model::rules::is_slug(&program) {
        return Err(ApiError::bad(
            "program",
            "must be a slug: 1-64 characters of a-z 0-9 _ -, starting with a letter or digit",
        ));
    }
    let start_date = params::date("start_date", &string(&mut fields, "start_date")?)?;
    let end_date = params::date("end_date", &string(&mut fields, "end_date")?)?;
    if end_date < start_date {
        return Err(ApiError::bad(
            "end_date",
            format!("{end_date} is before start_date {start_date}"),
        ));
    }
    let budget_cents = take(&mut fields, "budget_cents")?.as_u64().ok_or_else(|| {
        ApiError::bad("budget_cents", "must be a whole number of cents, 0 or more")
    })?;
    let owner = match fields.remove("owner") {
        None | Some(Value::Null) => DEFAULT_OWNER.to_owned(),
        Some(Value::String(o)) if cmp_model::rules::is_slug(&o) => o,
        Some(_) => {
            return Err(ApiError::bad(
                "owner",
                "must be an organisation's slug such as `ircc` (default `esdc`)",
            ));
        }
    };
    let attribution_windows = match fields.remove("attribution_windows") {
        None => String::new(),
        Some(v) => {
            parse_windows(&v).map_err(|e| ApiError::bad(e.field, e.reason))?;
            v.to_string()
        }
    };
    let variant_split = match fields.remove("variant_split") {
        None => String::new(),
        Some(v) => {
            split::parse(&v)?;
            v.to_string()
        }
    };
    let flight_plan = match fields.remove("flight_plan") {
        None | Some(Value::Null) => String::new(),
        Some(v) => {
            let weeks = parse_plan(&v).map_err(|e| ApiError::bad("flight_plan", e))?;
            let weeks: Vec<Value> = weeks
                .iter()
                .map(|w| serde_json::json!({"week": w.week, "cents": w.cents}))
                .collect();
            Value::Array(weeks).to_string()
        }
    };
    if let Some(extra) = fields.keys().next() {
        return Err(ApiError::bad(
            extra.clone(),
            "is not a campaign field (name, program, start_date, end_date, budget_cents, flight_plan, owner, attribution_windows, variant_split)",
        ));
    }
    Ok(CampaignPut {
        campaign: Campaign {
            id: id.to_owned(),
            name_en,
            name_fr,
            program,
            start_date,
            end_date,
            budget_cents,
            flight_plan,
            owner,
        },
        settings: MeasurementSettings {
            campaign_id: id.to_owned(),
            attribution_windows,
            variant_split,
        },
    })
}

fn take(fields: &mut Map<String, Value>, name: &str) -> Result<Value, ApiError> {
    fields
        .remove(name)
        .ok_or_else(|| ApiError::bad(name, "is required"))
}

fn string(fields: &mut Map<String, Value>, name: &str) -> Result<String, ApiError> {
    match take(fields, name)? {
        Value::String(s) => Ok(s),
        _ => Err(ApiError::bad(name, "must be a string")),
    }
}

/// A name: 1–200 characters, not blank, no control characters but line
/// breaks and tabs (names are shown as they were given; CSV quotes them).
fn text(fields: &mut Map<String, Value>, key: &str, shown: &str) -> Result<String, ApiError> {
    let Some(Value::String(s)) = fields.remove(key) else {
        return Err(ApiError::bad(shown, "is required and must be a string"));
    };
    let chars = s.chars().count();
    let control = |c: char| c.is_control() && !matches!(c, '\n' | '\r' | '\t');
    if s.trim().is_empty() || chars > MAX_NAME_CHARS || s.chars().any(control) {
        return Err(ApiError::bad(
            shown,
            format!(
                "must be 1-{MAX_NAME_CHARS} characters, not blank, without control characters other than line breaks and tabs"
            ),
        ));
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"name": {"en": "Apply for OAS online", "fr": "Demandez la SV en ligne"},
 "program": "oas", "start_date": "2026-10-01", "end_date": "2027-03-31",
 "budget_cents": 250000000}"#;

    #[test]
    fn the_contract_example_parses() {
        let CampaignPut {
            campaign: c,
            settings,
        } = parse_body("oas-online-2026", GOOD.as_bytes()).expect("valid");
        assert_eq!(settings.attribution_windows, "");
        assert_eq!(settings.variant_split, "");
        assert_eq!(c.name_fr, "Demandez la SV en ligne");
        assert_eq!(c.budget_cents, 250_000_000);
        assert_eq!(
            c.end_date,
            NaiveDate::from_ymd_opt(2027, 3, 31).expect("date")
        );
        assert_eq!(c.flight_plan, "");
        assert_eq!(c.owner, "esdc");
        let v = CampaignView::of(&c, Lang::Fr);
        assert_eq!(
            (v.display_name.as_str(), v.program_label.as_str()),
            ("Demandez la SV en ligne", "Sécurité de la vieillesse")
        );
    }

    #[test]
    fn a_flight_plan_is_stored_sorted_and_shown() {
        let body = GOOD.replacen(
            r#""budget_cents": 250000000"#,
            r#""budget_cents": 250000000, "flight_plan": [{"week": "2026-10-12", "cents": 7}, {"week": "2026-10-05", "cents": 1500000}]"#,
            1,
        );
        let c = parse_body("c", body.as_bytes()).expect("valid").campaign;
        assert_eq!(
            c.flight_plan,
            r#"[{"cents":1500000,"week":"2026-10-05"},{"cents":7,"week":"2026-10-12"}]"#
        );
        let shown = CampaignView::of(&c, Lang::En).flight_plan.expect("a plan");
        assert_eq!((shown[0].cents, shown[1].cents), (1_500_000, 7));
    }

    #[test]
    fn every_bad_field_is_named() {
        #[rustfmt::skip]
        let table: &[(&str, &str, &str)] = &[
            ("{", "", "body"),
            ("[]", "", "body"),
            (r#""program": "oas","#, r#""program": "OAS","#, "program"),
            (r#""program": "oas","#, r#""program": 5,"#, "program"),
            (r#""program": "oas","#, "", "program"),
            (r#""start_date": "2026-10-01""#, r#""start_date": "2026-10-32""#, "start_date"),
            (r#""start_date": "2026-10-01""#, r#""start_date": "1 Oct 2026""#, "start_date"),
            (r#""end_date": "2027-03-31""#, r#""end_date": "2026-09-30""#, "end_date"),
            (r#""budget_cents": 250000000"#, r#""budget_cents": -1"#, "budget_cents"),
            (r#""budget_cents": 250000000"#, r#""budget_cents": 2.5"#, "budget_cents"),
            (r#""budget_cents": 250000000"#, r#""budget_cents": "1""#, "budget_cents"),
            (r#""budget_cents": 250000000"#, r#""budget_cents": 1, "owner": "Me""#, "owner"),
            (r#""budget_cents": 250000000"#, r#""budget_cents": 1, "owner": 5"#, "owner"),
            (r#""budget_cents": 250000000"#, r#""budget_cents": 1, "sponsor": "x""#, "sponsor"),
            (r#""budget_cents": 250000000"#, r#""budget_cents": 1, "attribution_windows": {"tap": 1}"#, "attribution_windows.tap"),
            (r#""budget_cents": 250000000"#, r#""budget_cents": 1, "variant_split": {"b": -1}"#, "variant_split.b"),
            (r#""budget_cents": 250000000"#, r#""budget_cents": 1, "flight_plan": {}"#, "flight_plan"),
            (r#""budget_cents": 250000000"#, r#""budget_cents": 1, "flight_plan": [{"week": "2026-10-05", "cents": -5}]"#, "flight_plan"),
            (r#""en": "Apply for OAS online""#, r#""en": "  ""#, "name.en"),
            (r#""fr": "Demandez la SV en ligne""#, r#""fr": "a\u0007b""#, "name.fr"),
            (r#""fr": "Demandez la SV en ligne""#, r#""de": "x""#, "name.fr"),
            (r#""fr": "Demandez la SV en ligne""#, r#""fr": "x", "de": "x""#, "name.de"),
            (r#"{"en": "Apply for OAS online", "fr": "Demandez la SV en ligne"}"#, r#""OAS""#, "name"),
        ];
        for (from, to, field) in table {
            let body = if to.is_empty() && !from.starts_with('"') {
                (*from).to_owned()
            } else {
                GOOD.replacen(from, to, 1)
            };
            match parse_body("c", body.as_bytes()) {
                Err(ApiError::BadRequest { parameter, .. }) => {
                    assert_eq!(parameter, *field, "{body}")
                }
                other => panic!("{body}: {other:?}"),
            }
        }
    }
}
