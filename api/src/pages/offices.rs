//! `GET /dashboard/offices`: the registered offices ranked by their signage
//! impressions over the last 28 days (impressions are not client counts, so
//! the ranking is the same for every viewer), with each office's in-person
//! completed uptake as the viewer may see it; and `GET
//! /dashboard/offices/{office_id}`: one office's performance (the JSON
//! route's view: impressions by campaign, in-person uptake by program and
//! stage, the catchment's online share), `from`/`to` as the route takes
//! them.

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use cmp_kpi::Lang;
use futures_util::{StreamExt, TryStreamExt, stream};
use maud::{Markup, html};

use super::error::PageError;
use super::layout::{Nav, page};
use super::table::framed;
use super::words::{fill, t, word};
use super::{Ctx, Viewer, format, respond, url};
use crate::error::ApiError;
use crate::routes::offices::OfficeId;
use crate::state::AppState;
use crate::views::office_performance::{CountView, OfficePerformanceView, performance};
use crate::views::offices::list;

/// These pages' routes, as the router and the OpenAPI document name them.
pub const ROUTES: [&str; 2] = ["/dashboard/offices", "/dashboard/offices/{office_id}"];

/// Offices whose performance is read at once.
const CONCURRENCY: usize = 4;

/// The pages' routes (merged into the dashboard's).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(ROUTES[0], get(ranking))
        .route(ROUTES[1], get(one))
}

/// The offices page.
#[utoipa::path(get, path = "/dashboard/offices", tag = "dashboard",
    params(("lang" = Option<String>, Query, description = "en (default) or fr")),
    responses((status = 200, description = "The offices, ranked", body = String, content_type = "text/html"),
        (status = 303, description = "Not signed in: to the sign-in page")),
    security(("bearer" = []), ("session" = [])))]
pub async fn ranking(
    Viewer(caller): Viewer,
    State(state): State<AppState>,
    uri: Uri,
) -> Result<Response, PageError> {
    let ctx = Ctx::new(caller, &state, uri, &[])?;
    let rows = Box::pin(read_all(&state, &ctx))
        .await
        .map_err(|e| ctx.fail(e))?;
    let title = t("offices", ctx.lang);
    Ok(respond(
        StatusCode::OK,
        page(
            &ctx.shell(title, Nav::Offices),
            ranking_body(&rows, ctx.lang),
        ),
    ))
}

async fn read_all(state: &AppState, ctx: &Ctx) -> Result<Vec<OfficePerformanceView>, ApiError> {
    let offices = list(&state.sources.store, ctx.lang).await?;
    let (caller, lang) = (&ctx.caller, ctx.lang);
    let mut rows: Vec<OfficePerformanceView> = stream::iter(offices.offices)
        .map(|o| async move {
            performance(&state.sources, caller, &o.office_id, None, None, lang).await
        })
        .buffer_unordered(CONCURRENCY)
        .try_collect()
        .await?;
    rows.sort_by(|a, b| {
        b.impressions_total
            .cmp(&a.impressions_total)
            .then_with(|| a.office.office_id.cmp(&b.office.office_id))
    });
    Ok(rows)
}

/// A client count as a cell reads.
fn count(c: &CountView, lang: Lang) -> String {
    match c.value {
        Some(v) => format::count(v as f64, lang),
        None => word("suppressed", lang).to_owned(),
    }
}

/// The office's in-person completed uptake: the sum of its programs'
/// shown counts, or "suppressed" when one of them is hidden.
fn completed_in_person(p: &OfficePerformanceView, lang: Lang) -> String {
    let cells: Vec<&CountView> = p
        .in_person
        .iter()
        .flat_map(|r| r.stages.iter().filter(|s| s.stage == "completed"))
        .map(|s| &s.count)
        .collect();
    let sum: Option<u64> = cells.iter().map(|c| c.value).sum();
    count(
        &CountView {
            value: sum,
            suppressed: sum.is_none(),
        },
        lang,
    )
}

fn link(id: &str, lang: Lang) -> String {
    url::with_lang(&format!("/dashboard/offices/{id}"), lang)
}

/// The ranking's body.
pub fn ranking_body(rows: &[OfficePerformanceView], lang: Lang) -> Markup {
    let Some(first) = rows.first() else {
        return html! { p { (t("no_offices", lang)) } };
    };
    let (from, to) = (first.from.to_string(), first.to.to_string());
    framed(
        "offices-caption",
        html! {
            table {
                caption #offices-caption { (fill("offices_caption", lang, &[&from, &to])) }
                thead {
                    tr {
                        th scope="col" { (t("office", lang)) }
                        th scope="col" { (t("office_region", lang)) }
                        th scope="col" .num { (t("signage_impressions", lang)) }
                        th scope="col" .num { (t("in_person_completed", lang)) }
                    }
                }
                tbody {
                    @for p in rows {
                        tr {
                            th scope="row" { a href=(link(&p.office.office_id, lang)) { (p.office.label) } }
                            td { (p.office.region_label) }
                            td.num { (format::count(p.impressions_total as f64, lang)) }
                            td.num { (completed_in_person(p, lang)) }
                        }
                    }
                }
            }
        },
    )
}

/// One office's page.
#[utoipa::path(get, path = "/dashboard/offices/{office_id}", tag = "dashboard",
    params(("office_id" = String, Path, description = "The office's code, e.g. ON-0001 (any case)"),
        ("from" = Option<String>, Query, description = "First day; default 27 days before `to`"),
        ("to" = Option<String>, Query, description = "Last day, inclusive; default today"),
        ("lang" = Option<String>, Query, description = "en (default) or fr")),
    responses((status = 200, description = "The office's page", body = String, content_type = "text/html"),
        (status = 303, description = "Not signed in: to the sign-in page"),
        (status = 400, description = "A bad parameter", body = String, content_type = "text/html"),
        (status = 404, description = "No such office", body = String, content_type = "text/html")),
    security(("bearer" = []), ("session" = [])))]
pub async fn one(
    Viewer(caller): Viewer,
    State(state): State<AppState>,
    uri: Uri,
    office: Result<OfficeId, ApiError>,
) -> Result<Response, PageError> {
    let ctx = Ctx::new(caller, &state, uri, &["from", "to"])?;
    let OfficeId(id) = office.map_err(|e| ctx.fail(e))?;
    let read = async {
        let (from, to) = (ctx.params.date("from")?, ctx.params.date("to")?);
        performance(&state.sources, &ctx.caller, &id, from, to, ctx.lang).await
    };
    let p = Box::pin(read).await.map_err(|e| ctx.fail(e))?;
    let title = p.office.label.clone();
    Ok(respond(
        StatusCode::OK,
        page(&ctx.shell(&title, Nav::Offices), office_body(&p, ctx.lang)),
    ))
}

/// One office's body.
pub fn office_body(p: &OfficePerformanceView, lang: Lang) -> Markup {
    let (from, to) = (p.from.to_string(), p.to.to_string());
    let period: [&str; 2] = [&from, &to];
    html! {
        dl {
            dt { (t("office_region", lang)) } dd { (p.office.region_label) }
            dt { (t("catchment_fsas", lang)) } dd { (p.office.office.fsas.join(", ")) }
        }
        (framed("impressions-caption", html! {
            table {
                caption #impressions-caption { (fill("office_impressions_caption", lang, &period)) }
                thead { tr {
                    th scope="col" { (word("campaign", lang)) }
                    th scope="col" .num { (t("signage_impressions", lang)) }
                } }
                tbody {
                    @for r in &p.impressions {
                        tr { th scope="row" { (r.campaign_label) } td.num { (format::count(r.impressions as f64, lang)) } }
                    }
                    @if p.impressions.is_empty() {
                        tr { td colspan="2" { (t("nothing_in_range", lang)) } }
                    }
                }
            }
        }))
        (framed("in-person-caption", html! {
            table {
                caption #in-person-caption { (fill("office_in_person_caption", lang, &period)) }
                thead { tr {
                    th scope="col" { (t("program", lang)) }
                    @if let Some(r) = p.in_person.first() {
                        @for s in &r.stages { th scope="col" .num { (s.stage_label) } }
                    }
                } }
                tbody {
                    @for r in &p.in_person {
                        tr {
                            th scope="row" { (r.program_label) }
                            @for s in &r.stages { td.num { (count(&s.count, lang)) } }
                        }
                    }
                    @if p.in_person.is_empty() {
                        tr { td { (t("nothing_in_range", lang)) } }
                    }
                }
            }
        }))
        (framed("share-caption", html! {
            table {
                caption #share-caption { (fill("office_share_caption", lang, &period)) }
                thead { tr {
                    th scope="col" { (t("program", lang)) }
                    th scope="col" .num { (t("completed_all_channels", lang)) }
                    th scope="col" .num { (t("completed_online", lang)) }
                    th scope="col" .num { (t("online_share_completed", lang)) }
                } }
                tbody {
                    @for r in &p.program_online_share {
                        tr {
                            th scope="row" { (r.program_label) }
                            td.num { (count(&r.completed, lang)) }
                            td.num { (count(&r.completed_online, lang)) }
                            td.num {
                                @if r.suppressed { (word("suppressed", lang)) }
                                @else { (format::percent_or_na(r.program_online_share, lang)) }
                            }
                        }
                    }
                    @if p.program_online_share.is_empty() {
                        tr { td colspan="4" { (t("nothing_in_range", lang)) } }
                    }
                }
            }
        }))
    }
}
