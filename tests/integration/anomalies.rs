//! Anomalies (contract/API.md v1.1) on the real pipeline: ten weeks of
//! generated traffic and a burst yesterday (late events included) through
//! the broker and `cmp-ingest`; the anomalies route and the aggregator's
//! gauge equal `cmp_kpi`'s rules applied to a brute-force tally of the
//! generated events per day of the reporting zone, in total and by
//! channel, region and segment (the rules themselves are unit-tested in
//! `kpi/src/anomaly.rs`). A manager sees no number of a client count's
//! flag; a bad range is refused naming the parameter.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use chrono::{Duration as Span, NaiveDate, SubsecRound, Utc};
use chrono_tz::Tz;
use cmp_kpi::{
    DateRange, Dimension, Flag, Measures, Model, Series, detect_anomalies, local_date,
    local_day_bounds_utc,
};
use cmp_loadgen::demo_campaigns;
use cmp_model::Event;
use cmp_report::ANOMALY_KPIS;
use cmp_store::Campaign;
use cmp_tests::api_env::ApiEnv;
use cmp_tests::brute::{brute, dim_value};
use cmp_tests::generate::traffic;
use cmp_tests::http::request;
use cmp_tests::{Process, assert_accounted, ledger, migrated};
use serde_json::Value;

const TZ: Tz = chrono_tz::America::Toronto;
const K: f64 = 10.0;

/// token, name, role, campaigns.
const TOKENS: [(&str, &str, &str, Option<&str>); 2] = [
    ("t-admin", "ops", "admin", None),
    ("t-ei", "ei-team", "manager", Some("[\"ei-digital-2026\"]")),
];

fn value(kpi: &str, m: &Measures) -> f64 {
    match kpi {
        "impressions" => m.impressions as f64,
        "clicks" => m.clicks as f64,
        "spend_cents" => m.spend_cents as f64,
        "uptake_completed" => m.uptake_completed as f64,
        _ => m.program_online_completed as f64,
    }
}

/// The flags the rules raise on a brute-force tally of `events`.
fn expected(events: &[Event], c: &Campaign, range: DateRange) -> Vec<Flag> {
    let read = DateRange {
        from: range.from - Span::weeks(8),
        to: range.to,
    };
    let bounds = read.utc_bounds(TZ);
    let none = BTreeMap::new();
    let day = |e: &Event| local_date(e.event_time, TZ);
    let total = brute(events, c, bounds, &none, day);
    let parts: Vec<(Dimension, _)> = [Dimension::Channel, Dimension::Region, Dimension::Segment]
        .into_iter()
        .map(|d| {
            (
                d,
                brute(events, c, bounds, &none, move |e| (day(e), dim_value(e, d))),
            )
        })
        .collect();
    let mut flags = Vec::new();
    for (kpi, model) in ANOMALY_KPIS {
        let mut s = Series::default();
        for (d, t) in &total {
            if model == Model::Share {
                if t.m.program_uptake_completed > 0 {
                    let n = t.m.program_uptake_completed as f64;
                    s.total.insert(*d, value(kpi, &t.m) / n);
                    s.denominators.insert(*d, n);
                }
            } else {
                s.total.insert(*d, value(kpi, &t.m));
                if model == Model::Money {
                    let m = &t.m;
                    let n = m.impressions
                        + m.clicks
                        + m.engagements
                        + m.shares
                        + m.video_completes
                        + m.visits;
                    s.denominators.insert(*d, n as f64);
                }
            }
        }
        if model != Model::Share {
            for (dim, rows) in &parts {
                for ((d, v), t) in rows {
                    s.parts
                        .entry((dim.as_str().to_owned(), v.clone()))
                        .or_default()
                        .insert(*d, value(kpi, &t.m));
                }
            }
        }
        for d in range.from.iter_days().take_while(|d| *d <= range.to) {
            flags.extend(detect_anomalies(kpi, model, &s, d, c.start_date, K));
        }
    }
    flags
}

/// The route's flags as (day, kpi, kind, driver value, observed).
fn flags_of(got: &Value) -> Vec<(String, String, String, String, Option<f64>)> {
    let mut out: Vec<_> = got["anomalies"]
        .as_array()
        .expect("anomalies")
        .iter()
        .map(|a| {
            (
                a["day"].as_str().unwrap_or_default().to_owned(),
                a["kpi"].as_str().unwrap_or_default().to_owned(),
                a["kind"].as_str().unwrap_or_default().to_owned(),
                a["driver"]["value"].as_str().unwrap_or_default().to_owned(),
                a["observed"].as_f64(),
            )
        })
        .collect();
    out.sort_by(|a, b| (&a.0, &a.1, &a.2, &a.3).cmp(&(&b.0, &b.1, &b.2, &b.3)));
    out
}

fn want_of(flags: &[Flag]) -> Vec<(String, String, String, String, Option<f64>)> {
    let mut out: Vec<_> = flags
        .iter()
        .map(|f| {
            (
                f.day.to_string(),
                f.kpi.to_owned(),
                f.kind.to_owned(),
                f.driver.clone().map(|d| d.1).unwrap_or_default(),
                Some(f.observed),
            )
        })
        .collect();
    out.sort_by(|a, b| (&a.0, &a.1, &a.2, &a.3).cmp(&(&b.0, &b.1, &b.2, &b.3)));
    out
}

#[tokio::test]
async fn anomalies_equal_the_rules_on_a_brute_force_tally_per_day() {
    let test = "anomalies_e2e";
    let env = migrated(test, 2).await;
    let ingest = Process::spawn(test, "ingest", "cmp-ingest", &[], &env.vars);
    let api_env = ApiEnv::new(test, &env.vars, &cmp_tests::tokens::tokens_toml(&TOKENS));
    let addr = api_env.addr;
    let _api = Process::spawn(test, "api", "cmp-api", &[], &api_env.vars);
    api_env.wait_until_answering().await;

    // Ten weeks of traffic, then a burst over yesterday.
    let now = Utc::now().trunc_subsecs(0) - Span::minutes(1);
    let today = local_date(now, TZ);
    let midnight = local_day_bounds_utc(today, TZ).0;
    let (mut events, mut accepted, mut messages) = (Vec::new(), BTreeSet::new(), 0);
    // The generator spreads at most 60 days: two runs of 36.
    for (seed, anchor, spread, count) in [
        (23, now, 36, 4500),
        (24, now - Span::days(36), 36, 4500),
        (29, midnight, 1, 1500),
    ] {
        let (e, a, m) = traffic(test, &env, seed, anchor, spread, count);
        events.extend(e);
        accepted.extend(a);
        messages += m;
    }
    ledger::assert_exactly(&env.store, &accepted, Duration::from_secs(180)).await;
    assert_accounted(&ingest, messages).await;

    let start = today - Span::days(75);
    let mut campaigns = Vec::new();
    for c in demo_campaigns() {
        let body = serde_json::json!({"name": {"en": c.id, "fr": c.id}, "program": c.program,
            "start_date": start.to_string(), "end_date": (today + Span::days(10)).to_string(),
            "budget_cents": 1_000_000});
        let path = format!("/api/v1/campaigns/{}", c.id);
        let r = request(addr, "PUT", &path, Some("t-admin"), Some(&body.to_string())).await;
        assert_eq!(r.status, 201, "{}", r.body);
        campaigns.push(Campaign {
            id: c.id.clone(),
            name_en: c.id.clone(),
            name_fr: c.id.clone(),
            program: c.program.clone(),
            start_date: start,
            end_date: today + Span::days(10),
            budget_cents: 1_000_000,
            flight_plan: String::new(),
            owner: "esdc".into(),
        });
    }

    let mut raised = 0;
    for c in &campaigns {
        // The default range (28 days to yesterday) and one asked for.
        for (query, range) in [
            (
                String::new(),
                DateRange {
                    from: today - Span::days(28),
                    to: today - Span::days(1),
                },
            ),
            (
                format!(
                    "?from={}&to={}",
                    today - Span::days(40),
                    today - Span::days(20)
                ),
                DateRange {
                    from: today - Span::days(40),
                    to: today - Span::days(20),
                },
            ),
        ] {
            let path = format!("/api/v1/campaigns/{}/anomalies{query}", c.id);
            let r = request(addr, "GET", &path, Some("t-admin"), None).await;
            assert_eq!(r.status, 200, "{}", r.body);
            let got = r.json();
            assert_eq!(got["from"], range.from.to_string(), "{}", c.id);
            assert_eq!(got["to"], range.to.to_string(), "{}", c.id);
            let want = expected(&events, c, range);
            assert_eq!(flags_of(&got), want_of(&want), "{} {query}", c.id);
            raised += want.len();
        }
    }
    // The burst yesterday moves the counts of every campaign: the test
    // judges flags, not an empty list.
    assert!(raised > 0, "no flag at all: the burst should raise some");
    eprintln!("figure anomalies_flags_checked: {raised}");

    // A manager: no numbers of a client count's flag; a bad range named.
    let r = request(
        addr,
        "GET",
        "/api/v1/campaigns/ei-digital-2026/anomalies?lang=fr",
        Some("t-ei"),
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    for a in r.json()["anomalies"].as_array().expect("anomalies") {
        let client_count = matches!(
            a["kpi"].as_str(),
            Some("uptake_completed" | "program_online_share")
        );
        assert_eq!(a["suppressed"], client_count, "{a}");
        assert_eq!(a["observed"].is_null(), client_count, "{a}");
    }
    let r = request(
        addr,
        "GET",
        "/api/v1/campaigns/ei-digital-2026/anomalies?from=2026-12-05&to=2026-12-01",
        Some("t-ei"),
        None,
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("\"to\""), "{}", r.body);

    // The aggregator's gauge counts yesterday's flags by kind.
    let aggregator = Process::spawn(
        test,
        "aggregator",
        "cmp-aggregator",
        &[],
        &env.with("CMP_HISTORY_INTERVAL_SECS", "1"),
    );
    let mut body = String::new();
    for _ in 0..120 {
        if let Some((_, b)) = aggregator.get("/metrics").await
            && b.contains("cmp_aggregator_anomalies{")
        {
            body = b;
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let yesterday: NaiveDate = today - Span::days(1);
    for c in &campaigns {
        let flags = expected(&events, c, DateRange::day(yesterday));
        for kind in ["drop", "spike", "tracking_break"] {
            let n = flags.iter().filter(|f| f.kind == kind).count();
            let line = format!(
                "cmp_aggregator_anomalies{{campaign=\"{}\",kind=\"{kind}\"}} {n}\n",
                c.id
            );
            assert!(body.contains(&line), "want {line} in\n{body}");
        }
    }
}
