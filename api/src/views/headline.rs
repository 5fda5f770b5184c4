//! Each campaign's headline for the dashboard's campaign list: the
//! campaign and its targets judged today, as the caller may see them
//! (the same judgement as the performance report and the portfolio).
//! Campaigns are judged a few at a time, concurrently, in list order.

use cmp_kpi::{Lang, Status};
use cmp_store::Campaign;
use futures_util::{StreamExt, TryStreamExt, stream};

use super::kpis::{Audience, TargetResult, target_results};
use super::{campaign, targets};
use crate::caller::Caller;
use crate::error::ApiError;
use crate::sources::Sources;

/// Campaigns judged at once.
const CONCURRENCY: usize = 4;

/// One campaign of the list.
#[derive(Debug, Clone, PartialEq)]
pub struct Headline {
    pub campaign: Campaign,
    pub targets: Vec<TargetResult>,
}

impl Headline {
    /// The status of the riskiest target (`None` without targets).
    pub fn riskiest(&self) -> Option<Status> {
        self.targets
            .iter()
            .map(|t| t.status)
            .min_by_key(|s| s.risk_rank())
    }

    /// How many targets are met or on track.
    pub fn fine(&self) -> usize {
        self.targets
            .iter()
            .filter(|t| matches!(t.status, Status::Met | Status::OnTrack))
            .count()
    }
}

/// The campaigns the caller may read, by id, each with its judged targets.
pub async fn headlines(
    sources: &Sources,
    caller: &Caller,
    lang: Lang,
) -> Result<Vec<Headline>, ApiError> {
    let store = &sources.store;
    let rules = sources.rules;
    let today = rules.today();
    let audience = Audience::of(&rules, caller.is_admin());
    stream::iter(campaign::list(sources, caller).await?)
        .map(|c| async move {
            let judged = targets::judge(store, rules, &c, today).await?;
            let targets = target_results(&c, &judged, audience, today, lang);
            Ok::<_, ApiError>(Headline {
                campaign: c,
                targets,
            })
        })
        .buffered(CONCURRENCY)
        .try_collect()
        .await
}
