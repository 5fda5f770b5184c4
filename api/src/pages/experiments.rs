//! The campaign page's "Experiments" section and the portfolio's table of
//! incremental results. Each geographic experiment of the campaign is
//! shown as `GET .../experiments/{experiment_id}` answers it (the same
//! view, so counts as the viewer may see them): what it compares (kind of
//! place, treated and control places, KPI, periods), its decision in
//! words, the estimated lift on its 90 % interval (a chart followed by the
//! table of every figure of the result) and each place's KPI before and
//! during the test. An experiment that cannot be computed says why in a
//! sentence; the others are still shown.

use cmp_kpi::{LabelKind, Lang, label_or_code};
use maud::{Markup, html};

use super::chart::{self, Estimate};
use super::effect::{measure, unavailable};
use super::table::framed;
use super::words::{fill, t, word};
use super::{format, url};
use crate::error::ApiError;
use crate::views::experiment_body::{ExperimentKpi, Unit};
use crate::views::experiment_result::{Bounds, ResultView};
use crate::views::experiments::ExperimentView;
use crate::views::portfolio::CampaignIncrement;

/// The campaign's experiments by id, each with its result or the error
/// that stopped it.
pub type Experiments = Vec<(String, Result<ExperimentView, ApiError>)>;

/// A figure in the KPI's unit: a share (as a percentage), else a count.
fn amount(share: bool, v: f64, lang: Lang) -> String {
    if share {
        format::percent(v, lang)
    } else {
        format::count(v, lang)
    }
}

/// A figure that may be missing: hidden as a small cell, or not available.
fn or_missing(v: Option<String>, suppressed: bool, lang: Lang) -> String {
    v.unwrap_or_else(|| {
        if suppressed {
            word("suppressed", lang).to_owned()
        } else {
            t("not_available", lang).to_owned()
        }
    })
}

fn range(b: Bounds, f: impl Fn(f64) -> String) -> String {
    format!("{} – {}", f(b.low), f(b.high))
}

/// A place's name: a region's label, else its code.
fn place(unit: Unit, code: &str, lang: Lang) -> String {
    match unit {
        Unit::Region => label_or_code(LabelKind::Region, code, lang).into_owned(),
        Unit::Fsa | Unit::Office => code.to_owned(),
    }
}

/// A sentence of the API, which speaks English: marked so on a French page.
fn english(text: &str, lang: Lang) -> Markup {
    html! { span lang=[(lang != Lang::En).then_some("en")] { (text) } }
}

/// "Experiments" (`None`: unavailable now).
pub fn section(experiments: Option<&Experiments>, lang: Lang) -> Markup {
    let heading = t("experiments", lang);
    let Some(experiments) = experiments else {
        return unavailable("experiments-h", heading, lang);
    };
    html! {
        section aria-labelledby="experiments-h" {
            h2 #experiments-h { (heading) }
            p { (t("experiments_intro", lang)) }
            @if experiments.is_empty() {
                p { (t("no_experiments", lang)) }
            }
            @for (id, e) in experiments {
                (experiment(id, e, lang))
            }
        }
    }
}

fn experiment(id: &str, e: &Result<ExperimentView, ApiError>, lang: Lang) -> Markup {
    let h = format!("experiment-{id}-h");
    html! {
        section aria-labelledby=(h) {
            h3 id=(h) { (fill("experiment", lang, &[id])) }
            @match e {
                Err(ApiError::Store(_) | ApiError::Timeout) => p { (t("unavailable", lang)) },
                Err(error) => p { (t("experiment_error", lang)) " " (english(&error.to_string(), lang)) },
                Ok(v) => {
                    (facts(v, lang))
                    @match &v.result {
                        None => p {
                            (t("no_result", lang))
                            @if let Some(why) = &v.explanation { " " (english(why, lang)) }
                        },
                        Some(r) => (result(id, v, r, lang)),
                    }
                }
            }
        }
    }
}

/// What the experiment compares.
fn facts(v: &ExperimentView, lang: Lang) -> Markup {
    let d = &v.definition;
    let places = |codes: &[String]| -> String {
        codes
            .iter()
            .map(|c| place(d.unit, c, lang))
            .collect::<Vec<_>>()
            .join(", ")
    };
    html! {
        dl.facts {
            div { dt { (t("experiment_unit", lang)) } dd { (v.unit_label) } }
            div { dt { (t("treated_units", lang)) } dd { (places(&d.treated)) } }
            div { dt { (t("control_units", lang)) } dd { (places(&v.control_used)) } }
            div { dt { (t("experiment_kpi", lang)) } dd { (v.kpi_label) } }
            div { dt { (t("pre_period", lang)) } dd { (d.pre_from) " – " (d.pre_to) } }
            div { dt { (t("test_period", lang)) } dd { (d.start()) " – " (d.to) } }
        }
    }
}

/// The decision, the lift on its interval, every figure, each place.
fn result(id: &str, v: &ExperimentView, r: &ResultView, lang: Lang) -> Markup {
    let share = v.definition.kpi == ExperimentKpi::ProgramOnlineShare;
    let hidden = r.suppressed;
    let pct = |x: f64| format::percent(x, lang);
    let kpi = |x: f64| amount(share, x, lang);
    let money = |c: u64| format::money(c as f64, lang);
    let title = fill("lift_chart", lang, &[&v.kpi_label]);
    let chart = match (r.relative_lift, r.relative_interval) {
        (Some(lift), Some(i)) => Some(chart::intervals(
            &format!("experiment-{id}-chart"),
            &title,
            &fill(
                "lift_chart_desc",
                lang,
                &[&pct(lift), &pct(i.low), &pct(i.high)],
            ),
            &[Estimate {
                label: measure("lift", lang),
                value: lift,
                low: i.low,
                high: i.high,
                text: pct(lift),
            }],
            t("no_effect_line", lang),
            &pct,
        )),
        _ => None,
    };
    let pre_trend = r.pre_trend_p_value.map(|p| {
        let sentence = if r.pre_trend_ok {
            "pre_trend_passed"
        } else {
            "pre_trend_not_passed"
        };
        fill(sentence, lang, &[&format::decimal(p, 2, lang)])
    });
    let mde = &r.minimum_detectable_effect;
    let detectable = mde.relative.map(|m| match mde.absolute {
        Some(a) => format!("{} ({})", pct(m), kpi(a)),
        None => pct(m),
    });
    let rows: [(String, String); 11] = [
        (
            measure("estimate", lang),
            or_missing(r.estimate.map(kpi), hidden, lang),
        ),
        (
            t("interval_90", lang).to_owned(),
            or_missing(r.interval.map(|b| range(b, kpi)), hidden, lang),
        ),
        (
            measure("lift", lang),
            or_missing(r.relative_lift.map(pct), hidden, lang),
        ),
        (
            t("interval_90_lift", lang).to_owned(),
            or_missing(r.relative_interval.map(|b| range(b, pct)), hidden, lang),
        ),
        (
            t("p_value", lang).to_owned(),
            or_missing(r.p_value.map(|p| format::decimal(p, 3, lang)), hidden, lang),
        ),
        (
            t("pre_trend", lang).to_owned(),
            or_missing(pre_trend, hidden, lang),
        ),
        (
            measure("minimum_detectable_effect", lang),
            or_missing(detectable, hidden, lang),
        ),
        (t("spend_treated", lang).to_owned(), money(r.spend_cents)),
        (
            measure("cost_per_incremental_cents", lang),
            or_missing(r.cost_per_incremental_cents.map(money), hidden, lang),
        ),
        (
            t("test_days", lang).to_owned(),
            format::count(r.test_days_observed as f64, lang),
        ),
        (t("decision", lang).to_owned(), r.status_label.clone()),
    ];
    let result_caption = format!("experiment-{id}-caption");
    let units_caption = format!("experiment-{id}-units-caption");
    let unit_value = |x: Option<f64>, suppressed: bool| or_missing(x.map(kpi), suppressed, lang);
    html! {
        p.big { strong { (r.status_label) } }
        @if hidden {
            p { (t("estimate_hidden", lang)) }
        }
        @if let Some(chart) = chart {
            (chart)
        }
        (framed(&result_caption, html! {
            table {
                caption id=(result_caption) { (fill("experiment_result_caption", lang, &[id])) }
                thead { tr {
                    th scope="col" { (t("indicator", lang)) }
                    th scope="col" .num { (t("value", lang)) }
                } }
                tbody {
                    @for (label, value) in &rows {
                        tr { th scope="row" { (label) } td.num { (value) } }
                    }
                }
            }
        }))
        (framed(&units_caption, html! {
            table {
                caption id=(units_caption) { (fill("experiment_units_caption", lang, &[&v.kpi_label])) }
                thead { tr {
                    th scope="col" { (t("place", lang)) }
                    th scope="col" { (t("group", lang)) }
                    th scope="col" .num { (t("pre_period", lang)) }
                    th scope="col" .num { (t("test_period", lang)) }
                } }
                tbody {
                    @for u in &r.units {
                        tr {
                            th scope="row" { (u.label) }
                            td { (if u.group == "treated" { t("treated", lang) } else { t("control", lang) }) }
                            td.num { (unit_value(u.pre, u.suppressed)) }
                            td.num { (unit_value(u.test, u.suppressed)) }
                        }
                    }
                }
            }
        }))
    }
}

/// The portfolio's table: one row per campaign with an experiment.
pub fn portfolio_table(rows: &[CampaignIncrement], lang: Lang) -> Markup {
    framed(
        "incremental-caption",
        html! {
            table #incremental {
                caption #incremental-caption { (t("incremental_by_campaign", lang)) }
                thead { tr {
                    th scope="col" { (word("campaign", lang)) }
                    th scope="col" { (t("experiment_kpi", lang)) }
                    th scope="col" { (t("test_period", lang)) }
                    th scope="col" .num { (measure("estimate", lang)) }
                    th scope="col" .num { (t("interval_90", lang)) }
                    th scope="col" .num { (measure("lift", lang)) }
                    th scope="col" .num { (t("interval_90_lift", lang)) }
                    th scope="col" { (t("decision", lang)) }
                } }
                tbody {
                    @for r in rows {
                        @let share = r.kpi == ExperimentKpi::ProgramOnlineShare.as_str();
                        @let kpi = |x: f64| amount(share, x, lang);
                        @let pct = |x: f64| format::percent(x, lang);
                        @let link = url::with_lang(&format!("/dashboard/campaigns/{}", r.campaign), lang)
                            + &format!("#experiment-{}-h", r.experiment_id);
                        tr data-experiment=(r.experiment_id) {
                            th scope="row" { a href=(link) { (r.campaign_name) } }
                            td { (r.kpi_label) }
                            td { span.nowrap { (r.from) } " – " span.nowrap { (r.to) } }
                            td.num { (or_missing(r.estimate.map(kpi), r.suppressed, lang)) }
                            td.num { (or_missing(r.interval.map(|b| range(b, kpi)), r.suppressed, lang)) }
                            td.num { (or_missing(r.relative_lift.map(pct), r.suppressed, lang)) }
                            td.num { (or_missing(r.relative_interval.map(|b| range(b, pct)), r.suppressed, lang)) }
                            td { (r.status_label.as_deref().unwrap_or_else(|| t("no_result", lang))) }
                        }
                    }
                }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, NaiveDate};

    use super::*;
    use crate::views::experiment_body::parse_body;
    use crate::views::experiment_result::{DetectableEffect, UnitView};

    fn unit(code: &str, group: &str, label: &str, counts: Option<(f64, f64)>) -> UnitView {
        UnitView {
            unit: code.into(),
            group: group.into(),
            label: label.into(),
            pre: counts.map(|c| c.0),
            test: counts.map(|c| c.1),
            suppressed: counts.is_none(),
        }
    }

    fn result() -> ResultView {
        ResultView {
            method: "did".into(),
            estimate: Some(1234.4),
            relative_lift: Some(0.32),
            interval: Some(Bounds {
                low: 820.0,
                high: 1810.6,
            }),
            relative_interval: Some(Bounds {
                low: 0.2,
                high: 0.47,
            }),
            interval_level: 0.9,
            p_value: Some(0.0125),
            pre_trend_ok: true,
            pre_trend_statistic: Some(0.01),
            pre_trend_p_value: Some(0.78),
            incremental_per_dollar: Some(0.0005),
            cost_per_incremental_cents: Some(202_530),
            spend_cents: 250_000_000,
            minimum_detectable_effect: DetectableEffect {
                relative: Some(0.081),
                absolute: Some(310.0),
            },
            placebos: 66,
            placebos_exhaustive: true,
            test_days_observed: 14,
            status: "effect".into(),
            status_label: "Effet décelé".into(),
            units: vec![
                unit("NS", "treated", "Nouvelle-Écosse", Some((5120.0, 3400.0))),
                unit("PE", "control", "Île-du-Prince-Édouard", None),
            ],
            suppressed: false,
            suppressed_fields: Vec::new(),
        }
    }

    fn view(result: Option<ResultView>, explanation: Option<&str>) -> ExperimentView {
        let definition = parse_body(
            br#"{"unit": "region", "treated": ["NS", "NB"], "control": ["PE", "NL"], "kpi": "program_uptake_completed",
 "pre_from": "2026-08-01", "pre_to": "2026-09-30", "from": "2026-10-01", "to": "2026-11-30"}"#,
        )
        .expect("valid");
        ExperimentView {
            campaign: "oas-online-2026".into(),
            experiment_id: "atlantic".into(),
            control_used: definition.control.clone(),
            definition,
            unit_label: "Province ou territoire".into(),
            kpi_label: "Demandes complétées au programme".into(),
            changed_by: "ops".into(),
            changed_at: DateTime::UNIX_EPOCH,
            result,
            explanation: explanation.map(str::to_owned),
            rounded: Some(5),
        }
    }

    fn one(e: Result<ExperimentView, ApiError>, lang: Lang) -> String {
        section(Some(&vec![("atlantic".to_owned(), e)]), lang).into_string()
    }

    #[test]
    fn a_campaign_without_experiments_says_so_in_both_languages() {
        let en = section(Some(&Vec::new()), Lang::En).into_string();
        assert!(
            en.contains(r#"<section aria-labelledby="experiments-h"><h2 id="experiments-h">Experiments</h2>"#),
            "{en}"
        );
        assert!(
            en.contains("No experiment is registered for this campaign."),
            "{en}"
        );
        let fr = section(Some(&Vec::new()), Lang::Fr).into_string();
        assert!(
            fr.contains("Aucune expérience n'est inscrite pour cette campagne."),
            "{fr}"
        );
        let down = section(None, Lang::Fr).into_string();
        assert!(down.contains(t("unavailable", Lang::Fr)), "{down}");
    }

    #[test]
    fn a_result_shows_its_design_decision_chart_and_tables() {
        let html = one(Ok(view(Some(result()), None)), Lang::Fr);
        // Headings: the section's, then the experiment's.
        assert!(
            html.contains(r#"<section aria-labelledby="experiment-atlantic-h"><h3 id="experiment-atlantic-h">Expérience atlantic</h3>"#),
            "{html}"
        );
        // What it compares, places by name.
        for fact in [
            "<dd>Province ou territoire</dd>",
            "<dd>Nouvelle-Écosse, Nouveau-Brunswick</dd>",
            "<dd>Île-du-Prince-Édouard, Terre-Neuve-et-Labrador</dd>",
            "<dd>Demandes complétées au programme</dd>",
            "<dd>2026-08-01 – 2026-09-30</dd>",
            "<dd>2026-10-01 – 2026-11-30</dd>",
        ] {
            assert!(html.contains(fact), "{fact}: {html}");
        }
        assert!(
            html.contains("<p class=\"big\"><strong>Effet décelé</strong></p>"),
            "{html}"
        );
        // The chart, named and described, then its table.
        assert!(
            html.contains(r#"role="img" aria-labelledby="experiment-atlantic-chart-t experiment-atlantic-chart-d""#),
            "{html}"
        );
        assert!(html.contains("L'effet relatif estimé est de 32,0\u{a0}%, avec un intervalle à 90 % de 20,0\u{a0}% à 47,0\u{a0}%."), "{html}");
        let chart_at = html.find("<svg").expect("chart");
        let table_at = html.find("<caption id=\"experiment-atlantic-caption\">Résultat de l'expérience atlantic</caption>").expect("table");
        assert!(chart_at < table_at, "the chart comes before its table");
        for row in [
            "<th scope=\"row\">Résultat supplémentaire</th><td class=\"num\">1\u{a0}234</td>",
            "<th scope=\"row\">Intervalle à 90 %</th><td class=\"num\">820 – 1\u{a0}811</td>",
            "<th scope=\"row\">Effet relatif</th><td class=\"num\">32,0\u{a0}%</td>",
            "<th scope=\"row\">Valeur p (tests placebo)</th><td class=\"num\">0,013</td>",
            "Oui : les endroits traités et témoins ont évolué ensemble (p = 0,78)",
            "<td class=\"num\">8,1\u{a0}% (310)</td>",
            "<td class=\"num\">2\u{a0}025,30\u{a0}$</td>",
            "<th scope=\"row\">Décision</th><td class=\"num\">Effet décelé</td>",
        ] {
            assert!(html.contains(row), "{row}: {html}");
        }
        // Each place before and during the test, a hidden count in words.
        assert!(html.contains("<th scope=\"row\">Nouvelle-Écosse</th><td>Traité</td><td class=\"num\">5\u{a0}120</td><td class=\"num\">3\u{a0}400</td>"), "{html}");
        assert!(html.contains("<th scope=\"row\">Île-du-Prince-Édouard</th><td>Témoin</td><td class=\"num\">Donnée supprimée (petit nombre)</td>"), "{html}");
        assert!(!html.contains("style="));
    }

    #[test]
    fn a_hidden_estimate_has_no_chart_and_says_why() {
        let mut r = result();
        r.estimate = None;
        r.relative_lift = None;
        r.interval = None;
        r.relative_interval = None;
        r.cost_per_incremental_cents = None;
        r.suppressed = true;
        let html = one(Ok(view(Some(r), None)), Lang::En);
        assert!(!html.contains("<svg"), "{html}");
        assert!(html.contains(t("estimate_hidden", Lang::En)), "{html}");
        assert!(
            html.contains("<th scope=\"row\">Incremental result</th><td class=\"num\">Suppressed (small number)</td>"),
            "{html}"
        );
    }

    #[test]
    fn an_experiment_without_a_result_or_that_failed_is_a_sentence() {
        let early = one(
            Ok(view(
                None,
                Some("the pre-period runs to 2026-09-30: results from the day after"),
            )),
            Lang::Fr,
        );
        assert!(
            early.contains("Aucun résultat pour l'instant. <span lang=\"en\">the pre-period runs to 2026-09-30: results from the day after</span>"),
            "{early}"
        );
        assert!(
            early.contains("<dd>Nouvelle-Écosse, Nouveau-Brunswick</dd>"),
            "{early}"
        );
        let refused = one(
            Err(ApiError::bad(
                "treated_from",
                "treated units start on different periods; staggered starts are not supported",
            )),
            Lang::En,
        );
        assert!(
            refused.contains("The result of this experiment cannot be shown. <span>`treated_from` treated units start on different periods; staggered starts are not supported</span>"),
            "{refused}"
        );
        let down = one(Err(ApiError::Timeout), Lang::En);
        assert!(down.contains(t("unavailable", Lang::En)), "{down}");
        // The one that failed does not hide the others.
        let both = section(
            Some(&vec![
                ("a".to_owned(), Err(ApiError::Timeout)),
                ("b".to_owned(), Ok(view(Some(result()), None))),
            ]),
            Lang::En,
        )
        .into_string();
        assert!(
            both.contains("Experiment a") && both.contains("Experiment b"),
            "{both}"
        );
        assert_eq!(both.matches("<svg").count(), 1, "{both}");
    }

    #[test]
    fn the_portfolio_lists_each_campaign_s_incremental_result() {
        let day = |s: &str| s.parse::<NaiveDate>().expect("date");
        let row = |campaign: &str, r: Option<ResultView>| CampaignIncrement {
            campaign: campaign.into(),
            campaign_name: format!("{campaign} <name>"),
            experiment_id: "atlantic".into(),
            kpi: "program_uptake_completed".into(),
            kpi_label: "Program applications completed".into(),
            from: day("2026-10-01"),
            to: day("2026-11-30"),
            estimate: r.as_ref().and_then(|r| r.estimate),
            relative_lift: r.as_ref().and_then(|r| r.relative_lift),
            interval: r.as_ref().and_then(|r| r.interval),
            relative_interval: r.as_ref().and_then(|r| r.relative_interval),
            status: r.as_ref().map(|r| r.status.clone()),
            status_label: r.map(|r| r.status_label),
            explanation: None,
            suppressed: false,
        };
        let html =
            portfolio_table(&[row("oas", Some(result())), row("ei", None)], Lang::En).into_string();
        assert!(html.contains("<caption id=\"incremental-caption\">Incremental result by campaign (newest experiment)</caption>"), "{html}");
        assert!(
            html.contains("<th scope=\"row\"><a href=\"/dashboard/campaigns/oas?lang=en#experiment-atlantic-h\">oas &lt;name&gt;</a></th>"),
            "{html}"
        );
        assert!(
            html.contains("<td class=\"num\">1,234</td><td class=\"num\">820 – 1,811</td><td class=\"num\">32.0%</td><td class=\"num\">20.0% – 47.0%</td><td>Effet décelé</td>"),
            "{html}"
        );
        assert!(
            html.contains("<td class=\"num\">n/a</td>") && html.contains("<td>No result yet.</td>"),
            "{html}"
        );
    }
}
