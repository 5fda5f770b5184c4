//! The bilingual labels of contract/LABELS.md, verbatim: what a person
//! reads for each code, in English or French. The tables below are copied
//! character for character from that file (ASCII apostrophes, precomposed
//! accents); a code missing here has no label of ours and the caller falls
//! back to the campaign registry or the code itself, as LABELS.md says.

mod ui;
mod v11;

use std::fmt;

use crate::error::Error;
use crate::status::Status;

/// One of Canada's two official languages: the `lang` parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    En,
    Fr,
}

impl Lang {
    /// Both languages.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Fr];

    /// `en` or `fr`, exactly (the contract spells them lower-case); the
    /// error names `lang`.
    pub fn parse(code: &str) -> Result<Lang, Error> {
        match code {
            "en" => Ok(Lang::En),
            "fr" => Ok(Lang::Fr),
            other => Err(Error::UnknownLang(other.to_owned())),
        }
    }

    /// The code, `en` or `fr`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which table of LABELS.md a code belongs to (codes overlap between
/// tables: `segment` is a word and a dimension, `en` a language).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LabelKind {
    Kpi,
    Channel,
    Action,
    ServiceChannel,
    Stage,
    Region,
    Language,
    /// Only the default segment `unspecified` has a label; other segments
    /// are the campaign registry's.
    Segment,
    Program,
    /// Result statuses (contract/API.md), codes as `Status::as_str`.
    Status,
    /// "Other words on screens and in CSV headers", by these codes:
    /// `campaign target actual attainment expected_to_date pace projected
    /// status fiscal_year segment suppressed` (the API's field names).
    Word,
    /// The dashboard pages' own words (headings, buttons, sentences with
    /// `{}` where a value goes), not in LABELS.md.
    Ui,
    /// v1.1: the measures of the new routes (`estimate`, `lift`, …).
    Measure,
    /// v1.1: decisions and statuses of message tests, experiments, pacing
    /// and anomalies (`effect`, `too_early`, …).
    Decision,
    /// v1.1: the units of geographic experiments (`region`, `fsa`, `office`).
    ExperimentUnit,
}

impl LabelKind {
    /// Every table.
    pub const ALL: [LabelKind; 15] = [
        LabelKind::Kpi,
        LabelKind::Channel,
        LabelKind::Action,
        LabelKind::ServiceChannel,
        LabelKind::Stage,
        LabelKind::Region,
        LabelKind::Language,
        LabelKind::Segment,
        LabelKind::Program,
        LabelKind::Status,
        LabelKind::Word,
        LabelKind::Ui,
        LabelKind::Measure,
        LabelKind::Decision,
        LabelKind::ExperimentUnit,
    ];

    fn table(self) -> &'static [(&'static str, &'static str, &'static str)] {
        match self {
            LabelKind::Kpi => KPIS,
            LabelKind::Channel => CHANNELS,
            LabelKind::Action => ACTIONS,
            LabelKind::ServiceChannel => SERVICE_CHANNELS,
            LabelKind::Stage => STAGES,
            LabelKind::Region => REGIONS,
            LabelKind::Language => LANGUAGES,
            LabelKind::Segment => SEGMENTS,
            LabelKind::Program => PROGRAMS,
            LabelKind::Status => &STATUSES,
            LabelKind::Word => WORDS,
            LabelKind::Ui => ui::UI,
            LabelKind::Measure => v11::MEASURES,
            LabelKind::Decision => v11::DECISIONS,
            LabelKind::ExperimentUnit => v11::UNITS,
        }
    }
}

/// The label of `code` in `lang`, or `None` when LABELS.md has none.
/// Codes are exact (region codes upper-case, the others lower-case).
pub fn label(kind: LabelKind, code: &str, lang: Lang) -> Option<&'static str> {
    kind.table()
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|&(_, en, fr)| match lang {
            Lang::En => en,
            Lang::Fr => fr,
        })
}

/// What a person reads for `code`: its label, or, for a code LABELS.md does
/// not name (a segment such as `seniors`, a program outside the table), the
/// code itself, as the contract says.
pub fn label_or_code(kind: LabelKind, code: &str, lang: Lang) -> std::borrow::Cow<'static, str> {
    match label(kind, code, lang) {
        Some(l) => std::borrow::Cow::Borrowed(l),
        None => std::borrow::Cow::Owned(code.to_owned()),
    }
}

/// The codes of a table, in LABELS.md's order.
pub fn codes(kind: LabelKind) -> impl Iterator<Item = &'static str> {
    kind.table().iter().map(|&(c, _, _)| c)
}

/// Indexed by `Status as usize`: keep in the enum's order.
#[rustfmt::skip]
pub(crate) const STATUSES: [(&str, &str, &str); 6] = [
    (Status::NotStarted.as_str(), "Result to be achieved in the future", "Résultat à atteindre dans le futur"),
    (Status::OnTrack.as_str(), "On track", "En bonne voie"),
    (Status::AtRisk.as_str(), "At risk", "À risque"),
    (Status::OffTrack.as_str(), "Off track", "Hors trajectoire"),
    (Status::Met.as_str(), "Target met", "Cible atteinte"),
    (Status::NotMet.as_str(), "Target not met", "Cible non atteinte"),
];

#[rustfmt::skip]
const KPIS: &[(&str, &str, &str)] = &[
    ("impressions", "Impressions", "Impressions"),
    ("clicks", "Clicks", "Clics"),
    ("engagements", "Engagements", "Interactions"),
    ("shares", "Shares", "Partages"),
    ("video_completes", "Completed video views", "Visionnements complets"),
    ("visits", "Visits", "Visites"),
    ("ctr", "Click-through rate", "Taux de clics"),
    ("reach", "Reach (people)", "Portée (personnes)"),
    ("spend_cents", "Spend", "Dépenses"),
    ("uptake_started", "Applications started", "Demandes commencées"),
    ("uptake_submitted", "Applications submitted", "Demandes soumises"),
    ("uptake_completed", "Applications completed", "Demandes complétées"),
    ("cost_per_uptake_cents", "Cost per completed application", "Coût par demande complétée"),
    ("program_uptake_completed", "Program applications completed (all sources)", "Demandes complétées au programme (toutes sources)"),
    ("program_online_share", "Share completed online", "Part des demandes complétées en ligne"),
];

#[rustfmt::skip]
const CHANNELS: &[(&str, &str, &str)] = &[
    ("web", "Web", "Web"),
    ("social", "Social media", "Médias sociaux"),
    ("search", "Search", "Moteurs de recherche"),
    ("display", "Display advertising", "Publicité graphique"),
    ("video", "Online video", "Vidéo en ligne"),
    ("tv", "Television", "Télévision"),
    ("radio", "Radio", "Radio"),
    ("print", "Print", "Imprimé"),
    ("signage", "Digital signage in offices", "Affichage numérique dans les bureaux"),
    ("email", "Email", "Courriel"),
    ("outreach", "Community outreach", "Sensibilisation communautaire"),
];

#[rustfmt::skip]
const ACTIONS: &[(&str, &str, &str)] = &[
    ("impression", "Impression", "Impression"),
    ("click", "Click", "Clic"),
    ("engagement", "Engagement", "Interaction"),
    ("share", "Share", "Partage"),
    ("video_complete", "Completed video view", "Visionnement complet"),
    ("visit", "Visit", "Visite"),
];

const SERVICE_CHANNELS: &[(&str, &str, &str)] = &[
    ("online", "Online", "En ligne"),
    ("phone", "Phone", "Téléphone"),
    ("in_person", "In person", "En personne"),
    ("mail", "Mail", "Poste"),
];

const STAGES: &[(&str, &str, &str)] = &[
    ("started", "Started", "Commencée"),
    ("submitted", "Submitted", "Soumise"),
    ("completed", "Completed", "Complétée"),
];

const REGIONS: &[(&str, &str, &str)] = &[
    ("AB", "Alberta", "Alberta"),
    ("BC", "British Columbia", "Colombie-Britannique"),
    ("MB", "Manitoba", "Manitoba"),
    ("NB", "New Brunswick", "Nouveau-Brunswick"),
    ("NL", "Newfoundland and Labrador", "Terre-Neuve-et-Labrador"),
    ("NS", "Nova Scotia", "Nouvelle-Écosse"),
    ("NT", "Northwest Territories", "Territoires du Nord-Ouest"),
    ("NU", "Nunavut", "Nunavut"),
    ("ON", "Ontario", "Ontario"),
    ("PE", "Prince Edward Island", "Île-du-Prince-Édouard"),
    ("QC", "Quebec", "Québec"),
    ("SK", "Saskatchewan", "Saskatchewan"),
    ("YT", "Yukon", "Yukon"),
    ("CA", "National", "National"),
    ("XX", "Unknown", "Inconnue"),
];

const LANGUAGES: &[(&str, &str, &str)] = &[
    ("en", "English", "Anglais"),
    ("fr", "French", "Français"),
    ("und", "Not stated", "Non précisée"),
];

const SEGMENTS: &[(&str, &str, &str)] =
    &[("unspecified", "Unspecified segment", "Segment non précisé")];

#[rustfmt::skip]
const PROGRAMS: &[(&str, &str, &str)] = &[
    ("ei", "Employment Insurance", "Assurance-emploi"),
    ("cpp", "Canada Pension Plan", "Régime de pensions du Canada"),
    ("oas", "Old Age Security", "Sécurité de la vieillesse"),
    ("gis", "Guaranteed Income Supplement", "Supplément de revenu garanti"),
    ("ccb", "Canada Child Benefit", "Allocation canadienne pour enfants"),
    ("passport", "Passport", "Passeport"),
    ("sin", "Social Insurance Number", "Numéro d'assurance sociale"),
];

#[rustfmt::skip]
const WORDS: &[(&str, &str, &str)] = &[
    ("campaign", "Campaign", "Campagne"),
    ("target", "Target", "Cible"),
    ("actual", "Actual", "Résultat"),
    ("attainment", "Attainment", "Taux d'atteinte"),
    ("expected_to_date", "Expected to date", "Attendu à ce jour"),
    ("pace", "Pace", "Rythme"),
    ("projected", "Projected at end", "Projection à la fin"),
    ("status", "Status", "État"),
    ("fiscal_year", "Fiscal year", "Exercice financier"),
    ("segment", "Segment", "Segment"),
    ("suppressed", "Suppressed (small number)", "Donnée supprimée (petit nombre)"),
];

#[cfg(test)]
mod tests {

    #[test]
    fn unnamed_codes_read_as_themselves() {
        assert_eq!(
            label_or_code(LabelKind::Program, "oas", Lang::Fr),
            "Sécurité de la vieillesse"
        );
        assert_eq!(
            label_or_code(LabelKind::Segment, "seniors", Lang::Fr),
            "seniors"
        );
        assert_eq!(
            label_or_code(LabelKind::Segment, "unspecified", Lang::En),
            "Unspecified segment"
        );
    }

    use super::*;

    #[test]
    fn lang_parses_exactly() {
        assert_eq!(Lang::parse("en"), Ok(Lang::En));
        assert_eq!(Lang::parse("fr"), Ok(Lang::Fr));
        for bad in ["", "EN", "Fr", "fr-CA", "und"] {
            assert_eq!(Lang::parse(bad).expect_err(bad).field(), "lang");
        }
        assert_eq!(Lang::default(), Lang::En);
    }

    #[test]
    fn every_key_has_both_labels() {
        for kind in LabelKind::ALL {
            let mut seen = Vec::new();
            for code in codes(kind) {
                assert!(!seen.contains(&code), "{kind:?} {code} twice");
                seen.push(code);
                for lang in Lang::ALL {
                    let text = label(kind, code, lang).expect("listed code has a label");
                    assert!(!text.trim().is_empty(), "{kind:?} {code} {lang}");
                    assert_eq!(text.trim(), text, "{kind:?} {code} {lang}: stray spaces");
                    assert!(!text.contains('|') && !text.contains('`'), "{text}");
                }
            }
            assert!(!seen.is_empty(), "{kind:?} has no codes");
        }
    }

    #[test]
    fn tables_cover_the_contract_vocabularies() {
        let expect = [
            (LabelKind::Kpi, 15),
            (LabelKind::Channel, 11),
            (LabelKind::Action, 6),
            (LabelKind::ServiceChannel, 4),
            (LabelKind::Stage, 3),
            (LabelKind::Region, 15),
            (LabelKind::Language, 3),
            (LabelKind::Segment, 1),
            (LabelKind::Program, 7),
            (LabelKind::Status, 6),
            (LabelKind::Word, 11),
            (LabelKind::Ui, ui::UI.len()),
            (LabelKind::Measure, 18),
            (LabelKind::Decision, 18),
            (LabelKind::ExperimentUnit, 3),
        ];
        for (kind, n) in expect {
            assert_eq!(codes(kind).count(), n, "{kind:?}");
        }
        for kpi in crate::Kpi::ALL {
            assert!(
                label(LabelKind::Kpi, kpi.as_str(), Lang::Fr).is_some(),
                "{kpi}"
            );
        }
    }

    #[test]
    fn exact_strings() {
        use LabelKind::*;
        #[rustfmt::skip]
        let table = [
            (Kpi, "reach", "Reach (people)", "Portée (personnes)"),
            (Kpi, "cost_per_uptake_cents", "Cost per completed application", "Coût par demande complétée"),
            (Kpi, "program_online_share", "Share completed online", "Part des demandes complétées en ligne"),
            (Channel, "signage", "Digital signage in offices", "Affichage numérique dans les bureaux"),
            (Action, "video_complete", "Completed video view", "Visionnement complet"),
            (ServiceChannel, "in_person", "In person", "En personne"),
            (Stage, "completed", "Completed", "Complétée"),
            (Region, "PE", "Prince Edward Island", "Île-du-Prince-Édouard"),
            (Region, "NS", "Nova Scotia", "Nouvelle-Écosse"),
            (Region, "XX", "Unknown", "Inconnue"),
            (Language, "und", "Not stated", "Non précisée"),
            (Segment, "unspecified", "Unspecified segment", "Segment non précisé"),
            (Program, "sin", "Social Insurance Number", "Numéro d'assurance sociale"),
            (Status, "not_started", "Result to be achieved in the future", "Résultat à atteindre dans le futur"),
            (Status, "at_risk", "At risk", "À risque"),
            (Word, "attainment", "Attainment", "Taux d'atteinte"),
            (Word, "status", "Status", "État"),
            (Word, "projected", "Projected at end", "Projection à la fin"),
            (Word, "suppressed", "Suppressed (small number)", "Donnée supprimée (petit nombre)"),
            (Decision, "pre_trend_failed", "Regions were not comparable before the campaign", "Les régions n'étaient pas comparables avant la campagne"),
            (Decision, "too_early", "Too early to tell", "Trop tôt pour conclure"),
            (Measure, "cost_per_incremental_cents", "Cost per additional completed application", "Coût par demande complétée supplémentaire"),
            (ExperimentUnit, "fsa", "Postal area (first three characters)", "Région de tri d'acheminement"),
        ];
        for (kind, code, en, fr) in table {
            assert_eq!(label(kind, code, Lang::En), Some(en), "{kind:?} {code}");
            assert_eq!(label(kind, code, Lang::Fr), Some(fr), "{kind:?} {code}");
        }
        // The apostrophe is ASCII, as in LABELS.md; accents are precomposed.
        assert!(label(Word, "attainment", Lang::Fr).is_some_and(|s| s.contains('\'')));
        assert_eq!(
            label(Region, "QC", Lang::Fr).map(str::len),
            Some("Qu\u{e9}bec".len())
        );
    }

    #[test]
    fn unknown_codes_have_no_label() {
        let table = [
            (LabelKind::Region, "qc"),
            (LabelKind::Program, "ccb2"),
            (LabelKind::Segment, "seniors"),
            (LabelKind::Kpi, "CTR"),
            (LabelKind::Word, "Campaign"),
        ];
        for (kind, code) in table {
            assert_eq!(label(kind, code, Lang::En), None, "{kind:?} {code}");
        }
    }
}
