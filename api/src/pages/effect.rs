//! The campaign page's sections on what the campaign caused: "Who it
//! brought" (the program's applications credited to the campaign's
//! exposures, last touch, beside those it referred, and the completed ones
//! by outreach channel) and "Message test" (each variant against control,
//! all languages together). They render the views of
//! `GET .../attribution?by=channel` and `GET .../variants`, counts as the
//! viewer may see them; every chart is followed by its data table.

use cmp_kpi::{LabelKind, Lang, label_or_code};
use maud::{Markup, html};

use super::chart::{self, Bar};
use super::format;
use super::table::framed;
use super::words::{fill, t, word};
use crate::views::attribution::AttributionView;
use crate::views::variants::{VariantView, VariantsView};

/// A measure's label of LABELS.md (v1.1).
pub(super) fn measure(code: &str, lang: Lang) -> String {
    label_or_code(LabelKind::Measure, code, lang).into_owned()
}

/// A section whose data could not be read in time.
pub(super) fn unavailable(id: &str, heading: &str, lang: Lang) -> Markup {
    html! {
        section aria-labelledby=(id) {
            h2 id=(id) { (heading) }
            p { (t("unavailable", lang)) }
        }
    }
}

fn count(v: Option<f64>, lang: Lang) -> String {
    v.map_or_else(
        || word("suppressed", lang).to_owned(),
        |v| format::count(v, lang),
    )
}

/// "Who it brought" (`None`: unavailable now).
pub fn who_it_brought(a: Option<&AttributionView>, lang: Lang) -> Markup {
    let heading = t("who_it_brought", lang);
    let Some(a) = a else {
        return unavailable("brought-h", heading, lang);
    };
    let completed = a.stages.iter().find(|s| s.stage == "completed");
    let groups = completed.map(|s| s.groups.as_slice()).unwrap_or_default();
    let title = format!(
        "{} — {}",
        measure("credited", lang),
        t("outreach_channel", lang)
    );
    let bars: Vec<Bar> = groups
        .iter()
        .map(|g| Bar {
            label: g.key_label.clone(),
            value: g.credited.unwrap_or(0.0),
            text: count(g.credited, lang),
        })
        .collect();
    html! {
        section aria-labelledby="brought-h" {
            h2 #brought-h { (heading) }
            p { (t("who_it_brought_intro", lang)) }
            (framed("brought-caption", html! {
                table {
                    caption #brought-caption { (heading) " — " (measure(&a.model, lang)) }
                    thead { tr {
                        th scope="col" { (t("stage", lang)) }
                        th scope="col" .num { (measure("credited", lang)) }
                        th scope="col" .num { (measure("referred", lang)) }
                        th scope="col" .num { (measure("both", lang)) }
                    } }
                    tbody {
                        @for s in &a.stages {
                            tr {
                                th scope="row" { (s.stage_label) }
                                td.num { (count(s.credited, lang)) }
                                td.num { (count(s.referred, lang)) }
                                td.num { (count(s.both, lang)) }
                            }
                        }
                    }
                }
            }))
            @if bars.is_empty() {
                p { (t("no_breakdown", lang)) }
            } @else {
                (chart::bars("brought-chart", &title, &fill("chart_desc", lang, &[&title]), &bars))
                (framed("brought-channel-caption", html! {
                    table {
                        caption #brought-channel-caption { (title) " — " (t("data_table", lang)) }
                        thead { tr {
                            th scope="col" { (t("outreach_channel", lang)) }
                            th scope="col" .num { (measure("credited", lang)) }
                        } }
                        tbody {
                            @for g in groups {
                                tr { th scope="row" { (g.key_label) } td.num { (count(g.credited, lang)) } }
                            }
                        }
                    }
                }))
            }
        }
    }
}

fn percent(v: Option<f64>, lang: Lang) -> String {
    format::percent_or_na(v, lang)
}

fn interval(v: &VariantView, lang: Lang) -> String {
    v.lift_interval.map_or_else(String::new, |i| {
        format!(
            "{} – {}",
            format::percent(i.low, lang),
            format::percent(i.high, lang)
        )
    })
}

/// "Message test" (`None`: unavailable now).
pub fn message_test(v: Option<&VariantsView>, lang: Lang) -> Markup {
    let heading = t("message_test", lang);
    let Some(v) = v else {
        return unavailable("message-h", heading, lang);
    };
    html! {
        section aria-labelledby="message-h" {
            h2 #message-h { (heading) }
            p { (t("message_test_intro", lang)) }
            @match &v.combined {
                None => p { (t("no_variants", lang)) },
                Some(all) => {
                    p.big { strong { (v.decision_label) } }
                    (framed("message-caption", html! {
                        table {
                            caption #message-caption { (heading) " — " (all.name_label) }
                            thead { tr {
                                th scope="col" { (t("variant", lang)) }
                                th scope="col" .num { (measure("exposed", lang)) }
                                th scope="col" .num { (label_or_code(LabelKind::Kpi, "ctr", lang)) }
                                th scope="col" .num { (measure("conversion", lang)) }
                                th scope="col" .num { (measure("lift", lang)) }
                                th scope="col" { (t("interval_95", lang)) }
                                th scope="col" { (t("decision", lang)) }
                            } }
                            tbody {
                                @for r in &all.variants {
                                    tr {
                                        th scope="row" { (r.variant) }
                                        td.num { (count(r.exposed, lang)) }
                                        td.num { (percent(r.ctr, lang)) }
                                        td.num { (percent(r.conversion, lang)) }
                                        td.num { (percent(r.lift, lang)) }
                                        td { (interval(r, lang)) }
                                        td { (r.decision_label.as_deref().unwrap_or_else(|| t("control_arm", lang))) }
                                    }
                                }
                            }
                        }
                    }))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_section_that_could_not_be_read_says_so_under_its_heading() {
        let brought = who_it_brought(None, Lang::Fr).into_string();
        assert!(
            brought.contains("<h2 id=\"brought-h\">Ce que la campagne a amené</h2>"),
            "{brought}"
        );
        assert!(brought.contains(t("unavailable", Lang::Fr)), "{brought}");
        let test = message_test(None, Lang::En).into_string();
        assert!(
            test.contains("<h2 id=\"message-h\">Message test</h2>"),
            "{test}"
        );
        assert!(test.contains(t("unavailable", Lang::En)), "{test}");
    }
}
