//! The campaign page's "Spending pace" section: the pacing route's figures
//! (spend against plan, the projections, the money that would lapse, the
//! status in words), a bar chart of them and, behind it, the day-by-day
//! cumulative plan and spend as a data table.

use cmp_kpi::{LabelKind, Lang, label_or_code};
use maud::{Markup, html};

use super::chart::{self, Bar};
use super::format;
use super::table::framed;
use super::words::{fill, t};
use crate::views::pacing::PacingView;

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
