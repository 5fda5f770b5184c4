//! `GET /dashboard/campaigns/{campaign_id}`: one campaign over its flight
//! so far. Live totals (updated by `app.js` from the live feed), the
//! targets table (status by icon and words, each target's trend), one KPI
//! over time, the breakdowns by client segment and outreach channel, the
//! service-channel mix of the program's completed applications (channel
//! shift), the cost per completed application, the spending pace
//! (`pacing.rs`), the unusual days of the last four weeks with their badge
//! (`anomalies.rs`) and what the campaign caused (`effect.rs`: who it
//! brought, its message test; `experiments.rs`: its geographic
//! experiments). Every chart is followed by its data table.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use cmp_kpi::{Dimension, Granularity, Kpi, LabelKind, Lang, label_or_code};
use cmp_report::attribution::Model;
use cmp_store::Campaign;
use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use maud::{Markup, html};

use super::chart::{self, Bar, Point};
use super::error::PageError;
use super::experiments::Experiments;
use super::layout::{Nav, page};
use super::table::{self, cell, framed, hidden, status, trend, trend_points, value};
use super::words::{fill, t, word};
use super::{Ctx, Viewer, effect, experiments, format, respond, url};
use crate::caller::Caller;
use crate::error::ApiError;
use crate::params;
use crate::state::AppState;
use crate::views::anomalies::{self, AnomaliesView};
use crate::views::attribution::{self, AttributionRequest, AttributionView, By};
use crate::views::campaign as campaigns;
use crate::views::experiments as experiment_views;
use crate::views::history::{self, HistoryRequest, HistoryView};
use crate::views::kpis::{KpiValues, TargetResult, campaign_name, kpi_label};
use crate::views::pacing::{self, PacingView};
use crate::views::performance::{self, GroupView, PerformanceRequest, PerformanceView};
use crate::views::variants::{self, VariantsRequest, VariantsView};

/// The KPIs of the live totals, in order.
const LIVE: [Kpi; 8] = [
    Kpi::Impressions,
    Kpi::Clicks,
    Kpi::Ctr,
    Kpi::Reach,
    Kpi::SpendCents,
    Kpi::UptakeCompleted,
    Kpi::CostPerUptakeCents,
    Kpi::ProgramOnlineShare,
];

/// Days of recorded attainment the trends show.
const TREND_DAYS: i64 = 30;

/// What the page shows, read through the API's views.
#[derive(Debug)]
pub struct Data {
    pub campaign: Campaign,
    pub main: PerformanceView,
    pub granularity: Granularity,
    pub by_segment: PerformanceView,
    pub by_channel: PerformanceView,
    pub by_service: PerformanceView,
    pub history: HistoryView,
    /// Last-touch attribution by channel (`None`: unavailable now).
    pub attribution: Option<AttributionView>,
    /// The message test (`None`: unavailable now).
    pub variants: Option<VariantsView>,
    /// The geographic experiments, each with its result or why it has
    /// none (`None`: unavailable now).
    pub experiments: Option<Experiments>,
    pub pacing: PacingView,
    pub anomalies: AnomaliesView,
    pub series_kpi: Kpi,
    pub tz: Tz,
    /// Today in the reporting time zone.
    pub today: NaiveDate,
}

/// The buckets of the series: hours for a flight of up to 3 days so far,
/// days up to about four months, weeks beyond.
fn granularity(days: i64) -> Granularity {
    match days {
        ..=3 => Granularity::Hour,
        4..=120 => Granularity::Day,
        _ => Granularity::Week,
    }
}

/// One campaign's page.
#[utoipa::path(get, path = "/dashboard/campaigns/{campaign_id}", tag = "dashboard",
    params(("campaign_id" = String, Path),
        ("series" = Option<String>, Query, description = "the KPI shown over time (default uptake_completed)"),
        ("lang" = Option<String>, Query, description = "en (default) or fr")),
    responses((status = 200, description = "The campaign's page", body = String, content_type = "text/html"),
        (status = 303, description = "Not signed in: to the sign-in page"),
        (status = 400, description = "A bad parameter", body = String, content_type = "text/html"),
        (status = 403, description = "Not one of the viewer's campaigns", body = String, content_type = "text/html"),
        (status = 404, description = "No such campaign", body = String, content_type = "text/html")),
    security(("bearer" = []), ("session" = [])))]
pub async fn get(
    Viewer(caller): Viewer,
    State(state): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
) -> Result<Response, PageError> {
    let ctx = Ctx::new(caller, &state, uri, &["series"])?;
    let data = Box::pin(read(&state, &ctx, &id))
        .await
        .map_err(|e| ctx.fail(e))?;
    let name = campaign_name(&data.campaign, ctx.lang).to_owned();
    Ok(respond(
        StatusCode::OK,
        page(&ctx.shell(&name, Nav::Campaigns), body(&data, ctx.lang)),
    ))
}

async fn read(state: &AppState, ctx: &Ctx, id: &str) -> Result<Data, ApiError> {
    params::campaign_id(id)?;
    let series_kpi = match ctx.params.get("series") {
        Some(code) => Kpi::parse(code)
            .map_err(|_| crate::error::ApiError::bad("series", format!("`{code}` is not a KPI")))?,
        None => Kpi::UptakeCompleted,
    };
    let caller = &ctx.caller;
    let lang = ctx.lang;
    let campaign = campaigns::find(&state.sources, caller, id).await?;
    let today = state.sources.rules.today();
    let span = performance::range(&campaign, &PerformanceRequest::default(), today)?;
    let g = granularity(span.days());
    let by = |d: Dimension| PerformanceRequest {
        by: vec![d],
        ..PerformanceRequest::default()
    };
    let over_time = PerformanceRequest {
        granularity: Some(g),
        ..PerformanceRequest::default()
    };
    let trends = HistoryRequest {
        from: Some(today - Duration::days(TREND_DAYS)),
        to: Some(today),
        target: None,
        end_of_day: true,
    };
    let (segment, channel, service) = (
        by(Dimension::Segment),
        by(Dimension::Channel),
        by(Dimension::ServiceChannel),
    );
    let credit = AttributionRequest {
        from: None,
        to: None,
        model: Model::LastTouch,
        by: Some(By::Channel),
    };
    let test = VariantsRequest::default();
    let (
        main,
        by_segment,
        by_channel,
        by_service,
        history,
        pacing,
        anomalies,
        attribution,
        variants,
        experiments,
    ) = tokio::try_join!(
        report(state, caller, id, &over_time, lang),
        report(state, caller, id, &segment, lang),
        report(state, caller, id, &channel, lang),
        report(state, caller, id, &service, lang),
        history::history(&state.sources, caller, id, &trends, lang).boxed(),
        pacing::view(&state.sources, caller, id, lang).boxed(),
        anomalies::view(&state.sources, caller, id, (None, None), lang).boxed(),
        optional(attribution::attribution(&state.sources, caller, id, &credit, lang).boxed()),
        optional(variants::variants(&state.sources, caller, id, &test, lang).boxed()),
        optional(experiment_views::each(&state.sources, caller, id, lang).boxed()),
    )?;
    for (experiment, error) in experiments
        .iter()
        .flatten()
        .filter_map(|(e, r)| Some((e, r.as_ref().err()?)))
    {
        tracing::warn!(%experiment, %error, "an experiment of the campaign page has no result");
    }
    Ok(Data {
        campaign,
        main,
        granularity: g,
        by_segment,
        by_channel,
        by_service,
        history,
        pacing,
        anomalies,
        attribution,
        variants,
        experiments,
        series_kpi,
        tz: state.sources.rules.tz,
        today,
    })
}

/// How long the page waits for each section that reads the ledger
/// (attribution, the message test, the experiments) before showing it as
/// unavailable.
const SECTION_BUDGET: std::time::Duration = std::time::Duration::from_secs(10);

/// A section computed from the ledger at each read, whose cost grows with
/// the ledger (docs/attribution.md): `None` when it fails or takes longer
/// than [`SECTION_BUDGET`], so that the rest of the page is still shown.
fn optional<'a, T: Send + 'a>(
    section: BoxFuture<'a, Result<T, ApiError>>,
) -> BoxFuture<'a, Result<Option<T>, ApiError>> {
    async move {
        match tokio::time::timeout(SECTION_BUDGET, section).await {
            Ok(Ok(view)) => Ok(Some(view)),
            Ok(Err(error)) => {
                tracing::warn!(%error, "a section of the campaign page is unavailable");
                Ok(None)
            }
            Err(_) => {
                tracing::warn!(budget = ?SECTION_BUDGET, "a section of the campaign page took too long");
                Ok(None)
            }
        }
    }
    .boxed()
}

/// A report, boxed by a function of its own: a debug build gives each
/// temporary of a function its own stack slot, and five reports built in
/// one frame overflow a thread's 2 MiB stack.
fn report<'a>(
    state: &'a AppState,
    caller: &'a Caller,
    id: &'a str,
    req: &'a PerformanceRequest,
    lang: Lang,
) -> BoxFuture<'a, Result<PerformanceView, ApiError>> {
    performance::performance(&state.sources, caller, id, req, lang).boxed()
}

/// The page's body.
pub fn body(d: &Data, lang: Lang) -> Markup {
    let c = &d.campaign;
    html! {
        dl.facts {
            div { dt { (t("program", lang)) } dd { (label_or_code(LabelKind::Program, &c.program, lang)) } }
            div { dt { (t("period", lang)) } dd { (c.start_date) " – " (c.end_date) } }
            div { dt { (t("budget", lang)) } dd { (format::money(c.budget_cents as f64, lang)) } }
        }
        (live(d, lang))
        (super::anomalies::section(&d.anomalies, lang))
        (targets(d, lang))
        (over_time(d, lang))
        (by_segment(d, lang))
        (by_channel(d, lang))
        (channel_shift(d, lang))
        (cost(d, lang))
        (super::pacing::section(&d.pacing, lang))
        (effect::who_it_brought(d.attribution.as_ref(), lang))
        (effect::message_test(d.variants.as_ref(), lang))
        (experiments::section(d.experiments.as_ref(), lang))
    }
}

/// A colon as each language writes it before a value.
fn colon(lang: Lang) -> &'static str {
    match lang {
        Lang::En => ": ",
        Lang::Fr => "\u{a0}: ",
    }
}

/// The format `app.js` applies to a live KPI.
fn live_format(k: Kpi) -> &'static str {
    match k {
        Kpi::Ctr | Kpi::ProgramOnlineShare => "percent",
        Kpi::SpendCents | Kpi::CostPerUptakeCents => "money",
        _ => "count",
    }
}

fn as_of(at: Option<DateTime<Utc>>, tz: Tz, lang: Lang) -> String {
    match at {
        Some(at) => fill("latest_data", lang, &[&format::local_minute(at, tz)]),
        None => t("no_data", lang).to_owned(),
    }
}

fn live(d: &Data, lang: Lang) -> Markup {
    let totals = &d.main.totals;
    let src = url::with_lang(&format!("/api/v1/campaigns/{}/live", d.campaign.id), lang);
    html! {
        section aria-labelledby="live-h" {
            h2 #live-h { (t("results_so_far", lang)) }
            div #live data-live-src=(src) data-lang=(lang.as_str()) data-tz=(d.tz.name())
                data-t-updated=(t("live_updated", lang)) data-t-pause=(t("pause_live", lang))
                data-t-resume=(t("resume_live", lang)) data-t-suppressed=(word("suppressed", lang))
                data-t-na=(t("not_available", lang)) data-t-latest=(t("latest_data", lang))
                data-t-nodata=(t("no_data", lang)) {
                dl.totals aria-live="polite" {
                    @for k in LIVE {
                        div {
                            dt { (kpi_label(k, lang)) }
                            dd data-kpi=(k.as_str()) data-format=(live_format(k)) { (cell(totals, k, lang)) }
                        }
                    }
                }
                p.muted #as-of { (as_of(d.main.as_of, d.tz, lang)) }
                p.live-controls {
                    button type="button" #live-toggle hidden { (t("pause_live", lang)) }
                    " "
                    span #live-status role="status" {}
                }
            }
        }
    }
}

fn targets(d: &Data, lang: Lang) -> Markup {
    html! {
        section aria-labelledby="targets-h" {
            h2 #targets-h { (t("targets", lang)) }
            @if d.main.targets.is_empty() {
                p { (t("no_targets", lang)) }
            } @else {
                (framed("targets-caption", html! {
                    table #targets {
                        caption #targets-caption { (t("targets_caption", lang)) }
                        thead { tr {
                            th scope="col" { (t("indicator", lang)) }
                            th scope="col" { (t("applies_to", lang)) }
                            th scope="col" { (t("period", lang)) }
                            th scope="col" .num { (word("target", lang)) }
                            th scope="col" .num { (word("actual", lang)) }
                            th scope="col" .num { (word("attainment", lang)) }
                            th scope="col" .num { (word("expected_to_date", lang)) }
                            th scope="col" .num { (word("pace", lang)) }
                            th scope="col" .num { (word("projected", lang)) }
                            th scope="col" { (word("status", lang)) }
                            th scope="col" { (t("trend", lang)) }
                        } }
                        tbody {
                            @for r in &d.main.targets {
                                (target_row(d, r, lang))
                            }
                        }
                    }
                }))
            }
        }
    }
}

fn target_row(d: &Data, r: &TargetResult, lang: Lang) -> Markup {
    let recorded = d
        .history
        .targets
        .iter()
        .find(|t| usize::from(t.position) == r.position);
    let actual = if r.suppressed {
        word("suppressed", lang).to_owned()
    } else {
        format::kpi_or_na(r.kpi, r.actual, lang)
    };
    let link = url::build(
        &format!("/dashboard/campaigns/{}", d.campaign.id),
        &[("series", r.kpi.as_str()), ("lang", lang.as_str())],
    ) + "#over-time-h";
    html! {
        tr {
            th scope="row" { a href=(link) { (r.kpi_label) } }
            td { (table::scope(r, lang)) }
            td { span.nowrap { (r.from) } " – " span.nowrap { (r.to) } }
            td.num { (format::kpi(r.kpi, r.target, lang)) }
            td.num { (actual) }
            td.num { (format::percent_or_na(r.attainment, lang)) }
            td.num { (format::kpi(r.kpi, r.expected_to_date, lang)) }
            td.num { (format::percent_or_na(r.pace, lang)) }
            td.num { (format::kpi_or_na(r.kpi, r.projected, lang)) }
            td { (status(r.status, lang)) }
            td { (trend(&trend_points(r, recorded, d.today, d.tz), lang)) }
        }
    }
}

/// A bucket's label: its day, or its hour.
fn bucket_label(start: DateTime<Utc>, g: Granularity, tz: Tz) -> String {
    match g {
        Granularity::Hour => format::local_minute(start, tz),
        Granularity::Day | Granularity::Week => start.with_timezone(&tz).date_naive().to_string(),
    }
}

/// A whole-campaign target of `k` (the one a ratio's line can show).
fn campaign_target(d: &Data, k: Kpi) -> Option<f64> {
    d.main
        .targets
        .iter()
        .find(|t| t.kpi == k && t.narrowing_labels.is_empty())
        .map(|t| t.target)
}

/// A series chart of `k` with its data table (in a disclosure: it is long).
fn series_chart(d: &Data, id: &str, k: Kpi, lang: Lang) -> Markup {
    let label = kpi_label(k, lang);
    let title = fill(
        match d.granularity {
            Granularity::Hour => "per_hour",
            Granularity::Day => "per_day",
            Granularity::Week => "per_week",
        },
        lang,
        &[&label],
    );
    let series = d.main.series.as_deref().unwrap_or_default();
    let points: Vec<Point> = series
        .iter()
        .map(|p| Point {
            label: bucket_label(p.start, d.granularity, d.tz),
            value: value(&p.kpis, k),
        })
        .collect();
    // A sum's target is for the whole period, not each bucket: only a
    // ratio's target is a line on the chart.
    let target = campaign_target(d, k).filter(|_| k.is_ratio());
    let known: Vec<f64> = points.iter().filter_map(|p| p.value).collect();
    let low = known.iter().copied().fold(f64::INFINITY, f64::min);
    let high = known.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let na = t("not_available", lang).to_owned();
    let shown = |v: f64| {
        if v.is_finite() {
            format::kpi(k, v, lang)
        } else {
            na.clone()
        }
    };
    let mut desc = fill(
        "line_desc",
        lang,
        &[
            &label,
            points.first().map_or("", |p| p.label.as_str()),
            points.last().map_or("", |p| p.label.as_str()),
            &shown(low),
            &shown(high),
        ],
    );
    if let Some(v) = target {
        desc.push(' ');
        desc.push_str(&fill("target_line", lang, &[&format::kpi(k, v, lang)]));
    }
    let target_label = word("target", lang);
    let axis = |v: f64| format::kpi(k, v, lang);
    let caption = format!("{id}-caption");
    html! {
        (chart::line(&chart::Line {
            id,
            title: &title,
            desc: &desc,
            points: &points,
            target: target.map(|v| (v, target_label)),
            format: &axis,
        }))
        details {
            summary { (t("data_table", lang)) }
            (framed(&caption, html! {
                table {
                    caption #(caption) { (title) }
                    thead { tr { th scope="col" { (t("bucket_start", lang)) } th scope="col" .num { (label) } } }
                    tbody {
                        @for (p, point) in series.iter().zip(&points) {
                            tr { th scope="row" { (point.label) } td.num { (cell(&p.kpis, k, lang)) } }
                        }
                    }
                }
            }))
        }
    }
}

fn over_time(d: &Data, lang: Lang) -> Markup {
    let path = format!("/dashboard/campaigns/{}", d.campaign.id);
    html! {
        section aria-labelledby="over-time-h" {
            h2 #over-time-h tabindex="-1" { (t("over_time", lang)) }
            form.inline method="get" action=(path) {
                input type="hidden" name="lang" value=(lang.as_str());
                label for="series" { (t("indicator_shown", lang)) }
                select #series name="series" {
                    @for k in Kpi::ALL {
                        option value=(k.as_str()) selected[k == d.series_kpi] { (kpi_label(k, lang)) }
                    }
                }
                button type="submit" { (t("show", lang)) }
            }
            (series_chart(d, "series-chart", d.series_kpi, lang))
        }
    }
}

/// The groups of a breakdown that carry its KPIs (the other kind of
/// event lacks the dimension and sits under the key `""`).
fn keyed(view: &PerformanceView, d: Dimension) -> Vec<(&str, &GroupView)> {
    view.groups
        .iter()
        .filter_map(|g| {
            let key = g.key.get(d.as_str())?;
            (!key.is_empty()).then(|| {
                let label = g
                    .key_labels
                    .get(d.as_str())
                    .map_or(key.as_str(), String::as_str);
                (label, g)
            })
        })
        .collect()
}

/// A breakdown: bars of `chart_kpi`, then a table of `columns`.
fn breakdown(
    id: &str,
    heading: &str,
    dim_label: &str,
    rows: &[(&str, &KpiValues)],
    chart_kpi: Kpi,
    columns: &[Kpi],
    lang: Lang,
) -> Markup {
    let kpi = kpi_label(chart_kpi, lang);
    let bars: Vec<Bar> = rows
        .iter()
        .map(|(label, v)| Bar {
            label: (*label).to_owned(),
            value: value(v, chart_kpi).unwrap_or(0.0),
            text: cell(v, chart_kpi, lang),
        })
        .collect();
    let title = format!("{kpi} — {heading}");
    let caption = format!("{id}-caption");
    html! {
        @if rows.is_empty() {
            p { (t("no_breakdown", lang)) }
        } @else {
            (chart::bars(id, &title, &fill("chart_desc", lang, &[&title]), &bars))
            (framed(&caption, html! {
                table {
                    caption #(caption) { (heading) " — " (t("data_table", lang)) }
                    thead { tr {
                        th scope="col" { (dim_label) }
                        @for k in columns { th scope="col" .num { (kpi_label(*k, lang)) } }
                    } }
                    tbody {
                        @for (label, v) in rows {
                            tr {
                                th scope="row" { (label) }
                                @for k in columns { td.num { (cell(v, *k, lang)) } }
                            }
                        }
                    }
                }
            }))
        }
    }
}

fn by_segment(d: &Data, lang: Lang) -> Markup {
    let rows: Vec<(&str, &KpiValues)> = keyed(&d.by_segment, Dimension::Segment)
        .into_iter()
        .map(|(l, g)| (l, &g.kpis))
        .collect();
    let heading = t("by_segment", lang);
    html! {
        section aria-labelledby="segment-h" {
            h2 #segment-h { (heading) }
            (breakdown("segment-chart", heading, word("segment", lang), &rows, Kpi::UptakeCompleted,
                &[Kpi::Impressions, Kpi::Clicks, Kpi::Reach, Kpi::UptakeStarted, Kpi::UptakeCompleted], lang))
        }
    }
}

fn by_channel(d: &Data, lang: Lang) -> Markup {
    let rows: Vec<(&str, &KpiValues)> = keyed(&d.by_channel, Dimension::Channel)
        .into_iter()
        .map(|(l, g)| (l, &g.kpis))
        .collect();
    let heading = t("by_channel", lang);
    html! {
        section aria-labelledby="channel-h" {
            h2 #channel-h { (heading) }
            (breakdown("channel-chart", heading, t("outreach_channel", lang), &rows, Kpi::Impressions,
                &[Kpi::Impressions, Kpi::Clicks, Kpi::Ctr, Kpi::Reach, Kpi::SpendCents], lang))
        }
    }
}

fn channel_shift(d: &Data, lang: Lang) -> Markup {
    let groups = keyed(&d.by_service, Dimension::ServiceChannel);
    let program = Kpi::ProgramUptakeCompleted;
    // Shares are only known when no channel's count is hidden.
    let complete = groups.iter().all(|(_, g)| !hidden(&g.kpis, program));
    let total: f64 = groups
        .iter()
        .filter_map(|(_, g)| value(&g.kpis, program))
        .sum();
    let share = |g: &GroupView| -> Option<f64> {
        (complete && total > 0.0).then(|| value(&g.kpis, program).unwrap_or(0.0) / total)
    };
    let heading = t("channel_shift", lang);
    let title = format!("{} — {}", t("share", lang), kpi_label(program, lang));
    let bars: Vec<Bar> = groups
        .iter()
        .map(|(label, g)| Bar {
            label: (*label).to_owned(),
            value: share(g).unwrap_or(0.0),
            text: share(g).map_or_else(
                || word("suppressed", lang).to_owned(),
                |s| format::percent(s, lang),
            ),
        })
        .collect();
    let online = Kpi::ProgramOnlineShare;
    html! {
        section aria-labelledby="shift-h" {
            h2 #shift-h { (heading) }
            p { (t("channel_shift_intro", lang)) }
            p.big {
                (kpi_label(online, lang)) (colon(lang))
                strong { (cell(&d.main.totals, online, lang)) }
                @if let Some(v) = campaign_target(d, online) {
                    " (" (word("target", lang)) " " (format::kpi(online, v, lang)) ")"
                }
            }
            @if groups.is_empty() {
                p { (t("no_breakdown", lang)) }
            } @else {
                (chart::bars("shift-chart", &title, &fill("chart_desc", lang, &[&title]), &bars))
                (framed("shift-caption", html! {
                    table {
                        caption #shift-caption { (heading) " — " (t("data_table", lang)) }
                        thead { tr {
                            th scope="col" { (t("service_channel", lang)) }
                            th scope="col" .num { (kpi_label(program, lang)) }
                            th scope="col" .num { (t("share", lang)) }
                            th scope="col" .num { (kpi_label(Kpi::UptakeCompleted, lang)) }
                        } }
                        tbody {
                            @for (label, g) in &groups {
                                tr {
                                    th scope="row" { (label) }
                                    td.num { (cell(&g.kpis, program, lang)) }
                                    td.num { (share(g).map_or_else(|| word("suppressed", lang).to_owned(), |s| format::percent(s, lang))) }
                                    td.num { (cell(&g.kpis, Kpi::UptakeCompleted, lang)) }
                                }
                            }
                        }
                    }
                }))
            }
        }
    }
}

fn cost(d: &Data, lang: Lang) -> Markup {
    let k = Kpi::CostPerUptakeCents;
    html! {
        section aria-labelledby="cost-h" {
            h2 #cost-h { (t("cost_heading", lang)) }
            p { (t("cost_intro", lang)) }
            p.big {
                strong { (cell(&d.main.totals, k, lang)) }
                @if let Some(v) = campaign_target(d, k) {
                    " (" (word("target", lang)) " " (format::kpi(k, v, lang)) ")"
                }
            }
            (series_chart(d, "cost-chart", k, lang))
        }
    }
}
