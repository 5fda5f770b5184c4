//! The dashboard's own words (LABELS.md names the vocabularies; these are
//! the headings, buttons and sentences of the pages around them), by code,
//! in both official languages. `{}` marks where a page puts a value.

#[rustfmt::skip]
pub(super) const UI: &[(&str, &str, &str)] = &[
    ("site_title", "Campaign results", "Résultats des campagnes"),
    ("skip_to_content", "Skip to main content", "Passer au contenu principal"),
    ("nav_label", "Dashboard", "Tableau de bord"),
    ("campaigns", "Campaigns", "Campagnes"),
    ("portfolio", "Portfolio by fiscal year", "Portefeuille par exercice financier"),
    ("other_language", "Français", "English"),
    ("sign_in", "Sign in", "Se connecter"),
    ("sign_out", "Sign out", "Se déconnecter"),
    ("signed_in_as", "Signed in as {}", "Connecté en tant que {}"),
    ("token", "Access token", "Jeton d'accès"),
    ("token_help", "The token you were given for the reporting API. It is kept in a cookie for this browser session.", "Le jeton qui vous a été remis pour l'API de rapports. Il est conservé dans un témoin pour cette session du navigateur."),
    ("sign_in_failed", "This token is not valid. Check it and try again.", "Ce jeton n'est pas valide. Vérifiez-le et réessayez."),
    ("error_title", "Something went wrong", "Une erreur s'est produite"),
    ("not_found", "This page does not exist.", "Cette page n'existe pas."),
    ("forbidden", "Your access does not include this page.", "Votre accès ne comprend pas cette page."),
    ("unavailable", "The data is unavailable for the moment. Try again shortly.", "Les données sont indisponibles pour le moment. Réessayez sous peu."),
    ("bad_request", "The address of this page has a value it does not understand: {}.", "L'adresse de cette page contient une valeur qu'elle ne comprend pas : {}."),
    ("program", "Program", "Programme"),
    ("period", "Period", "Période"),
    ("budget", "Budget", "Budget"),
    ("riskiest_status", "Riskiest target", "Cible la plus à risque"),
    ("targets_ok", "Targets met or on track", "Cibles atteintes ou en bonne voie"),
    ("n_of_m", "{} of {}", "{} sur {}"),
    ("no_targets", "No targets set", "Aucune cible fixée"),
    ("no_campaigns", "No campaign to show.", "Aucune campagne à afficher."),
    ("campaigns_caption", "The campaigns you can see, each with the status of its riskiest target", "Les campagnes que vous pouvez consulter, chacune avec l'état de sa cible la plus à risque"),
    ("results_so_far", "Results so far", "Résultats à ce jour"),
    ("latest_data", "Latest data: hour starting {}", "Dernières données : heure commençant à {}"),
    ("no_data", "No data yet", "Aucune donnée pour l'instant"),
    ("live_updated", "Updated at {}", "Mis à jour à {}"),
    ("pause_live", "Pause live updates", "Suspendre les mises à jour en direct"),
    ("resume_live", "Resume live updates", "Reprendre les mises à jour en direct"),
    ("targets", "Targets", "Cibles"),
    ("targets_caption", "The campaign's targets, judged today", "Les cibles de la campagne, évaluées aujourd'hui"),
    ("applies_to", "Applies to", "S'applique à"),
    ("whole_campaign", "Whole campaign", "Toute la campagne"),
    ("trend", "Attainment trend", "Tendance du taux d'atteinte"),
    ("trend_desc", "Attainment from {} on {} to {} on {}", "Taux d'atteinte de {} le {} à {} le {}"),
    ("no_trend", "No history yet", "Aucun historique pour l'instant"),
    ("over_time", "Over time", "Au fil du temps"),
    ("indicator_shown", "Indicator shown", "Indicateur affiché"),
    ("show", "Show", "Afficher"),
    ("data_table", "Data table", "Tableau de données"),
    ("per_day", "{} per day", "{} par jour"),
    ("per_week", "{} per week", "{} par semaine"),
    ("per_hour", "{} per hour", "{} par heure"),
    ("bucket_start", "Starting", "Début"),
    ("chart_desc", "Bar chart of {}; the table that follows gives the values.", "Graphique à barres : {} ; le tableau qui suit donne les valeurs."),
    ("line_desc", "Line chart of {} from {} to {}; lowest {}, highest {}. The data table gives every value.", "Graphique linéaire : {} du {} au {} ; minimum {}, maximum {}. Le tableau de données donne chaque valeur."),
    ("target_line", "The dashed line is the target, {}.", "La ligne pointillée est la cible, {}."),
    ("by_segment", "By client segment", "Par segment de clientèle"),
    ("by_channel", "By outreach channel", "Par canal de sensibilisation"),
    ("channel_shift", "Service channel mix (channel shift)", "Répartition par mode de prestation (virage vers le libre-service)"),
    ("channel_shift_intro", "Completed applications to the program through each service channel, whatever led to them.", "Demandes complétées au programme par chaque mode de prestation, quelle qu'en soit l'origine."),
    ("share", "Share", "Part"),
    ("cost_heading", "Cost per completed application", "Coût par demande complétée"),
    ("cost_intro", "Spend divided by the applications the campaign led to.", "Dépenses divisées par les demandes que la campagne a suscitées."),
    ("no_breakdown", "No data in this breakdown yet.", "Aucune donnée dans cette ventilation pour l'instant."),
    ("fiscal_year_heading", "Targets of fiscal year {}, riskiest first", "Cibles de l'exercice financier {}, les plus à risque d'abord"),
    ("judged_on", "Judged on {}", "Évaluées le {}"),
    ("download_csv", "Download these rows as CSV", "Télécharger ces lignes en CSV"),
    ("status_summary", "Targets by status", "Cibles par état"),
    ("count", "Number of targets", "Nombre de cibles"),
    ("no_rows", "No target in this fiscal year.", "Aucune cible pour cet exercice financier."),
    ("portfolio_caption", "Every target of fiscal year {}, riskiest first", "Toutes les cibles de l'exercice financier {}, les plus à risque d'abord"),
    ("small_cells", "Counts of fewer than {} people are suppressed to protect privacy.", "Les nombres de moins de {} personnes sont supprimés pour protéger la vie privée."),
    ("indicator", "Indicator", "Indicateur"),
    ("not_available", "n/a", "s.o."),
    ("value", "Value", "Valeur"),
    ("outreach_channel", "Outreach channel", "Canal de sensibilisation"),
    ("service_channel", "Service channel", "Mode de prestation"),
];

#[cfg(test)]
mod tests {
    #[test]
    fn both_languages_take_the_same_values() {
        for (code, en, fr) in super::UI {
            assert_eq!(en.matches("{}").count(), fr.matches("{}").count(), "{code}");
            assert!(!en.contains('\u{a0}') && !fr.contains('\u{a0}'), "{code}");
        }
    }
}
