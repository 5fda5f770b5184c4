//! Geographic experiments of a campaign (contract/API.md v1.1): register
//! one (a new version of its definition, who and when), read it with its
//! result, list them. Readers and writers are the campaign's, as for its
//! performance. The result is computed at each read from the ledger's
//! uptake of the campaign's program per unit and reporting day
//! (`experiment_panel.rs`), by `cmp_measure::experiment` (difference in
//! differences, placebo inference), and shown as the caller may see it
//! (`experiment_result.rs`). The portfolio's newest experiment per
//! campaign may take those ledger reads from the memo, up to its
//! allowance old.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use cmp_kpi::{DateRange, LabelKind, Lang, label_or_code};
use cmp_measure::{ExperimentParams, experiment};
use cmp_store::{Campaign, ExperimentVersion};
use serde::Serialize;
use utoipa::ToSchema;

use super::campaign;
use super::experiment_body::{Definition, ExperimentKpi, parse_body};
use super::experiment_panel::{Panel, design, last_day};
use super::experiment_result::{Computed, Periods, ResultView, view};
use super::kpis::Audience;
use crate::caller::Caller;
use crate::error::ApiError;
use crate::memo::{SpendKey, UptakeKey};
use crate::sources::Sources;

/// One experiment: its definition (as registered), who registered this
/// version and when, and its result now.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ExperimentView {
    pub campaign: String,
    pub experiment_id: String,
    #[serde(flatten)]
    pub definition: Definition,
    pub unit_label: String,
    pub kpi_label: String,
    pub changed_by: String,
    pub changed_at: DateTime<Utc>,
    /// The control units the result compares with: those registered, or
    /// every other unit with data in the pre-period.
    pub control_used: Vec<String>,
    /// `null` with an `explanation` when there is none yet (the
    /// pre-period is not over) or the data cannot support the method.
    pub result: Option<ResultView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
    /// Client counts shown are randomly rounded to a multiple of this
    /// (docs/privacy.md); absent when exact (admins).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = 5)]
    pub rounded: Option<u64>,
}

/// Every experiment of a campaign, by id.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ExperimentListView {
    pub campaign: String,
    pub experiments: Vec<ExperimentView>,
}

/// One stored version of an experiment's definition.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct VersionView {
    #[serde(flatten)]
    pub definition: Definition,
    pub changed_by: String,
    pub changed_at: DateTime<Utc>,
}

/// Every version of an experiment's definition, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ExperimentHistoryView {
    pub campaign: String,
    pub experiment_id: String,
    pub versions: Vec<VersionView>,
}

/// The answer of `GET .../experiments/{experiment_id}`: the experiment
/// with its result, or with `history=true` every version of its definition.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(untagged)]
pub enum ExperimentReply {
    Current(Box<ExperimentView>),
    History(ExperimentHistoryView),
}

/// `experiment_id`: a slug, as campaign ids.
pub fn check_id(id: &str) -> Result<(), ApiError> {
    if cmp_model::rules::is_slug(id) {
        Ok(())
    } else {
        Err(ApiError::bad(
            "experiment_id",
            "must be a slug: 1-64 characters of a-z 0-9 _ -, starting with a letter or digit",
        ))
    }
}

/// Registers a new version of the experiment: managers of the campaign
/// and admins. Named units must have data in the pre-period.
pub async fn put(
    sources: &Sources,
    caller: &Caller,
    id: &str,
    experiment_id: &str,
    body: &[u8],
    lang: Lang,
) -> Result<ExperimentView, ApiError> {
    caller.write(id)?;
    check_id(experiment_id)?;
    let def = parse_body(body)?;
    let store = &sources.store;
    let c = campaign::find_for_write(store, caller, id).await?;
    check_units(sources, &c, &def).await?;
    let json = serde_json::to_string(&def)
        .map_err(|e| ApiError::bad("body", format!("cannot be stored: {e}")))?;
    let version =
        cmp_store::put_experiment(store, id, experiment_id, &json, &caller.0.name).await?;
    caller.audit("register_experiment", id);
    show(sources, caller, &c, &version, def, lang, None).await
}

/// One experiment with its result.
pub async fn get(
    sources: &Sources,
    caller: &Caller,
    id: &str,
    experiment_id: &str,
    lang: Lang,
) -> Result<ExperimentView, ApiError> {
    check_id(experiment_id)?;
    let c = campaign::find(sources, caller, id).await?;
    let version = cmp_store::experiment(&sources.store, id, experiment_id)
        .await?
        .ok_or_else(|| no_experiment(id, experiment_id))?;
    let def = stored(&version)?;
    show(sources, caller, &c, &version, def, lang, None).await
}

/// Every version of the experiment's definition (who, when), newest first.
pub async fn history(
    sources: &Sources,
    caller: &Caller,
    id: &str,
    experiment_id: &str,
) -> Result<ExperimentHistoryView, ApiError> {
    check_id(experiment_id)?;
    campaign::find(sources, caller, id).await?;
    let versions = cmp_store::experiment_history(&sources.store, id, experiment_id).await?;
    if versions.is_empty() {
        return Err(no_experiment(id, experiment_id));
    }
    Ok(ExperimentHistoryView {
        campaign: id.to_owned(),
        experiment_id: experiment_id.to_owned(),
        versions: versions
            .iter()
            .map(|v| {
                Ok(VersionView {
                    definition: stored(v)?,
                    changed_by: v.changed_by.clone(),
                    changed_at: v.changed_at,
                })
            })
            .collect::<Result<_, ApiError>>()?,
    })
}

fn no_experiment(id: &str, experiment_id: &str) -> ApiError {
    ApiError::NotFound(format!(
        "campaign `{id}` has no experiment `{experiment_id}`"
    ))
}

/// Every experiment of the campaign with its result.
pub async fn list(
    sources: &Sources,
    caller: &Caller,
    id: &str,
    lang: Lang,
) -> Result<ExperimentListView, ApiError> {
    let experiments = each(sources, caller, id, lang)
        .await?
        .into_iter()
        .map(|(_, view)| view)
        .collect::<Result<_, _>>()?;
    Ok(ExperimentListView {
        campaign: id.to_owned(),
        experiments,
    })
}

/// Every experiment of the campaign by id, each with its result or the
/// error that stopped it, so that one failing experiment does not hide
/// the others (the campaign page). The campaign's rights are checked first.
pub async fn each(
    sources: &Sources,
    caller: &Caller,
    id: &str,
    lang: Lang,
) -> Result<Vec<(String, Result<ExperimentView, ApiError>)>, ApiError> {
    let c = campaign::find(sources, caller, id).await?;
    let mut experiments = Vec::new();
    for version in cmp_store::experiments(&sources.store, id).await? {
        let view = match stored(&version) {
            Ok(def) => show(sources, caller, &c, &version, def, lang, None).await,
            Err(e) => Err(e),
        };
        experiments.push((version.experiment_id, view));
    }
    Ok(experiments)
}

/// The campaign's newest experiment with its result (the portfolio's
/// incremental result): the one whose test starts last, of those started
/// on one day the one registered last, then the greatest id. `None` when
/// the campaign has none. `c` is one the caller may read. The ledger reads
/// it rests on may be kept up to `stale` (the portfolio's judged targets'
/// allowance), so a live pipeline does not make each portfolio request
/// read them again.
pub async fn newest(
    sources: &Sources,
    caller: &Caller,
    c: &Campaign,
    stale: std::time::Duration,
    lang: Lang,
) -> Result<Option<ExperimentView>, ApiError> {
    let mut defined = Vec::new();
    for version in cmp_store::experiments(&sources.store, &c.id).await? {
        let def = stored(&version)?;
        defined.push((version, def));
    }
    let newest = defined.into_iter().max_by(|(a, x), (b, y)| {
        (x.start(), a.changed_at, &a.experiment_id).cmp(&(
            y.start(),
            b.changed_at,
            &b.experiment_id,
        ))
    });
    match newest {
        Some((version, def)) => Ok(Some(
            show(sources, caller, c, &version, def, lang, Some(stale)).await?,
        )),
        None => Ok(None),
    }
}

/// A stored definition (validated when stored).
fn stored(version: &ExperimentVersion) -> Result<Definition, ApiError> {
    serde_json::from_str(&version.definition).map_err(|e| {
        tracing::error!(experiment = %version.experiment_id, error = %e, "stored experiment does not parse");
        ApiError::NotFound(format!(
            "experiment `{}` cannot be read",
            version.experiment_id
        ))
    })
}

/// How a result reads the ledger: straight (`None`, exact: the experiment
/// routes and the campaign page), or through the memo, accepting reads
/// made at an older data version up to this long ago (the portfolio, as it
/// takes judged targets).
type Reads = Option<std::time::Duration>;

/// The program's uptake per unit and day over `pre_from ..= last`.
async fn panel(
    sources: &Sources,
    c: &Campaign,
    def: &Definition,
    last: NaiveDate,
    reads: Reads,
) -> Result<Panel, ApiError> {
    let tz = sources.rules.tz;
    let bounds = DateRange {
        from: def.pre_from,
        to: last,
    }
    .utc_bounds(tz);
    let (unit, program) = (def.unit.as_str(), c.program.as_str());
    let read = cmp_store::experiment_uptake(&sources.store, tz.name(), unit, program, bounds);
    let rows = match reads {
        None => Arc::new(read.await?),
        Some(stale) => {
            let key = UptakeKey {
                tz: tz.name(),
                unit,
                program: program.to_owned(),
                bounds,
            };
            sources.memo.uptake(key, stale, read).await?
        }
    };
    Ok(Panel::new(def, last, &rows, tz))
}

/// The campaign's spend in the treated units over `from ..= last`.
async fn treated_spend(
    sources: &Sources,
    c: &Campaign,
    def: &Definition,
    (from, last): (NaiveDate, NaiveDate),
    reads: Reads,
) -> Result<u64, ApiError> {
    let bounds = DateRange { from, to: last }.utc_bounds(sources.rules.tz);
    let unit = def.unit.as_str();
    let read = cmp_store::experiment_spend(&sources.store, unit, &c.id, bounds);
    let rows = match reads {
        None => Arc::new(read.await?),
        Some(stale) => {
            let key = SpendKey {
                unit,
                campaign: c.id.clone(),
                bounds,
            };
            sources.memo.spend(key, stale, read).await?
        }
    };
    Ok(rows
        .iter()
        .filter(|s| def.treated.contains(&s.unit))
        .map(|s| s.spend_cents)
        .sum())
}

/// Index of `date` in a panel from `pre_from`.
fn index(def: &Definition, date: NaiveDate) -> usize {
    usize::try_from((date - def.pre_from).num_days()).unwrap_or(0)
}

/// Every named unit has data in the pre-period (so far), and there are at
/// least two controls; a `400` names the unit's place in its list.
async fn check_units(sources: &Sources, c: &Campaign, def: &Definition) -> Result<(), ApiError> {
    let last = sources.rules.today() - Duration::days(1);
    let pre_last = def.pre_to.min(last);
    let with_data = if pre_last < def.pre_from {
        Vec::new()
    } else {
        panel(sources, c, def, pre_last, None)
            .await?
            .with_data(0, index(def, pre_last))
    };
    let what = match def.kpi {
        ExperimentKpi::ProgramOnlineShare => "completed",
        k => k.as_str(),
    };
    for (name, list) in [("treated", &def.treated), ("control", &def.control)] {
        if let Some(i) = list.iter().position(|u| !with_data.contains(u)) {
            return Err(ApiError::bad(
                format!("{name}[{i}]"),
                format!(
                    "`{}` has no {what} uptake of program `{}` from pre_from {} to pre_to {}",
                    list[i], c.program, def.pre_from, pre_last
                ),
            ));
        }
    }
    let controls = if def.control.is_empty() {
        with_data
            .iter()
            .filter(|u| !def.treated.contains(u))
            .count()
    } else {
        def.control.len()
    };
    if controls < 2 {
        return Err(ApiError::bad(
            "control",
            format!("{controls} control units with data; an experiment needs at least 2"),
        ));
    }
    Ok(())
}

/// The view of one version, its result computed now from the ledger
/// read as `reads` says.
async fn show(
    sources: &Sources,
    caller: &Caller,
    c: &Campaign,
    version: &ExperimentVersion,
    def: Definition,
    lang: Lang,
    reads: Reads,
) -> Result<ExperimentView, ApiError> {
    let rules = sources.rules;
    let audience = Audience::of(&rules, caller.is_admin());
    let mut control_used = def.control.clone();
    let (result, explanation) = match last_day(&def, rules.today()) {
        None => (
            None,
            Some(format!("the pre-period starts on {}", def.pre_from)),
        ),
        Some(last) if last < def.pre_to => (
            None,
            Some(format!(
                "the pre-period runs to {}: results from the day after",
                def.pre_to
            )),
        ),
        Some(last) => {
            let panel = panel(sources, c, &def, last, reads).await?;
            let pre_end = index(&def, def.pre_to);
            if control_used.is_empty() {
                control_used = panel
                    .with_data(0, pre_end)
                    .into_iter()
                    .filter(|u| !def.treated.contains(u))
                    .collect();
            }
            let start = def.start();
            let spend_cents = if last < start {
                0
            } else {
                treated_spend(sources, c, &def, (start, last), reads).await?
            };
            let units: Vec<String> = def.treated.iter().chain(&control_used).cloned().collect();
            let design = design(&def, &control_used, spend_cents);
            match experiment(
                &panel.unit_series(&units),
                &design,
                &ExperimentParams::default(),
            ) {
                Ok(r) => {
                    let computed = Computed {
                        campaign: &c.id,
                        def: &def,
                        control: &control_used,
                        panel: &panel,
                        periods: Periods {
                            pre: (0, pre_end),
                            test: (index(&def, start), index(&def, last)),
                            planned_test_days: index(&def, def.to) + 1 - index(&def, start),
                        },
                        result: &r,
                        spend_cents,
                    };
                    (
                        Some(view(&computed, audience.disclosure.as_ref(), lang)),
                        None,
                    )
                }
                Err(e) => (None, Some(e.to_string())),
            }
        }
    };
    Ok(ExperimentView {
        campaign: c.id.clone(),
        experiment_id: version.experiment_id.clone(),
        unit_label: label_or_code(LabelKind::ExperimentUnit, def.unit.as_str(), lang).into_owned(),
        kpi_label: label_or_code(LabelKind::Kpi, def.kpi.as_str(), lang).into_owned(),
        definition: def,
        changed_by: version.changed_by.clone(),
        changed_at: version.changed_at,
        control_used,
        result,
        explanation,
        rounded: audience.rounded(),
    })
}
