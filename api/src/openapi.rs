//! The OpenAPI 3 document of every route, generated from the handlers'
//! annotations and the views' types (utoipa), served at
//! `GET /api/v1/openapi.json` (any valid token).

use axum::Json;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::caller::Caller;
use crate::error::{ErrorBody, ErrorDetail};
use crate::views::campaign::{CampaignBody, CampaignView, Names};
use crate::views::history::{HistoryPoint, HistoryView, TargetTrend};
use crate::views::kpis::{KpiValues, TargetResult};
use crate::views::live::LiveView;
use crate::views::performance::{GroupView, PerformanceView, PointView};
use crate::views::portfolio::{PortfolioRow, PortfolioView};
use crate::views::targets::{
    TargetBody, TargetDef, TargetHistoryView, TargetSetView, TargetsReply,
};
use crate::{pages, routes};

/// The document.
#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "Campaign measurement API",
        description = "Campaigns, targets, performance against targets, the fiscal-year portfolio and live updates (contract/API.md), and the dashboard's HTML pages (tag dashboard). Every /api/ route needs `Authorization: Bearer <token>`; `lang=en|fr` picks the language of labels; errors are `{\"error\": {\"code\", \"message\"}}` and a 400 names the parameter."
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
        pages::home,
        pages::list::get,
        pages::campaign::get,
        pages::portfolio::get,
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
        LiveView, TargetsReply, pages::sign_in::SignIn,
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
        // The dashboard's sign-in cookie: the same token, GET and HEAD only.
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::session::COOKIE_NAME,
            ))),
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
