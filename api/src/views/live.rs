//! The live feed of one campaign: its totals over the flight so far and
//! its targets judged today. [`snapshot`] reads them (the [`crate::hub`]
//! does, every 2 s, once per watched campaign, whatever the number of
//! clients); [`render`] shows a snapshot to one caller (client counts
//! exact or published by role, labels by language), and [`event_id`] names what was shown, so a
//! client reconnecting with `Last-Event-ID` is sent nothing until the
//! numbers change.

use chrono::{DateTime, NaiveDate, Utc};
use cmp_kpi::{Lang, Measures};
use cmp_report::{Days, Judged, Query, Row};
use cmp_store::{Campaign, Store, StoreError};
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::kpis::{Audience, KpiValues, TargetResult, campaign_name, target_results};
use super::performance::{PerformanceRequest, range};
use super::targets;
use crate::rules::Rules;

/// What the hub reads for a campaign.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub campaign: Campaign,
    pub totals: Measures,
    /// The totals' days (the published counts are sums of their atoms).
    pub total_days: Days,
    pub as_of: Option<DateTime<Utc>>,
    /// The day the targets were judged on.
    pub today: NaiveDate,
    pub judged: Vec<Judged>,
}

/// One live update.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct LiveView {
    pub campaign: String,
    pub campaign_name: String,
    /// The start of the newest hour of data included.
    pub as_of: Option<DateTime<Utc>>,
    /// Client counts are randomly rounded to a multiple of this (absent:
    /// exact), as in the performance report.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = 5)]
    pub rounded: Option<u64>,
    /// Every KPI over the flight so far.
    pub totals: KpiValues,
    pub targets: Vec<TargetResult>,
}

/// The campaign's totals and judged targets now; `None` if it does not exist.
pub async fn snapshot(
    store: &Store,
    rules: Rules,
    id: &str,
) -> Result<Option<Snapshot>, StoreError> {
    let Some(campaign) = cmp_store::campaign(store, id).await? else {
        return Ok(None);
    };
    let today = rules.today();
    // The default range (the flight so far) never fails.
    let Ok(span) = range(&campaign, &PerformanceRequest::default(), today) else {
        return Ok(None);
    };
    let query = Query {
        campaign: campaign.clone(),
        from: span.from,
        to: span.to,
        by: Vec::new(),
        granularity: None,
        tz: rules.tz,
    };
    let (r, judged) = tokio::try_join!(
        cmp_report::performance(store, &query),
        targets::judge(store, rules, &campaign, today),
    )?;
    Ok(Some(Snapshot {
        campaign,
        totals: r.totals,
        total_days: r.total_days,
        as_of: r.as_of,
        today,
        judged,
    }))
}

/// A snapshot as one caller sees it.
pub fn render(s: &Snapshot, audience: Audience, lang: Lang) -> LiveView {
    let totals = audience
        .publish(
            &s.campaign.id,
            &[Row::total(&s.totals, Some(&s.total_days))],
        )
        .remove(0);
    LiveView {
        campaign: s.campaign.id.clone(),
        campaign_name: campaign_name(&s.campaign, lang).to_owned(),
        as_of: s.as_of,
        rounded: audience.rounded(),
        totals: KpiValues::of(&totals, &s.totals),
        targets: target_results(&s.campaign, &s.judged, audience, s.today, lang),
    }
}

/// The SSE event id of a rendered update: a digest of exactly what was sent.
pub fn event_id(json: &str) -> String {
    hex::encode(&Sha256::digest(json.as_bytes())[..8])
}
