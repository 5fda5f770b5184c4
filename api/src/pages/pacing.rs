//! Budget pacing on the pages: the campaign page's "Spending pace" section
//! (the pacing route's figures: spend against plan, the projections, the
//! money that would lapse, the status in words; a bar chart of them and,
//! behind it, the day-by-day cumulative plan and spend as a data table),
//! and the portfolio's table of every campaign's pacing.

use cmp_kpi::{LabelKind, Lang, label_or_code};
use maud::{Markup, html};

use super::chart::{self, Bar};
use super::format;
use super::table::framed;
use super::url;
use super::words::{fill, t};
use crate::views::pacing::PacingView;
use crate::views::portfolio::CampaignPacing;

fn measure(code: &str, lang: Lang) -> String {
    label_or_code(LabelKind::Measure, code, lang).into_owned()
}

/// The section.
pub fn section(p: &PacingView, lang: Lang) -> Markup {
    let money = |cents: u64| format::money(cents as f64, lang);
    let plan = t(
        if p.plan == "weekly" {
            "plan_weekly"
        } else {
            "plan_even"
        },
        lang,
    );
    let figures = [
        (t("budget", lang).to_owned(), p.budget_cents),
        (
            t("planned_to_date", lang).to_owned(),
            p.planned_to_date_cents,
        ),
        (t("spent_to_date", lang).to_owned(), p.spent_cents),
        (measure("projected_cents", lang), p.projected_cents),
        (
            measure("fiscal_year_end_cents", lang),
            p.fiscal_year_end_cents,
        ),
        (t("lapse", lang).to_owned(), p.lapse_cents),
    ];
    let bars: Vec<Bar> = figures
        .iter()
        .map(|(label, cents)| Bar {
            label: label.clone(),
            value: *cents as f64,
            text: money(*cents),
        })
        .collect();
    let title = t("pacing_chart", lang);
    let heading = measure("pacing_index", lang);
    html! {
        section aria-labelledby="pacing-h" {
            h2 #pacing-h { (heading) }
            p { (fill("pacing_intro", lang, &[plan])) }
            p.big {
                strong { (p.status_label) }
                @if let Some(i) = p.pacing_index {
                    " (" (format::percent(i, lang)) ")"
                }
            }
            (chart::bars("pacing-chart", title, &fill("chart_desc", lang, &[title]), &bars))
            details {
                summary { (t("data_table", lang)) }
                (framed("pacing-caption", html! {
                    table {
                        caption #pacing-caption { (t("pacing_caption", lang)) }
                        thead { tr {
                            th scope="col" { (t("day", lang)) }
                            th scope="col" .num { (t("planned_to_date", lang)) }
                            th scope="col" .num { (t("spent_to_date", lang)) }
                        } }
                        tbody {
                            @for d in &p.series {
                                tr {
                                    th scope="row" { (d.day) }
                                    td.num { (money(d.planned_cents)) }
                                    td.num { (money(d.spent_cents)) }
                                }
                            }
                        }
                    }
                }))
            }
        }
    }
}

/// The portfolio's table: one row per campaign.
pub fn portfolio_table(rows: &[CampaignPacing], lang: Lang) -> Markup {
    let money = |cents: u64| format::money(cents as f64, lang);
    framed(
        "pacing-caption",
        html! {
            table #pacing {
                caption #pacing-caption { (t("pacing_by_campaign", lang)) }
                thead { tr {
                    th scope="col" { (super::words::word("campaign", lang)) }
                    th scope="col" .num { (t("budget", lang)) }
                    th scope="col" .num { (t("planned_to_date", lang)) }
                    th scope="col" .num { (t("spent_to_date", lang)) }
                    th scope="col" .num { (measure("pacing_index", lang)) }
                    th scope="col" .num { (measure("projected_cents", lang)) }
                    th scope="col" .num { (measure("fiscal_year_end_cents", lang)) }
                    th scope="col" .num { (t("lapse", lang)) }
                    th scope="col" { (super::words::word("status", lang)) }
                } }
                tbody {
                    @for p in rows {
                        tr data-pacing=(p.status) {
                            th scope="row" {
                                a href=(url::with_lang(&format!("/dashboard/campaigns/{}", p.campaign), lang)) { (p.campaign_name) }
                            }
                            td.num { (money(p.budget_cents)) }
                            td.num { (money(p.planned_to_date_cents)) }
                            td.num { (money(p.spent_cents)) }
                            td.num { (format::percent_or_na(p.pacing_index, lang)) }
                            td.num { (money(p.projected_cents)) }
                            td.num { (money(p.fiscal_year_end_cents)) }
                            td.num { (money(p.lapse_cents)) }
                            td { (p.status_label) }
                        }
                    }
                }
            }
        },
    )
}
