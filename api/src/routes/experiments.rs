//! `PUT` and `GET /api/v1/campaigns/{campaign_id}/experiments/{experiment_id}`
//! and `GET /api/v1/campaigns/{campaign_id}/experiments` (contract/API.md
//! v1.1, "Geographic experiments").

use axum::Json;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::Uri;
use axum::http::request::Parts;

use super::{CampaignId, JsonBody};
use crate::caller::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::params::{self, Params};
use crate::state::AppState;
use crate::views::experiment_body::ExperimentBody;
use crate::views::experiments::{self, ExperimentListView, ExperimentReply, ExperimentView};

/// `{campaign_id}` and `{experiment_id}` of the path, unchecked: the
/// campaign's rights are checked before the experiment id is.
#[derive(Debug)]
pub struct ExperimentPath {
    pub campaign: String,
    pub experiment: String,
}

impl<S: Send + Sync> FromRequestParts<S> for ExperimentPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path((campaign, experiment)) =
            Path::<(String, String)>::from_request_parts(parts, state).await?;
        params::campaign_id(&campaign)?;
        Ok(ExperimentPath {
            campaign,
            experiment,
        })
    }
}

/// The experiment's definition and its result now, or with
/// `history=true` every version of its definition (who, when).
#[utoipa::path(get, path = "/api/v1/campaigns/{campaign_id}/experiments/{experiment_id}", tag = "experiments",
    params(("campaign_id" = String, Path), ("experiment_id" = String, Path),
        ("history" = Option<bool>, Query, description = "true: every version of the definition, newest first"),
        ("lang" = Option<String>, Query, description = "en (default) or fr")),
    responses(
        (status = 200, description = "The experiment with its result (an ExperimentView), or with history=true every version (an ExperimentHistoryView)", body = ExperimentReply),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    caller: Caller,
    State(state): State<AppState>,
    path: ExperimentPath,
    uri: Uri,
) -> Result<Json<ExperimentReply>, ApiError> {
    let p = Params::parse(&uri, &["history", "lang"])?;
    let lang = p.lang()?;
    let (id, experiment) = (&path.campaign, &path.experiment);
    Ok(Json(if p.flag("history")? {
        ExperimentReply::History(
            experiments::history(&state.sources, &caller, id, experiment).await?,
        )
    } else {
        ExperimentReply::Current(Box::new(
            experiments::get(&state.sources, &caller, id, experiment, lang).await?,
        ))
    }))
}

/// Registers the experiment (a new version of its definition; who and
/// when are kept): managers of the campaign and admins. Treated units
/// starting on different dates (`treated_from`) are refused.
#[utoipa::path(put, path = "/api/v1/campaigns/{campaign_id}/experiments/{experiment_id}", tag = "experiments",
    params(("campaign_id" = String, Path), ("experiment_id" = String, Path),
        ("lang" = Option<String>, Query, description = "en (default) or fr")),
    request_body = ExperimentBody,
    responses(
        (status = 200, body = ExperimentView),
        (status = 400, description = "A bad field: `parameter` names it, e.g. `treated[1]`, `pre_to`, `treated_from` (a staggered start)", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn put(
    caller: Caller,
    State(state): State<AppState>,
    path: ExperimentPath,
    uri: Uri,
    JsonBody(body): JsonBody,
) -> Result<Json<ExperimentView>, ApiError> {
    let lang = Params::parse(&uri, &["lang"])?.lang()?;
    Ok(Json(
        experiments::put(
            &state.sources,
            &caller,
            &path.campaign,
            &path.experiment,
            &body,
            lang,
        )
        .await?,
    ))
}

/// Every experiment of the campaign, each with its result now.
#[utoipa::path(get, path = "/api/v1/campaigns/{campaign_id}/experiments", tag = "experiments",
    params(("campaign_id" = String, Path),
        ("lang" = Option<String>, Query, description = "en (default) or fr")),
    responses(
        (status = 200, body = ExperimentListView),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    caller: Caller,
    State(state): State<AppState>,
    CampaignId(id): CampaignId,
    uri: Uri,
) -> Result<Json<ExperimentListView>, ApiError> {
    let lang = Params::parse(&uri, &["lang"])?.lang()?;
    Ok(Json(
        experiments::list(&state.sources, &caller, &id, lang).await?,
    ))
}
