//! `GET /dashboard/portfolio?fiscal_year=`: the ADM's view. Every target of
//! every campaign the viewer may see whose flight overlaps the fiscal year
//! (default: the current one), riskiest first, as the JSON and CSV
//! portfolio gives them; a count by status; each target's attainment
//! trend over the last 30 days; the CSV of the same rows; each
//! campaign's spending pace (`pacing.rs`); and the incremental result of
//! each campaign with a geographic experiment (`experiments.rs`).

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;
use cmp_kpi::{FiscalYear, Lang, Status};
use futures_util::{StreamExt, TryStreamExt, stream};
use maud::{Markup, html};

use super::error::PageError;
use super::layout::{Nav, page};
use super::table::{self, framed, status, trend, trend_points};
use super::words::{fill, t, word};
use super::{Ctx, Viewer, format, respond, url};
use crate::error::ApiError;
use crate::state::AppState;
use crate::views::history::{self, HistoryRequest, HistoryView};
use crate::views::portfolio::{PortfolioView, portfolio};

/// Days of recorded attainment the trends show.
const TREND_DAYS: i64 = 30;

/// Campaigns whose history is read at once.
const CONCURRENCY: usize = 4;

/// What the page shows.
#[derive(Debug)]
pub struct Data {
    pub fiscal_year: FiscalYear,
    pub view: PortfolioView,
    /// Each campaign's recorded attainment, by campaign id.
    pub history: BTreeMap<String, HistoryView>,
    /// The fiscal years the form offers.
    pub years: Vec<FiscalYear>,
    pub tz: Tz,
    pub today: NaiveDate,
}

/// The portfolio page.
#[utoipa::path(get, path = "/dashboard/portfolio", tag = "dashboard",
    params(("fiscal_year" = Option<String>, Query, description = "2026-27 or 2026; default the current fiscal year"),
        ("organisation" = Option<String>, Query, description = "only the campaigns this organisation owns"),
        ("lang" = Option<String>, Query, description = "en (default) or fr")),
    responses((status = 200, description = "The portfolio page", body = String, content_type = "text/html"),
        (status = 303, description = "Not signed in: to the sign-in page"),
        (status = 400, description = "A bad parameter", body = String, content_type = "text/html")),
    security(("bearer" = []), ("session" = [])))]
pub async fn get(
    Viewer(caller): Viewer,
    State(state): State<AppState>,
    uri: Uri,
) -> Result<Response, PageError> {
    let ctx = Ctx::new(caller, &state, uri, &["fiscal_year", "organisation"])?;
    // Boxed: the portfolio and the histories make a large future.
    let data = Box::pin(read(&state, &ctx))
        .await
        .map_err(|e| ctx.fail(e))?;
    let title = t("portfolio", ctx.lang);
    Ok(respond(
        StatusCode::OK,
        page(&ctx.shell(title, Nav::Portfolio), body(&data, ctx.lang)),
    ))
}

async fn read(state: &AppState, ctx: &Ctx) -> Result<Data, ApiError> {
    let today = state.sources.rules.today();
    let current = FiscalYear::containing(today);
    let fy = match ctx.params.get("fiscal_year") {
        Some(_) => ctx.params.fiscal_year()?,
        None => current,
    };
    let organisation = ctx.params.organisation()?;
    let view = portfolio(
        &state.sources,
        &ctx.caller,
        fy,
        organisation.as_deref(),
        ctx.lang,
    )
    .await?;
    let mut ids: Vec<String> = view.rows.iter().map(|r| r.campaign.clone()).collect();
    ids.sort_unstable();
    ids.dedup();
    let req = HistoryRequest {
        from: Some(today - Duration::days(TREND_DAYS)),
        to: Some(today),
        target: None,
        end_of_day: true,
    };
    let (caller, lang, req) = (&ctx.caller, ctx.lang, &req);
    let history: BTreeMap<String, HistoryView> = stream::iter(ids)
        .map(|id: String| async move {
            let h = history::history(&state.sources, caller, &id, req, lang).await?;
            Ok::<_, ApiError>((id, h))
        })
        .buffer_unordered(CONCURRENCY)
        .try_collect()
        .await?;
    let first = current.start_year() - 2;
    let mut years: Vec<FiscalYear> = (first..=current.start_year() + 1)
        .map(FiscalYear::starting)
        .collect();
    if !years.contains(&fy) {
        years.push(fy);
        years.sort_by_key(|y| y.start_year());
    }
    Ok(Data {
        fiscal_year: fy,
        view,
        history,
        years,
        tz: state.sources.rules.tz,
        today,
    })
}

/// The page's body.
pub fn body(d: &Data, lang: Lang) -> Markup {
    let fy = d.fiscal_year.to_string();
    let csv = url::build(
        "/api/v1/attainment",
        &[
            ("fiscal_year", &fy),
            ("format", "csv"),
            ("lang", lang.as_str()),
        ],
    );
    let mut counts: BTreeMap<u8, (Status, usize)> = BTreeMap::new();
    for r in &d.view.rows {
        counts
            .entry(r.target.status.risk_rank())
            .or_insert((r.target.status, 0))
            .1 += 1;
    }
    html! {
        form.inline method="get" action="/dashboard/portfolio" {
            input type="hidden" name="lang" value=(lang.as_str());
            label for="fiscal_year" { (word("fiscal_year", lang)) }
            select #fiscal_year name="fiscal_year" {
                @for y in &d.years {
                    option value=(y.to_string()) selected[*y == d.fiscal_year] { (y.to_string()) }
                }
            }
            button type="submit" { (t("show", lang)) }
        }
        h2 { (fill("fiscal_year_heading", lang, &[&fy])) }
        p.muted { (fill("judged_on", lang, &[&d.view.judged_on.to_string()])) }
        p { a #csv href=(csv) download { (t("download_csv", lang)) } }
        @if d.view.rows.is_empty() {
            p { (t("no_rows", lang)) }
        } @else {
            (framed("summary-caption", html! {
                table.summary {
                    caption #summary-caption { (t("status_summary", lang)) }
                    thead { tr { th scope="col" { (word("status", lang)) } th scope="col" .num { (t("count", lang)) } } }
                    tbody {
                        @for (s, n) in counts.values() {
                            tr { th scope="row" { (status(*s, lang)) } td.num { (n) } }
                        }
                    }
                }
            }))
            (rows(d, &fy, lang))
        }
        @if !d.view.pacing.is_empty() {
            h2 { (t("pacing_by_campaign", lang)) }
            (super::pacing::portfolio_table(&d.view.pacing, lang))
        }
        @if !d.view.incremental.is_empty() {
            h2 { (t("incremental_by_campaign", lang)) }
            (super::experiments::portfolio_table(&d.view.incremental, lang))
        }
    }
}

fn rows(d: &Data, fy: &str, lang: Lang) -> Markup {
    framed(
        "portfolio-caption",
        html! {
            table #portfolio {
                caption #portfolio-caption { (fill("portfolio_caption", lang, &[fy])) }
                thead { tr {
                    th scope="col" { (word("campaign", lang)) }
                    th scope="col" { (t("indicator", lang)) }
                    th scope="col" { (t("applies_to", lang)) }
                    th scope="col" { (t("period", lang)) }
                    th scope="col" .num { (word("target", lang)) }
                    th scope="col" .num { (word("actual", lang)) }
                    th scope="col" .num { (word("attainment", lang)) }
                    th scope="col" .num { (word("pace", lang)) }
                    th scope="col" { (word("status", lang)) }
                    th scope="col" { (t("trend", lang)) }
                } }
                tbody {
                    @for r in &d.view.rows {
                        @let x = &r.target;
                        @let recorded = d.history.get(&r.campaign)
                            .and_then(|h| h.targets.iter().find(|t| usize::from(t.position) == x.position));
                        tr data-status=(x.status.as_str()) {
                            th scope="row" {
                                a href=(url::with_lang(&format!("/dashboard/campaigns/{}", r.campaign), lang)) { (r.campaign_name) }
                            }
                            td { (x.kpi_label) }
                            td { (table::scope(x, lang)) }
                            td { span.nowrap { (x.from) } " – " span.nowrap { (x.to) } }
                            td.num { (format::kpi(x.kpi, x.target, lang)) }
                            td.num {
                                @if x.suppressed { (word("suppressed", lang)) } @else { (format::kpi_or_na(x.kpi, x.actual, lang)) }
                            }
                            td.num { (format::percent_or_na(x.attainment, lang)) }
                            td.num { (format::percent_or_na(x.pace, lang)) }
                            td { (status(x.status, lang)) }
                            td { (trend(&trend_points(x, recorded, d.today, d.tz), lang)) }
                        }
                    }
                }
            }
        },
    )
}
