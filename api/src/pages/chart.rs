//! Charts drawn on the server as inline SVG: horizontal bars, a line over
//! time, estimates with their intervals and a sparkline. Each is `role="img"` named by its `<title>` and
//! described by its `<desc>`; the page puts the same numbers in a table
//! next to it, so nothing is only in the picture. Marks are dark enough
//! for 3:1 against the background (WCAG 1.4.11); the styles are in
//! `app.css`, so the SVG carries no inline style (the pages' CSP allows
//! none).

use maud::{Markup, html};

/// Width of every chart's coordinate system (it scales to its box).
const WIDTH: f64 = 680.0;

/// One bar: its label, its length's value and the value as shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub text: String,
}

/// A label cut to fit its column (the table has it whole).
fn fit(label: &str, chars: usize) -> String {
    if label.chars().count() <= chars {
        label.to_owned()
    } else {
        let cut: String = label.chars().take(chars - 1).collect();
        format!("{cut}…")
    }
}

/// Horizontal bars, longest = largest value.
pub fn bars(id: &str, title: &str, desc: &str, bars: &[Bar]) -> Markup {
    const LABELS: f64 = 250.0;
    const LENGTH: f64 = 320.0;
    const ROW: f64 = 26.0;
    let max = bars.iter().map(|b| b.value).fold(0.0_f64, f64::max);
    let height = ROW * bars.len() as f64 + 6.0;
    html! {
        svg.chart.bars role="img" aria-labelledby=(format!("{id}-t {id}-d")) viewBox=(format!("0 0 {WIDTH} {height}")) {
            title id=(format!("{id}-t")) { (title) }
            desc id=(format!("{id}-d")) { (desc) }
            @for (i, b) in bars.iter().enumerate() {
                @let y = ROW * i as f64 + 4.0;
                @let length = if max > 0.0 { (b.value.max(0.0) / max * LENGTH).max(1.0) } else { 1.0 };
                text.label x=(LABELS - 8.0) y=(format!("{:.1}", y + 13.0)) text-anchor="end" { (fit(&b.label, 34)) }
                rect.mark x=(LABELS) y=(format!("{:.1}", y + 1.0)) width=(format!("{length:.1}")) height="16" {}
                text.value x=(format!("{:.1}", LABELS + length + 6.0)) y=(format!("{:.1}", y + 13.0)) { (b.text) }
            }
        }
    }
}

/// One point of a line: its bucket's label and value (`None`: no value).
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub label: String,
    pub value: Option<f64>,
}

/// A line chart over time.
pub struct Line<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub desc: &'a str,
    pub points: &'a [Point],
    /// A target drawn as a dashed line, with its label.
    pub target: Option<(f64, &'a str)>,
    /// How a value reads (axis labels).
    pub format: &'a dyn Fn(f64) -> String,
}

impl std::fmt::Debug for Line<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Line")
            .field("id", &self.id)
            .field("points", &self.points.len())
            .finish_non_exhaustive()
    }
}

/// The value a line chart's axis goes up to: the largest value or target,
/// with a little room above.
fn top(points: &[Point], target: Option<f64>) -> f64 {
    let max = points
        .iter()
        .filter_map(|p| p.value)
        .chain(target)
        .fold(0.0_f64, f64::max);
    if max > 0.0 { max * 1.1 } else { 1.0 }
}

/// The runs of consecutive values, as polyline coordinates.
fn runs(coords: &[Option<(f64, f64)>]) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for c in coords {
        match (c, out.last_mut()) {
            (Some(xy), Some(run)) => run.push(*xy),
            (None, Some(run)) if !run.is_empty() => out.push(Vec::new()),
            _ => {}
        }
    }
    out.retain(|r| !r.is_empty());
    out
}

fn polyline(run: &[(f64, f64)]) -> String {
    run.iter()
        .map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A line of `l.points`, evenly spaced, from zero up.
pub fn line(l: &Line) -> Markup {
    const LEFT: f64 = 78.0;
    const RIGHT: f64 = WIDTH - 12.0;
    const TOP: f64 = 14.0;
    const BOTTOM: f64 = 196.0;
    let n = l.points.len();
    let top = top(l.points, l.target.map(|t| t.0));
    let x = |i: usize| {
        if n <= 1 {
            (LEFT + RIGHT) / 2.0
        } else {
            LEFT + (RIGHT - LEFT) * i as f64 / (n - 1) as f64
        }
    };
    let y = |v: f64| BOTTOM - (BOTTOM - TOP) * (v / top);
    let coords: Vec<Option<(f64, f64)>> = l
        .points
        .iter()
        .enumerate()
        .map(|(i, p)| p.value.map(|v| (x(i), y(v))))
        .collect();
    let ticks = [0.0, top / 2.0, top];
    let labelled: Vec<usize> = match n {
        0 => vec![],
        1 => vec![0],
        2 => vec![0, 1],
        _ => vec![0, n / 2, n - 1],
    };
    html! {
        svg.chart.line role="img" aria-labelledby=(format!("{}-t {}-d", l.id, l.id)) viewBox=(format!("0 0 {WIDTH} 226")) {
            title id=(format!("{}-t", l.id)) { (l.title) }
            desc id=(format!("{}-d", l.id)) { (l.desc) }
            @for v in ticks {
                line.grid x1=(LEFT) x2=(RIGHT) y1=(format!("{:.1}", y(v))) y2=(format!("{:.1}", y(v))) {}
                text.axis x=(LEFT - 6.0) y=(format!("{:.1}", y(v) + 4.0)) text-anchor="end" { ((l.format)(v)) }
            }
            @for i in labelled {
                @let anchor = if i == 0 && n > 1 { "start" } else if i == n - 1 && n > 1 { "end" } else { "middle" };
                text.axis x=(format!("{:.1}", x(i))) y="218" text-anchor=(anchor) { (l.points[i].label) }
            }
            @if let Some((value, label)) = l.target {
                line.target x1=(LEFT) x2=(RIGHT) y1=(format!("{:.1}", y(value))) y2=(format!("{:.1}", y(value))) {}
                text.axis x=(RIGHT) y=(format!("{:.1}", y(value) - 5.0)) text-anchor="end" { (label) }
            }
            @for run in runs(&coords) {
                @if run.len() == 1 {
                    circle.mark cx=(format!("{:.1}", run[0].0)) cy=(format!("{:.1}", run[0].1)) r="3" {}
                } @else {
                    polyline.series points=(polyline(&run)) {}
                }
            }
        }
    }
}

/// One estimate with its interval: its label, the three values and the
/// estimate as shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    pub label: String,
    pub value: f64,
    pub low: f64,
    pub high: f64,
    pub text: String,
}

/// The scale of an interval chart: every value and zero, with a little
/// room either side.
fn span(rows: &[Estimate]) -> (f64, f64) {
    let (low, high) = rows
        .iter()
        .flat_map(|r| [r.low, r.value, r.high])
        .filter(|v| v.is_finite())
        .fold((0.0_f64, 0.0_f64), |(l, h), v| (l.min(v), h.max(v)));
    let room = if high > low { (high - low) * 0.1 } else { 1.0 };
    (low - room, high + room)
}

/// Estimates as dots on their intervals, on a horizontal scale that
/// holds zero, drawn as a dashed line labelled `zero` (no effect);
/// `format` writes the scale's ends.
pub fn intervals(
    id: &str,
    title: &str,
    desc: &str,
    rows: &[Estimate],
    zero: &str,
    format: &dyn Fn(f64) -> String,
) -> Markup {
    const LABELS: f64 = 250.0;
    const RIGHT: f64 = WIDTH - 40.0;
    const TOP: f64 = 22.0;
    const ROW: f64 = 34.0;
    let (low, high) = span(rows);
    let x = |v: f64| LABELS + (RIGHT - LABELS) * (v - low) / (high - low);
    let bottom = TOP + ROW * rows.len() as f64;
    let height = bottom + 22.0;
    html! {
        svg.chart.intervals role="img" aria-labelledby=(format!("{id}-t {id}-d")) viewBox=(format!("0 0 {WIDTH} {height}")) {
            title id=(format!("{id}-t")) { (title) }
            desc id=(format!("{id}-d")) { (desc) }
            line.grid x1=(LABELS) x2=(RIGHT) y1=(format!("{bottom:.1}")) y2=(format!("{bottom:.1}")) {}
            text.axis x=(LABELS) y=(format!("{:.1}", bottom + 16.0)) text-anchor="start" { (format(low)) }
            text.axis x=(RIGHT) y=(format!("{:.1}", bottom + 16.0)) text-anchor="end" { (format(high)) }
            line.target x1=(format!("{:.1}", x(0.0))) x2=(format!("{:.1}", x(0.0))) y1=(format!("{:.1}", TOP - 4.0)) y2=(format!("{bottom:.1}")) {}
            text.axis x=(format!("{:.1}", x(0.0))) y=(format!("{:.1}", TOP - 8.0)) text-anchor="middle" { (zero) }
            @for (i, r) in rows.iter().enumerate() {
                @let y = TOP + ROW * i as f64 + ROW / 2.0;
                text.label x=(LABELS - 8.0) y=(format!("{:.1}", y + 4.0)) text-anchor="end" { (fit(&r.label, 34)) }
                polyline.series points=(format!("{:.1},{:.1} {:.1},{:.1}", x(r.low), y, x(r.high), y)) {}
                @for end in [r.low, r.high] {
                    polyline.series points=(format!("{:.1},{:.1} {:.1},{:.1}", x(end), y - 6.0, x(end), y + 6.0)) {}
                }
                circle.mark cx=(format!("{:.1}", x(r.value))) cy=(format!("{y:.1}")) r="5" {}
                text.value x=(format!("{:.1}", x(r.value))) y=(format!("{:.1}", y - 9.0)) text-anchor="middle" { (r.text) }
            }
        }
    }
}

/// A small line of attainment values (1 = the target) with the target as
/// a dashed line; `title` says what it shows in words.
pub fn sparkline(title: &str, values: &[Option<f64>]) -> Markup {
    const W: f64 = 120.0;
    const H: f64 = 28.0;
    let top = values.iter().flatten().fold(1.2_f64, |m, v| m.max(*v));
    let n = values.len();
    let x = |i: usize| {
        if n <= 1 {
            W / 2.0
        } else {
            2.0 + (W - 4.0) * i as f64 / (n - 1) as f64
        }
    };
    let y = |v: f64| H - 2.0 - (H - 4.0) * (v.max(0.0) / top);
    let coords: Vec<Option<(f64, f64)>> = values
        .iter()
        .enumerate()
        .map(|(i, v)| v.map(|v| (x(i), y(v))))
        .collect();
    html! {
        svg.spark role="img" viewBox=(format!("0 0 {W} {H}")) width="120" height="28" {
            title { (title) }
            line.target x1="0" x2=(W) y1=(format!("{:.1}", y(1.0))) y2=(format!("{:.1}", y(1.0))) {}
            @for run in runs(&coords) {
                @if run.len() == 1 {
                    circle.mark cx=(format!("{:.1}", run[0].0)) cy=(format!("{:.1}", run[0].1)) r="2" {}
                } @else {
                    polyline.series points=(polyline(&run)) {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_and_escape_labels() {
        let svg = bars(
            "c",
            "Clicks <by> channel",
            "d",
            &[
                Bar {
                    label: "Web".into(),
                    value: 50.0,
                    text: "50".into(),
                },
                Bar {
                    label: "<script>".into(),
                    value: 100.0,
                    text: "100".into(),
                },
                Bar {
                    label: "None".into(),
                    value: 0.0,
                    text: "0".into(),
                },
            ],
        )
        .into_string();
        assert!(
            svg.contains(r#"role="img" aria-labelledby="c-t c-d""#),
            "{svg}"
        );
        assert!(
            svg.contains(r#"width="160.0""#) && svg.contains(r#"width="320.0""#),
            "{svg}"
        );
        assert!(svg.contains(r#"width="1.0""#), "a zero still shows: {svg}");
        assert!(
            svg.contains("&lt;script&gt;") && !svg.contains("<script>"),
            "{svg}"
        );
        assert!(svg.contains("Clicks &lt;by&gt; channel"));
        assert!(!svg.contains("style="));
    }

    #[test]
    fn lines_break_at_missing_values() {
        let p = |v: Option<f64>| Point {
            label: "d".into(),
            value: v,
        };
        assert_eq!(
            runs(&[
                Some((1.0, 1.0)),
                Some((2.0, 2.0)),
                None,
                Some((4.0, 4.0)),
                None
            ]),
            vec![vec![(1.0, 1.0), (2.0, 2.0)], vec![(4.0, 4.0)]]
        );
        let points = [p(Some(10.0)), p(None), p(Some(0.0)), p(Some(20.0))];
        let svg = line(&Line {
            id: "s",
            title: "t",
            desc: "d",
            points: &points,
            target: Some((30.0, "Target")),
            format: &|v| format!("{v:.0}"),
        })
        .into_string();
        assert_eq!(svg.matches("<polyline").count(), 1, "{svg}");
        assert_eq!(svg.matches("<circle").count(), 1, "{svg}");
        assert!(
            svg.contains(">33<"),
            "the axis tops at the target + 10 %: {svg}"
        );
        assert!(svg.contains("class=\"target\""));
        assert!(
            top(&[p(None)], None) == 1.0 && top(&[p(Some(5.0))], None) > 5.0,
            "an empty chart still has an axis"
        );
    }

    #[test]
    fn intervals_hold_zero_and_put_each_estimate_on_its_interval() {
        let row = |value: f64, low: f64, high: f64| Estimate {
            label: "Lift".into(),
            value,
            low,
            high,
            text: format!("{value}"),
        };
        // All above zero: the scale still starts below zero.
        let (low, high) = span(&[row(0.3, 0.2, 0.47)]);
        assert!(low < 0.0 && high > 0.47, "{low} {high}");
        let svg = intervals(
            "e",
            "Lift <of> uptake",
            "d",
            &[row(0.3, 0.2, 0.47)],
            "No effect",
            &|v| format!("{v:.2}"),
        )
        .into_string();
        assert!(
            svg.contains(r#"role="img" aria-labelledby="e-t e-d""#),
            "{svg}"
        );
        assert!(svg.contains("Lift &lt;of&gt; uptake") && svg.contains(">No effect<"));
        // Scale −0.047..0.517 over x 250..640: zero at 282.5, the estimate
        // at 489.9, the interval from 420.8 to 607.5.
        assert!(svg.contains(r#"x1="282.5" x2="282.5""#), "{svg}");
        assert!(svg.contains(r#"<circle class="mark" cx="489.9""#), "{svg}");
        assert!(svg.contains(r#"points="420.8,39.0 607.5,39.0""#), "{svg}");
        assert!(!svg.contains("style="));
        // Nothing but zero: a scale of its own.
        assert_eq!(span(&[row(0.0, 0.0, 0.0)]), (-1.0, 1.0));
    }

    #[test]
    fn sparklines_mark_the_target() {
        let svg = sparkline(
            "Attainment from 40% to 80%",
            &[Some(0.4), None, Some(0.6), Some(0.8)],
        )
        .into_string();
        assert!(
            svg.starts_with("<svg class=\"spark\" role=\"img\""),
            "{svg}"
        );
        assert!(svg.contains("<title>Attainment from 40% to 80%</title>"));
        assert_eq!(svg.matches("<polyline").count(), 1);
        assert_eq!(svg.matches("<circle").count(), 1);
    }
}
