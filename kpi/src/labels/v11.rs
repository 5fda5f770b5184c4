//! The labels contract/LABELS.md added for the v1.1 routes ("v1.1
//! additions (2026-12-06)"), verbatim: the measures of the new routes,
//! their decisions and statuses, and the units of geographic experiments.

#[rustfmt::skip]
pub(super) const MEASURES: &[(&str, &str, &str)] = &[
    ("credited", "Applications credited to the campaign", "Demandes attribuées à la campagne"),
    ("referred", "Applications referred by the campaign", "Demandes recommandées par la campagne"),
    ("both", "Referred and credited", "Recommandées et attribuées"),
    ("last_touch", "Last exposure", "Dernière exposition"),
    ("linear", "Shared among exposures", "Partagée entre les expositions"),
    ("exposed", "People exposed", "Personnes exposées"),
    ("conversion", "Completion rate of people exposed", "Taux de demandes complétées des personnes exposées"),
    ("lift", "Lift", "Effet relatif"),
    ("completion_rate", "Completion rate", "Taux d'achèvement"),
    ("digital_take_up", "Digital take-up", "Adoption du numérique"),
    ("cost_per_transaction_cents", "Cost per completed transaction", "Coût par transaction complétée"),
    ("savings_cents", "Savings from the channel shift", "Économies liées au changement de mode de prestation"),
    ("estimate", "Incremental result", "Résultat supplémentaire"),
    ("cost_per_incremental_cents", "Cost per additional completed application", "Coût par demande complétée supplémentaire"),
    ("minimum_detectable_effect", "Smallest effect the test can detect", "Plus petit effet décelable par le test"),
    ("pacing_index", "Spending pace", "Rythme des dépenses"),
    ("projected_cents", "Projected spend at the end", "Dépenses prévues à la fin"),
    ("fiscal_year_end_cents", "Projected spend by March 31", "Dépenses prévues au 31 mars"),
];

/// Codes as the routes send them; `not_started` is the pacing status (a
/// target's `not_started` keeps its label from the `Status` table).
#[rustfmt::skip]
pub(super) const DECISIONS: &[(&str, &str, &str)] = &[
    ("keep_running", "Keep the test running", "Poursuivre le test"),
    ("variant_better", "This message works better", "Ce message donne de meilleurs résultats"),
    ("variant_worse", "This message works less well", "Ce message donne de moins bons résultats"),
    ("no_difference", "No meaningful difference", "Aucune différence notable"),
    ("check_split", "Check the audience split", "Vérifier la répartition de l'auditoire"),
    ("too_early", "Too early to tell", "Trop tôt pour conclure"),
    ("effect", "Effect detected", "Effet décelé"),
    ("no_effect", "No effect detected", "Aucun effet décelé"),
    ("inconclusive", "Inconclusive", "Non concluant"),
    ("pre_trend_failed", "Regions were not comparable before the campaign", "Les régions n'étaient pas comparables avant la campagne"),
    ("on_pace", "On pace", "Au rythme prévu"),
    ("under", "Spending below plan", "Dépenses inférieures au plan"),
    ("over", "Spending above plan", "Dépenses supérieures au plan"),
    ("ended", "Flight ended", "Diffusion terminée"),
    ("drop", "Unusual drop", "Baisse inhabituelle"),
    ("spike", "Unusual rise", "Hausse inhabituelle"),
    ("tracking_break", "Data stopped arriving", "Les données ont cessé d'arriver"),
    ("not_started", "Flight not started", "Diffusion non commencée"),
];

#[rustfmt::skip]
pub(super) const UNITS: &[(&str, &str, &str)] = &[
    ("region", "Province or territory", "Province ou territoire"),
    ("fsa", "Postal area (first three characters)", "Région de tri d'acheminement"),
    ("office", "Service Canada office", "Bureau de Service Canada"),
];
