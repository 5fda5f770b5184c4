//! The metric names a PromQL expression reads, for checking dashboards and
//! alert rules against what the processes really export. A small scanner,
//! not a parser: it drops strings, label matchers, ranges, grouping label
//! lists and function names, and keeps the identifiers left.

use std::collections::BTreeSet;

/// Words of the language that are not metric names: operators, modifiers
/// and the aggregations (which may be followed by `by (...)` before their
/// parenthesis).
const KEYWORDS: &[&str] = &[
    "and",
    "or",
    "unless",
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "bool",
    "offset",
    "inf",
    "nan",
    "sum",
    "min",
    "max",
    "avg",
    "group",
    "stddev",
    "stdvar",
    "count",
    "count_values",
    "bottomk",
    "topk",
    "quantile",
];
/// Keywords followed by a parenthesised list of label names.
const LABEL_LISTS: &[&str] = &[
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
];

/// Every metric name `expr` selects (Grafana variables must be substituted first).
pub fn metric_names(expr: &str) -> BTreeSet<String> {
    let chars: Vec<char> = expr.chars().collect();
    let mut names = BTreeSet::new();
    let mut i = 0;
    // The last token was `by`, `on`, ...: a `(` now opens label names.
    let mut label_list_next = false;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let was_label_keyword = std::mem::take(&mut label_list_next);
        match c {
            '"' | '\'' | '`' => i = skip_string(&chars, i),
            '{' => i = skip_to(&chars, i, '}'),
            '[' => i = skip_to(&chars, i, ']'),
            '(' if was_label_keyword => i = skip_to(&chars, i, ')'),
            c if c.is_ascii_alphabetic() || c == '_' || c == ':' => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric() || "_:".contains(chars[i]))
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let lower = word.to_ascii_lowercase();
                let is_call = chars[i..].iter().find(|c| !c.is_whitespace()) == Some(&'(');
                label_list_next = LABEL_LISTS.contains(&lower.as_str());
                if !is_call && !KEYWORDS.contains(&lower.as_str()) {
                    names.insert(word);
                }
            }
            c if c.is_ascii_digit() || c == '.' => {
                // a number or a duration (`5m`, `1e3`): not a name
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    names
}

/// Index after the string opening at `i` (backslash escapes honoured).
fn skip_string(chars: &[char], i: usize) -> usize {
    let quote = chars[i];
    let mut j = i + 1;
    while j < chars.len() && chars[j] != quote {
        j += if chars[j] == '\\' && quote != '`' {
            2
        } else {
            1
        };
    }
    j + 1
}

/// Index after the first `close` from `i` on, strings inside skipped.
fn skip_to(chars: &[char], i: usize, close: char) -> usize {
    let mut j = i + 1;
    while j < chars.len() && chars[j] != close {
        j = if "\"'`".contains(chars[j]) {
            skip_string(chars, j)
        } else {
            j + 1
        };
    }
    j + 1
}

/// Percent-encodes a query-string value.
pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(expr: &str) -> Vec<String> {
        metric_names(expr).into_iter().collect()
    }

    #[test]
    fn finds_the_selected_metrics_only() {
        let cases: &[(&str, &[&str])] = &[
            ("up", &["up"]),
            (r#"up{job=~"cmp-ingest|cmp-api", x='a}b'} == 0"#, &["up"]),
            (
                "sum by (topic, le) (rate(cmp_a_total[5m])) / on () group_left (code) sum without (instance) (cmp_b_total offset 1h)",
                &["cmp_a_total", "cmp_b_total"],
            ),
            (
                "histogram_quantile(0.99, sum by (le) (rate(x_bucket[10m]))) > 5",
                &["x_bucket"],
            ),
            (
                "deriv(lag[10m]) > 0 and lag > 1e3 or absent(up{job=\"x\"})",
                &["lag", "up"],
            ),
            (
                "sum(increase(a[1h:1m])) unless bool b:recorded:rate5m",
                &["a", "b:recorded:rate5m"],
            ),
            ("sort(pace{kpi=~\".*\"} < 0.75)", &["pace"]),
            ("sum by(dependency)(rate(r[1m]))", &["r"]),
        ];
        for (expr, want) in cases {
            assert_eq!(names(expr), want.to_vec(), "{expr}");
        }
    }

    #[test]
    fn encodes_query_values() {
        assert_eq!(url_encode("up{a=\"b c\"}"), "up%7Ba%3D%22b%20c%22%7D");
    }
}
