//! The pages' words: the dashboard's own labels (`LabelKind::Ui` of
//! `cmp_kpi`, both languages, tested there) and LABELS.md's words, with
//! `{}` filled in order.

use cmp_kpi::{LabelKind, Lang, label};

/// A dashboard word (its code when missing: a test below keeps every code
/// the pages use in the table).
pub fn t(code: &'static str, lang: Lang) -> &'static str {
    label(LabelKind::Ui, code, lang).unwrap_or(code)
}

/// A word of LABELS.md's "other words" (`target`, `status`, …).
pub fn word(code: &'static str, lang: Lang) -> &'static str {
    label(LabelKind::Word, code, lang).unwrap_or(code)
}

/// A dashboard sentence with each `{}` replaced by the next value.
pub fn fill(code: &'static str, lang: Lang, values: &[&str]) -> String {
    let mut out = String::new();
    let mut rest = t(code, lang);
    let mut values = values.iter();
    while let Some(at) = rest.find("{}") {
        out.push_str(&rest[..at]);
        out.push_str(values.next().copied().unwrap_or_default());
        rest = &rest[at + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The codes a source file passes to `t(`, `fill(` and `word(`.
    fn used(source: &str, call: &str) -> Vec<String> {
        source
            .match_indices(call)
            .filter(|(at, _)| {
                // `t(` itself, not the end of `get(`.
                source[..*at]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric() && c != '_' && c != '.')
            })
            .filter_map(|(at, _)| {
                let rest = &source[at + call.len()..];
                rest.find('"').map(|end| rest[..end].to_owned())
            })
            .collect()
    }

    #[test]
    fn every_word_the_pages_use_exists_in_both_languages() {
        let sources = [
            include_str!("layout.rs"),
            include_str!("list.rs"),
            include_str!("campaign.rs"),
            include_str!("portfolio.rs"),
            include_str!("offices.rs"),
            include_str!("sign_in.rs"),
            include_str!("error.rs"),
            include_str!("format.rs"),
            include_str!("chart.rs"),
            include_str!("table.rs"),
            include_str!("effect.rs"),
            include_str!("experiments.rs"),
        ];
        let mut n = 0;
        for source in sources {
            for (call, kind) in [
                ("t(\"", LabelKind::Ui),
                ("fill(\"", LabelKind::Ui),
                ("word(\"", LabelKind::Word),
            ] {
                for code in used(source, call) {
                    n += 1;
                    for lang in Lang::ALL {
                        assert!(label(kind, &code, lang).is_some(), "{code} ({lang})");
                    }
                }
            }
        }
        assert!(n > 50, "only {n} words found: is the scan broken?");
    }

    #[test]
    fn values_fill_the_holes_in_order() {
        assert_eq!(fill("n_of_m", Lang::En, &["2", "4"]), "2 of 4");
        assert_eq!(fill("n_of_m", Lang::Fr, &["2", "4"]), "2 sur 4");
        assert_eq!(fill("n_of_m", Lang::Fr, &["2"]), "2 sur ");
        assert_eq!(t("campaigns", Lang::Fr), "Campagnes");
        assert_eq!(word("status", Lang::Fr), "État");
    }
}
