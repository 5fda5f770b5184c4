//! The API as a visibility point: the uptake a reader of the performance
//! route sees, summed over the demo campaigns (uptake started, submitted
//! and completed: each accepted uptake event attributed to a campaign adds
//! one to exactly one of them). Engagement KPIs would not do: they sum each
//! event's `count` (up to thousands for bulk reports), and a count that
//! covers events in send order only when every one weighs alike (see
//! [`crate::latency`]). The probe registers the demo campaigns with a
//! flight around today, so every generated event falls inside one.

use std::net::SocketAddr;

use anyhow::{Context as _, bail};
use chrono::{Duration as Span, Utc};
use cmp_loadgen::demo_campaigns;
use cmp_store::{Campaign, Store};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// The uptake KPIs: together, the uptake events attributed to the campaign.
const UPTAKE: [&str; 3] = ["uptake_started", "uptake_submitted", "uptake_completed"];

/// The performance routes of the demo campaigns, with a token.
#[derive(Debug)]
pub struct ApiPoint {
    client: Client<HttpConnector, Empty<Bytes>>,
    urls: Vec<String>,
    campaigns: Vec<String>,
    authorization: String,
}

impl ApiPoint {
    /// Registers the demo campaigns (flight: 400 days ago to 30 days
    /// ahead) and reads the API at `addr` with the bearer `token`.
    pub async fn prepare(store: &Store, addr: SocketAddr, token: &str) -> anyhow::Result<Self> {
        let today = Utc::now().date_naive();
        let mut urls = Vec::new();
        let mut campaigns = Vec::new();
        for c in demo_campaigns() {
            let campaign = Campaign {
                id: c.id.clone(),
                name_en: c.id.clone(),
                name_fr: c.id.clone(),
                program: c.program.clone(),
                start_date: today - Span::days(400),
                end_date: today + Span::days(30),
                budget_cents: 0,
                flight_plan: String::new(),
            };
            cmp_store::put_campaign(store, &campaign, "cmp-bench")
                .await
                .context("register the demo campaigns")?;
            urls.push(format!(
                "http://{addr}/api/v1/campaigns/{}/performance",
                c.id
            ));
            campaigns.push(c.id);
        }
        Ok(Self {
            client: Client::builder(TokioExecutor::new()).build_http(),
            urls,
            campaigns,
            authorization: format!("Bearer {token}"),
        })
    }

    /// The campaigns it sums over.
    pub fn campaigns(&self) -> &[String] {
        &self.campaigns
    }

    /// The attributed uptake the API reports now: every campaign asked at
    /// once, as readers of different campaigns do.
    pub async fn visible(&self) -> anyhow::Result<u64> {
        let mut asks = tokio::task::JoinSet::new();
        for url in &self.urls {
            let (client, url) = (self.client.clone(), url.clone());
            let authorization = self.authorization.clone();
            asks.spawn(async move { uptake(&client, &url, &authorization).await });
        }
        let mut total = 0;
        while let Some(answer) = asks.join_next().await {
            total += answer??;
        }
        Ok(total)
    }
}

/// The attributed uptake one performance report shows.
async fn uptake(
    client: &Client<HttpConnector, Empty<Bytes>>,
    url: &str,
    authorization: &str,
) -> anyhow::Result<u64> {
    let request = hyper::Request::get(url)
        .header("authorization", authorization)
        .body(Empty::new())?;
    let response = client.request(request).await.context("GET performance")?;
    let status = response.status();
    let body = response.into_body().collect().await?.to_bytes();
    if !status.is_success() {
        bail!("GET {url}: {status}: {}", String::from_utf8_lossy(&body));
    }
    let report: serde_json::Value = serde_json::from_slice(&body)?;
    Ok(UPTAKE
        .iter()
        .map(|kpi| report["totals"][kpi].as_u64().unwrap_or(0))
        .sum())
}
