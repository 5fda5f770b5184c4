//! `GET /dashboard`: the campaigns the viewer may see, each with its
//! program, period, budget, the status of its riskiest target and how many
//! of its targets are met or on track.

use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use cmp_kpi::{LabelKind, Lang, label_or_code};
use maud::{Markup, html};

use super::error::PageError;
use super::layout::{Nav, page};
use super::table::{framed, status};
use super::words::{fill, t, word};
use super::{Ctx, Viewer, format, respond, url};
use crate::state::AppState;
use crate::views::headline::{Headline, headlines};
use crate::views::kpis::campaign_name;

/// The campaign list.
#[utoipa::path(get, path = "/dashboard", tag = "dashboard",
    params(("lang" = Option<String>, Query, description = "en (default) or fr")),
    responses((status = 200, description = "The campaign list", body = String, content_type = "text/html"),
        (status = 303, description = "Not signed in: to the sign-in page")),
    security(("bearer" = []), ("session" = [])))]
pub async fn get(
    Viewer(caller): Viewer,
    State(state): State<AppState>,
    uri: Uri,
) -> Result<Response, PageError> {
    let ctx = Ctx::new(caller, &state, uri, &[])?;
    // Boxed: judging every campaign makes a large future.
    let list = Box::pin(headlines(&state.sources, &ctx.caller, ctx.lang))
        .await
        .map_err(|e| ctx.fail(e))?;
    let title = t("campaigns", ctx.lang);
    Ok(respond(
        StatusCode::OK,
        page(&ctx.shell(title, Nav::Campaigns), body(&list, ctx.lang)),
    ))
}

/// The page's body.
pub fn body(list: &[Headline], lang: Lang) -> Markup {
    if list.is_empty() {
        return html! { p { (t("no_campaigns", lang)) } };
    }
    framed(
        "campaigns-caption",
        html! {
            table {
                caption #campaigns-caption { (t("campaigns_caption", lang)) }
                thead {
                    tr {
                        th scope="col" { (word("campaign", lang)) }
                        th scope="col" { (t("program", lang)) }
                        th scope="col" { (t("period", lang)) }
                        th scope="col" .num { (t("budget", lang)) }
                        th scope="col" { (t("riskiest_status", lang)) }
                        th scope="col" { (t("targets_ok", lang)) }
                    }
                }
                tbody {
                    @for h in list {
                        @let c = &h.campaign;
                        tr {
                            th scope="row" {
                                a href=(url::with_lang(&format!("/dashboard/campaigns/{}", c.id), lang)) { (campaign_name(c, lang)) }
                            }
                            td { (label_or_code(LabelKind::Program, &c.program, lang)) }
                            td { span.nowrap { (c.start_date) } " – " span.nowrap { (c.end_date) } }
                            td.num { (format::money(c.budget_cents as f64, lang)) }
                            td {
                                @match h.riskiest() {
                                    Some(s) => (status(s, lang)),
                                    None => span.muted { (t("no_targets", lang)) },
                                }
                            }
                            td {
                                @if !h.targets.is_empty() {
                                    (fill("n_of_m", lang, &[&h.fine().to_string(), &h.targets.len().to_string()]))
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}
