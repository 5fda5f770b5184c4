//! The campaign page's "Unusual days" section: a badge with the number of
//! flags of the last four weeks (the anomalies route's default range) and
//! their table: day, indicator, what happened, observed against the
//! expected range, and the main driver.

use cmp_kpi::{Kpi, Lang};
use maud::{Markup, html};

use super::format;
use super::table::framed;
use super::words::{fill, t, word};
use crate::views::anomalies::AnomaliesView;

fn number(kpi: &str, v: f64, lang: Lang) -> String {
    Kpi::parse(kpi).map_or_else(|_| format::decimal(v, 0, lang), |k| format::kpi(k, v, lang))
}

/// The section.
pub fn section(v: &AnomaliesView, lang: Lang) -> Markup {
    let days: std::collections::BTreeSet<_> = v.anomalies.iter().map(|a| a.day).collect();
    html! {
        section aria-labelledby="anomalies-h" {
            h2 #anomalies-h {
                (t("anomalies_heading", lang)) " "
                span.badge data-anomalies=(days.len()) { (fill("anomalies_count", lang, &[&days.len().to_string()])) }
            }
            p { (fill("anomalies_intro", lang, &[&v.from.to_string(), &v.to.to_string()])) }
            @if v.anomalies.is_empty() {
                p { (t("anomalies_none", lang)) }
            } @else {
                (framed("anomalies-caption", html! {
                    table #anomalies {
                        caption #anomalies-caption { (t("anomalies_heading", lang)) }
                        thead { tr {
                            th scope="col" { (t("day", lang)) }
                            th scope="col" { (t("indicator", lang)) }
                            th scope="col" { (word("status", lang)) }
                            th scope="col" .num { (t("observed", lang)) }
                            th scope="col" .num { (t("expected", lang)) }
                            th scope="col" { (t("driver", lang)) }
                        } }
                        tbody {
                            @for a in &v.anomalies {
                                tr data-kind=(a.kind) {
                                    th scope="row" { (a.day) }
                                    td { (a.kpi_label) }
                                    td { (a.label) }
                                    td.num {
                                        @match a.observed {
                                            Some(o) => (number(a.kpi, o, lang)),
                                            None => (word("suppressed", lang)),
                                        }
                                    }
                                    td.num {
                                        @match a.band {
                                            Some([low, high]) => { (number(a.kpi, low, lang)) " – " (number(a.kpi, high, lang)) }
                                            None => (word("suppressed", lang)),
                                        }
                                    }
                                    td {
                                        @if let Some(d) = &a.driver { (d.value_label) }
                                    }
                                }
                            }
                        }
                    }
                }))
            }
        }
    }
}
