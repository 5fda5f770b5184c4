//! Numbers, money, shares and instants as each language writes them, the
//! way `Intl.NumberFormat` writes them for `en-CA` and `fr-CA` (so the live
//! updates of `app.js` read the same): `12,345` / `12 345`, `$1,234.56` /
//! `1 234,56 $`, `45.2%` / `45,2 %` (French spaces are no-break spaces).
//! Dates are ISO 8601 (`2026-10-01`) in both languages, as on Canada.ca.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use cmp_kpi::{Kpi, Lang};

use super::words::t;

/// The no-break space French puts between groups and before `%` and `$`.
const NBSP: char = '\u{a0}';

/// `v` with `decimals` digits after the separator, thousands grouped.
pub fn decimal(v: f64, decimals: usize, lang: Lang) -> String {
    let (group, point) = match lang {
        Lang::En => (',', '.'),
        Lang::Fr => (NBSP, ','),
    };
    let text = format!("{:.*}", decimals, v.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::new();
    // "-0" is not a number a person writes.
    if v < 0.0 && text.bytes().any(|b| matches!(b, b'1'..=b'9')) {
        out.push('-');
    }
    for (i, digit) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(group);
        }
        out.push(digit);
    }
    if !frac.is_empty() {
        out.push(point);
        out.push_str(frac);
    }
    out
}

/// A whole count.
pub fn count(v: f64, lang: Lang) -> String {
    decimal(v.round(), 0, lang)
}

/// A ratio as a percentage with one decimal (`0.452` → `45.2%`).
pub fn percent(ratio: f64, lang: Lang) -> String {
    let n = decimal(ratio * 100.0, 1, lang);
    match lang {
        Lang::En => format!("{n}%"),
        Lang::Fr => format!("{n}{NBSP}%"),
    }
}

/// Cents as dollars and cents.
pub fn money(cents: f64, lang: Lang) -> String {
    let n = decimal(cents / 100.0, 2, lang);
    match lang {
        Lang::En if cents < 0.0 => format!("-${}", n.trim_start_matches('-')),
        Lang::En => format!("${n}"),
        Lang::Fr => format!("{n}{NBSP}$"),
    }
}

/// How a KPI's values read: counts, shares or money.
pub fn kpi(kpi: Kpi, v: f64, lang: Lang) -> String {
    match kpi {
        Kpi::Ctr | Kpi::ProgramOnlineShare => percent(v, lang),
        Kpi::SpendCents | Kpi::CostPerUptakeCents => money(v, lang),
        _ => count(v, lang),
    }
}

/// A KPI's value, or "n/a" when it has none (no denominator, no data).
pub fn kpi_or_na(k: Kpi, v: Option<f64>, lang: Lang) -> String {
    v.map_or_else(|| t("not_available", lang).to_owned(), |v| kpi(k, v, lang))
}

/// A ratio such as attainment or pace, or "n/a".
pub fn percent_or_na(v: Option<f64>, lang: Lang) -> String {
    v.map_or_else(|| t("not_available", lang).to_owned(), |v| percent(v, lang))
}

/// An instant in the reporting time zone, to the minute.
pub fn local_minute(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_intl_writes_them_in_canada() {
        #[rustfmt::skip]
        let table: &[(String, &str)] = &[
            (count(0.0, Lang::En), "0"),
            (count(999.0, Lang::En), "999"),
            (count(1000.0, Lang::En), "1,000"),
            (count(1_234_567.4, Lang::En), "1,234,567"),
            (count(1_234_567.0, Lang::Fr), "1\u{a0}234\u{a0}567"),
            (count(12_345.0, Lang::Fr), "12\u{a0}345"),
            (percent(0.452, Lang::En), "45.2%"),
            (percent(0.452, Lang::Fr), "45,2\u{a0}%"),
            (percent(12.5, Lang::Fr), "1\u{a0}250,0\u{a0}%"),
            (percent(0.0, Lang::En), "0.0%"),
            (money(123_456.0, Lang::En), "$1,234.56"),
            (money(123_456.0, Lang::Fr), "1\u{a0}234,56\u{a0}$"),
            (money(5.0, Lang::En), "$0.05"),
            (money(-250.0, Lang::En), "-$2.50"),
            (decimal(-0.0001, 2, Lang::En), "0.00"),
            (kpi(Kpi::Ctr, 0.031, Lang::Fr), "3,1\u{a0}%"),
            (kpi(Kpi::CostPerUptakeCents, 2500.0, Lang::En), "$25.00"),
            (kpi(Kpi::Reach, 20_000.0, Lang::En), "20,000"),
            (kpi_or_na(Kpi::Ctr, None, Lang::Fr), "s.o."),
            (percent_or_na(None, Lang::En), "n/a"),
        ];
        for (got, want) in table {
            assert_eq!(got, want);
        }
    }

    #[test]
    fn instants_read_in_the_reporting_zone() {
        let at = DateTime::parse_from_rfc3339("2026-11-02T05:00:00Z")
            .expect("time")
            .with_timezone(&Utc);
        assert_eq!(
            local_minute(at, chrono_tz::America::Toronto),
            "2026-11-02 00:00"
        );
    }
}
