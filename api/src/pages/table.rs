//! Pieces the pages' tables share: the scrollable, keyboard-reachable
//! frame of a wide table, a status shown by icon and words, what a target
//! applies to, and a target's attainment trend (a sparkline whose title
//! says in words where it went).

use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;
use cmp_kpi::{Dimension, Kpi, Lang, Status};
use maud::{Markup, PreEscaped, html};

use super::chart;
use super::format;
use super::words::{fill, t, word};
use crate::views::history::TargetTrend;
use crate::views::kpis::{KpiValues, TargetResult};

/// A table in a frame that scrolls sideways on a narrow screen; the frame
/// is a named region in the tab order, so a keyboard can scroll it.
pub fn framed(caption_id: &str, table: Markup) -> Markup {
    html! {
        div.frame role="region" aria-labelledby=(caption_id) tabindex="0" { (table) }
    }
}

/// A status: its icon (a distinct shape per status) and its label.
pub fn status(s: Status, lang: Lang) -> Markup {
    let code = s.as_str();
    html! {
        span class=(format!("status s-{code}")) {
            (PreEscaped(format!(r##"<svg class="icon" aria-hidden="true" focusable="false"><use href="#i-{code}"/></svg>"##)))
            " " (s.label(lang))
        }
    }
}

/// What a target applies to: its narrowing labels, or the whole campaign.
pub fn scope(target: &TargetResult, lang: Lang) -> String {
    let parts: Vec<&str> = Dimension::ALL
        .iter()
        .filter_map(|d| target.narrowing_labels.get(d.as_str()).map(String::as_str))
        .collect();
    if parts.is_empty() {
        t("whole_campaign", lang).to_owned()
    } else {
        parts.join(" · ")
    }
}

/// One recorded attainment of a target: the day and the value.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendPoint {
    pub day: String,
    pub attainment: Option<f64>,
}

/// A target's attainment over time as a sparkline titled in words, or
/// "No history yet" with fewer than two points.
pub fn trend(points: &[TrendPoint], lang: Lang) -> Markup {
    let known: Vec<&TrendPoint> = points.iter().filter(|p| p.attainment.is_some()).collect();
    match (known.first(), known.last()) {
        (Some(first), Some(last)) if known.len() >= 2 => {
            let title = fill(
                "trend_desc",
                lang,
                &[
                    &format::percent_or_na(first.attainment, lang),
                    &first.day,
                    &format::percent_or_na(last.attainment, lang),
                    &last.day,
                ],
            );
            let values: Vec<Option<f64>> = points.iter().map(|p| p.attainment).collect();
            chart::sparkline(&title, &values)
        }
        _ => html! { span.muted { (t("no_trend", lang)) } },
    }
}

/// A target's trend: its attainment recorded at the end of each day, then
/// today's (`current`). A trend recorded for another KPI at the same
/// position (the set changed) is not this target's.
pub fn trend_points(
    target: &TargetResult,
    recorded: Option<&TargetTrend>,
    today: NaiveDate,
    tz: Tz,
) -> Vec<TrendPoint> {
    let mut points: Vec<TrendPoint> = recorded
        .filter(|r| r.kpi == target.kpi.as_str())
        .map(|r| {
            r.points
                .iter()
                .filter(|p| p.end_of_day)
                // Recorded just after the day it judged ended.
                .map(|p| {
                    (
                        p.recorded_at.with_timezone(&tz).date_naive() - Duration::days(1),
                        p,
                    )
                })
                .filter(|(day, _)| *day < today)
                .map(|(day, p)| TrendPoint {
                    day: day.to_string(),
                    attainment: p.attainment,
                })
                .collect()
        })
        .unwrap_or_default();
    points.push(TrendPoint {
        day: today.to_string(),
        attainment: target.attainment,
    });
    points
}

/// A KPI's value in a row.
pub fn value(v: &KpiValues, k: Kpi) -> Option<f64> {
    let n = |x: Option<u64>| x.map(|x| x as f64);
    match k {
        Kpi::Impressions => n(v.impressions),
        Kpi::Clicks => n(v.clicks),
        Kpi::Engagements => n(v.engagements),
        Kpi::Shares => n(v.shares),
        Kpi::VideoCompletes => n(v.video_completes),
        Kpi::Visits => n(v.visits),
        Kpi::Ctr => v.ctr,
        Kpi::Reach => n(v.reach),
        Kpi::SpendCents => n(v.spend_cents),
        Kpi::UptakeStarted => n(v.uptake_started),
        Kpi::UptakeSubmitted => n(v.uptake_submitted),
        Kpi::UptakeCompleted => n(v.uptake_completed),
        Kpi::CostPerUptakeCents => v.cost_per_uptake_cents,
        Kpi::ProgramUptakeCompleted => n(v.program_uptake_completed),
        Kpi::ProgramOnlineShare => v.program_online_share,
    }
}

/// Whether a KPI of the row is hidden as a small cell.
pub fn hidden(v: &KpiValues, k: Kpi) -> bool {
    v.suppressed_kpis.iter().any(|s| s == k.as_str())
}

/// A KPI's value as a cell reads: the number, "Suppressed (small number)"
/// or "n/a".
pub fn cell(v: &KpiValues, k: Kpi, lang: Lang) -> String {
    if hidden(v, k) {
        word("suppressed", lang).to_owned()
    } else {
        format::kpi_or_na(k, value(v, k), lang)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_has_a_shape_and_words() {
        let html = status(Status::AtRisk, Lang::Fr).into_string();
        assert!(html.contains("href=\"#i-at_risk\""), "{html}");
        assert!(html.contains("À risque"), "{html}");
        assert!(html.contains("aria-hidden=\"true\""), "{html}");
    }

    #[test]
    fn a_trend_needs_two_known_points() {
        let p = |day: &str, a: Option<f64>| TrendPoint {
            day: day.into(),
            attainment: a,
        };
        let none = trend(
            &[p("2026-11-01", Some(0.5)), p("2026-11-02", None)],
            Lang::En,
        )
        .into_string();
        assert!(none.contains("No history yet"), "{none}");
        let some = trend(
            &[
                p("2026-11-01", Some(0.5)),
                p("2026-11-02", None),
                p("2026-11-03", Some(0.625)),
            ],
            Lang::Fr,
        )
        .into_string();
        assert!(
            some.contains(
                "Taux d'atteinte de 50,0\u{a0}% le 2026-11-01 à 62,5\u{a0}% le 2026-11-03"
            ),
            "{some}"
        );
    }
}
