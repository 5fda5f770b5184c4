//! The OpenAPI 3 document of every route, generated from the handlers'
//! annotations and the views' types (utoipa), served at
//! `GET /api/v1/openapi.json` (any valid token).

use axum::Json;
use cmp_kpi::{Dimension, Lang};
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{Modify, OpenApi};

use crate::caller::Caller;
use crate::error::{ErrorBody, ErrorDetail};
use crate::views::anomalies::{AnomaliesView, AnomalyView, DriverView};
use crate::views::attribution::{AttributionView, By, CreditGroup, StageAttribution};
use crate::views::campaign::{CampaignBody, CampaignView, Names, PlanWeekView};
use crate::views::costs::{CostBody, CostView, CostsHistoryView, CostsReply, CostsView};
use crate::views::experiment_body::{Definition, ExperimentBody, ExperimentKpi, Unit};
use crate::views::experiment_result::{Bounds, DetectableEffect, ResultView, UnitView};
use crate::views::experiments::{
    ExperimentHistoryView, ExperimentListView, ExperimentReply, ExperimentView, VersionView,
};
use crate::views::history::{HistoryPoint, HistoryView, TargetTrend};
use crate::views::inventory::{InventoryRow, InventoryView};
use crate::views::kpis::{KpiValues, TargetResult};
use crate::views::live::LiveView;
use crate::views::office_body::{OfficeBody, OfficeName};
use crate::views::office_performance::{
    CampaignImpressionsView, CountView, InPersonView, OfficePerformanceView, OnlineShareView,
    StageView,
};
use crate::views::offices::{OfficeHistoryView, OfficeReply, OfficeView, OfficesView};
use crate::views::pacing::{PacingDay, PacingView};
use crate::views::performance::{GroupView, PerformanceView, PointView};
use crate::views::portfolio::{CampaignIncrement, CampaignPacing, PortfolioRow, PortfolioView};
use crate::views::shift::{ChannelShiftView, ChannelView, MixView};
use crate::views::targets::{
    TargetBody, TargetDef, TargetHistoryView, TargetSetView, TargetsReply,
};
use crate::views::variants::{
    LiftInterval, SequenceInfo, SplitCheck, StratumView, VariantView, VariantsView,
};
use crate::{pages, routes};

/// The document.
#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "Campaign measurement API",
        description = "Campaigns, targets, performance against targets, the fiscal-year portfolio, live updates, programs' channel shift and unit costs of service, the Service Inventory export, campaigns' budget pacing and anomalies, offices (contract/API.md), and the dashboard's HTML pages (tag dashboard). Every /api/ route needs `Authorization: Bearer <token>`; `lang=en|fr` picks the language of labels; errors are `{\"error\": {\"code\", \"message\"}}` and a 400 names the parameter. Client counts (`reach`, `uptake_*`, `program_uptake_completed`) are exact for admins only: for every other role a count between 1 and k−1 is `null` with `\"suppressed\": true`, and every other one is randomly rounded to a multiple of the response's `rounded` (docs/privacy.md); ratios and target figures are computed from the published counts and hidden with them."
    ),
    paths(
        routes::ops::healthz,
        routes::ops::readyz,
        document,
        routes::campaigns::list,
        routes::campaigns::get,
        routes::campaigns::put,
        routes::targets::get,
        routes::targets::put,
        routes::performance::get,
        routes::history::get,
        routes::live::get,
        routes::portfolio::get,
        routes::programs::get_costs,
        routes::programs::put_costs,
        routes::programs::channel_shift,
        routes::programs::service_inventory,
        routes::experiments::list,
        routes::experiments::get,
        routes::experiments::put,
        routes::attribution::get_attribution,
        routes::attribution::get_variants,
        routes::pacing::get,
        routes::anomalies::get,
        routes::offices::list,
        routes::offices::get_office,
        routes::offices::put_office,
        routes::offices::performance,
        pages::home,
        pages::list::get,
        pages::campaign::get,
        pages::portfolio::get,
        pages::offices::ranking,
        pages::offices::one,
        pages::sign_in::form,
        pages::sign_in::submit,
        pages::sign_in::sign_out,
        pages::assets::css,
        pages::assets::js,
    ),
    components(schemas(
        ErrorBody, ErrorDetail, Names, CampaignBody, CampaignView, TargetBody, TargetDef,
        TargetSetView, TargetHistoryView, KpiValues, TargetResult, GroupView, PointView,
        PerformanceView, PortfolioRow, PortfolioView, HistoryPoint, TargetTrend, HistoryView,
        LiveView, TargetsReply, pages::sign_in::SignIn, CostBody, CostView, CostsView,
        CostsHistoryView, CostsReply, ChannelView, MixView, ChannelShiftView, InventoryRow,
        InventoryView,
        LiveView, TargetsReply, pages::sign_in::SignIn, ExperimentBody, ExperimentView,
        ExperimentListView, Definition, Unit, ExperimentKpi, ResultView, Bounds, DetectableEffect,
        UnitView, ExperimentHistoryView, ExperimentReply, VersionView, AttributionView,
        StageAttribution, CreditGroup, VariantsView, StratumView, VariantView, LiftInterval,
        SplitCheck, SequenceInfo, PlanWeekView, PacingView, PacingDay, CampaignPacing,
        CampaignIncrement,
        AnomaliesView, AnomalyView, DriverView, OfficeName, OfficeBody, OfficeView, OfficesView,
        OfficeHistoryView, OfficeReply, OfficePerformanceView, CampaignImpressionsView, CountView,
        StageView, InPersonView, OnlineShareView,
    )),
    modifiers(&Bearer, &ValueRules),
)]
pub struct ApiDoc;

#[derive(Debug)]
struct Bearer;

impl Modify for Bearer {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
        // The dashboard's sign-in cookie: the same token, GET and HEAD only.
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::session::COOKIE_NAME,
            ))),
        );
    }
}

/// The values each text parameter accepts (as `params.rs` parses them), on
/// every operation that takes it, so that a client or a property-based
/// tester learns them from the document instead of the descriptions.
#[derive(Debug)]
struct ValueRules;

impl Modify for ValueRules {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        for (path, item) in doc.paths.paths.iter_mut() {
            let operations = [&mut item.get, &mut item.put, &mut item.post];
            for op in operations.into_iter().flatten() {
                for param in op.parameters.iter_mut().flatten() {
                    if let RefOr::T(param) = param
                        && let Some(rule) = value_rule(path, &param.name)
                    {
                        param.schema = Some(RefOr::T(rule));
                    }
                }
            }
        }
    }
}

/// The schema of a text parameter's values on `path`, for those with a rule.
fn value_rule(path: &str, name: &str) -> Option<Schema> {
    let text = ObjectBuilder::new().schema_type(Type::String);
    let attribution = path == routes::attribution::ROUTES[0];
    let rule = match name {
        "by" if attribution => text.enum_values(Some(By::ALL.map(By::as_str))),
        "model" => text.enum_values(Some(["last_touch", "linear"])),
        "metric" => text.enum_values(Some(["conversion"])),
        "lang" => text.enum_values(Some(Lang::ALL.map(Lang::as_str))),
        "granularity" => text.enum_values(Some(["hour", "day", "week"])),
        "format" => text.enum_values(Some(["json", "csv"])),
        "from" | "to" | "baseline_from" | "baseline_to" => {
            text.format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        }
        "by" => {
            let one = Dimension::ALL.map(Dimension::as_str).join("|");
            text.pattern(Some(format!("^({one})(,({one}))*$")))
        }
        "fiscal_year" => text.pattern(Some("^[0-9]{4}(-[0-9]{2})?$")),
        "office_id" => text
            .pattern(Some("^[A-Za-z0-9-]+$"))
            .max_length(Some(cmp_model::rules::MAX_OFFICE_ID_LEN)),
        "campaign_id" | "program" | "experiment_id" | "control" => text
            .pattern(Some("^[a-z0-9][a-z0-9_-]*$"))
            .max_length(Some(cmp_model::rules::MAX_ID_LEN)),
        _ => return None,
    };
    Some(Schema::Object(rule.build()))
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "operations",
    responses((status = 200, description = "The OpenAPI document", body = Object),
        (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn document(_caller: Caller) -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::Params;

    /// Each value the document lists is one `params.rs` accepts.
    #[test]
    fn listed_values_are_accepted() {
        for name in ["lang", "granularity", "format"] {
            let Some(Schema::Object(rule)) = value_rule("/x", name) else {
                panic!("{name} has no rule")
            };
            let values = rule.enum_values.expect("listed values");
            assert!(!values.is_empty(), "{name}");
            for v in values {
                let uri = format!("/x?{name}={}", v.as_str().expect("text"));
                let p = Params::parse(&uri.parse().expect("uri"), &[name]).expect("parse");
                let ok = match name {
                    "lang" => p.lang().is_ok(),
                    "granularity" => p.granularity().is_ok(),
                    _ => p.format().is_ok(),
                };
                assert!(ok, "{uri}");
            }
        }
    }

    /// The operations' text parameters carry their rule: the performance
    /// route's `by` is a pattern of the contract's dimensions.
    #[test]
    fn the_document_carries_the_rules() {
        let doc = serde_json::to_value(ApiDoc::openapi()).expect("json");
        let params =
            &doc["paths"]["/api/v1/campaigns/{campaign_id}/performance"]["get"]["parameters"];
        let by = params
            .as_array()
            .expect("parameters")
            .iter()
            .find(|p| p["name"] == "by")
            .expect("by");
        let pattern = by["schema"]["pattern"].as_str().expect("pattern");
        assert!(pattern.contains("service_channel"), "{pattern}");
        let from = params
            .as_array()
            .expect("parameters")
            .iter()
            .find(|p| p["name"] == "from");
        assert_eq!(from.expect("from")["schema"]["format"], "date");
    }
}
