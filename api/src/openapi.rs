//! The OpenAPI 3 document of every route, generated from the handlers'
//! annotations and the views' types (utoipa), served at
//! `GET /api/v1/openapi.json` (any valid token).

use axum::Json;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::caller::Caller;
use crate::error::{ErrorBody, ErrorDetail};
use crate::routes;
use crate::views::campaign::{CampaignBody, CampaignView, Names};
use crate::views::history::{HistoryPoint, HistoryView, TargetTrend};
use crate::views::kpis::{KpiValues, TargetResult};
use crate::views::live::LiveView;
use crate::views::performance::{GroupView, PerformanceView, PointView};
use crate::views::portfolio::{PortfolioRow, PortfolioView};
use crate::views::targets::{TargetBody, TargetDef, TargetHistoryView, TargetSetView};

/// The document.
#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "Campaign measurement API",
        description = "Campaigns, targets, performance against targets, the fiscal-year portfolio and live updates (contract/API.md). Every /api/ route needs `Authorization: Bearer <token>`; `lang=en|fr` picks the language of labels; errors are `{\"error\": {\"code\", \"message\"}}` and a 400 names the parameter."
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
    ),
    components(schemas(
        ErrorBody, ErrorDetail, Names, CampaignBody, CampaignView, TargetBody, TargetDef,
        TargetSetView, TargetHistoryView, KpiValues, TargetResult, GroupView, PointView,
        PerformanceView, PortfolioRow, PortfolioView, HistoryPoint, TargetTrend, HistoryView,
        LiveView,
    )),
    modifiers(&Bearer),
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
    }
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "operations",
    responses((status = 200, description = "The OpenAPI document", body = Object),
        (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn document(_caller: Caller) -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
