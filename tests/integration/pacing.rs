//! Budget pacing (contract/API.md v1.1) on the real pipeline: three weeks
//! of generated traffic (late events included) through the broker and
//! `cmp-ingest`, campaigns registered over HTTP with and without a weekly
//! flight plan, in flight, ended and not started; the pacing route, the
//! portfolio and the aggregator's gauges equal a brute-force sum of the
//! generated spend per day of the reporting zone judged by the contract's
//! rules. A bad plan is refused naming `flight_plan`; a manager reads only
//! its own campaign's pacing.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use chrono::{Datelike, Duration as Span, NaiveDate, SubsecRound, Utc};
use chrono_tz::Tz;
use cmp_kpi::{Flight, PlanWeek, days_off_pace, local_date, pacing};
use cmp_loadgen::demo_campaigns;
use cmp_model::{Body, Event};
use cmp_tests::api_env::ApiEnv;
use cmp_tests::generate::traffic;
use cmp_tests::http::request;
use cmp_tests::{Process, assert_accounted, ledger, migrated};
use serde_json::Value;

const TZ: Tz = chrono_tz::America::Toronto;

/// token, name, role, campaigns.
const TOKENS: [(&str, &str, &str, Option<&str>); 2] = [
    ("t-admin", "ops", "admin", None),
    ("t-ei", "ei-team", "manager", Some("[\"ei-digital-2026\"]")),
];

/// Spend per day of the reporting zone of `campaign`'s engagement events.
fn spend_by_day(events: &[Event], campaign: &str) -> BTreeMap<NaiveDate, u64> {
    let mut out = BTreeMap::new();
    for e in events {
        if let Body::Engagement(g) = &e.body
            && g.campaign_id == campaign
        {
            *out.entry(local_date(e.event_time, TZ)).or_insert(0) += g.cost_cents;
        }
    }
    out
}

/// A flight: (start, end, budget, weekly plan).
type Plan = (NaiveDate, NaiveDate, u64, Vec<PlanWeek>);

fn body(id: &str, program: &str, (start, end, budget, weeks): &Plan) -> String {
    let mut b = serde_json::json!({"name": {"en": id, "fr": id}, "program": program,
        "start_date": start.to_string(), "end_date": end.to_string(), "budget_cents": budget});
    if !weeks.is_empty() {
        let plan: Vec<Value> = weeks
            .iter()
            .map(|w| serde_json::json!({"week": w.week.to_string(), "cents": w.cents}))
            .collect();
        b["flight_plan"] = Value::Array(plan);
    }
    b.to_string()
}

/// The route's answer against the contract's rules on the brute-force spend.
fn check(got: &Value, plan: &Plan, spend: &BTreeMap<NaiveDate, u64>, today: NaiveDate, what: &str) {
    let (start, end, budget, weeks) = plan;
    let flight = Flight {
        start: *start,
        end: *end,
        budget_cents: *budget,
        plan: weeks,
    };
    let want = pacing(&flight, spend, today);
    // Spent, independently: the flight's days through today.
    let spent: u64 = spend
        .iter()
        .filter(|(d, _)| *d >= start && *d <= &today.min(*end))
        .map(|(_, c)| c)
        .sum();
    assert_eq!(got["spent_cents"].as_u64(), Some(spent), "{what}: spent");
    for (field, value) in [
        ("budget_cents", want.budget_cents),
        ("planned_to_date_cents", want.planned_to_date_cents),
        ("projected_cents", want.projected_cents),
        ("fiscal_year_end_cents", want.fiscal_year_end_cents),
        ("lapse_cents", want.lapse_cents),
    ] {
        assert_eq!(got[field].as_u64(), Some(value), "{what}: {field} in {got}");
    }
    assert_eq!(got["status"], want.status, "{what}: status");
    match (got["pacing_index"].as_f64(), want.pacing_index) {
        (Some(g), Some(w)) => assert!((g - w).abs() < 1e-12, "{what}: index {g} vs {w}"),
        (None, None) => assert!(got["pacing_index"].is_null(), "{what}"),
        (g, w) => panic!("{what}: index {g:?} vs {w:?}"),
    }
}

#[tokio::test]
async fn pacing_equals_the_rules_on_a_brute_force_spend_per_day() {
    let test = "pacing_e2e";
    let env = migrated(test, 2).await;
    let ingest = Process::spawn(test, "ingest", "cmp-ingest", &[], &env.vars);
    let api_env = ApiEnv::new(test, &env.vars, &cmp_tests::tokens::tokens_toml(&TOKENS));
    let addr = api_env.addr;
    let _api = Process::spawn(test, "api", "cmp-api", &[], &api_env.vars);
    api_env.wait_until_answering().await;

    let now = Utc::now().trunc_subsecs(0) - Span::minutes(1);
    let (events, accepted, messages) = traffic(test, &env, 17, now, 21, 4000);
    ledger::assert_exactly(&env.store, &accepted, Duration::from_secs(180)).await;
    assert_accounted(&ingest, messages).await;

    // In flight with a weekly plan (its first week before the flight), in
    // flight evenly, ended, not started.
    let today = local_date(Utc::now(), TZ);
    let monday = today - Span::days(i64::from(today.weekday().num_days_from_monday()));
    let weekly: Vec<PlanWeek> = (-3..4)
        .map(|k| PlanWeek {
            week: monday + Span::weeks(k),
            cents: 40_000 + 7_001 * (k + 3) as u64,
        })
        .collect();
    // The demo campaigns (with spend) and one more without any.
    let flights: [(&str, &str, Plan); 4] = [
        (
            "oas-online-2026",
            "oas",
            (
                today - Span::days(15),
                today + Span::days(20),
                500_000,
                weekly,
            ),
        ),
        (
            "ei-digital-2026",
            "ei",
            (
                today - Span::days(10),
                today + Span::days(40),
                90_000,
                Vec::new(),
            ),
        ),
        (
            "passport-renew-2026",
            "passport",
            (
                today - Span::days(20),
                today - Span::days(3),
                70_000,
                Vec::new(),
            ),
        ),
        (
            "oas-later-2026",
            "oas",
            (
                today + Span::days(3),
                today + Span::days(30),
                70_000,
                Vec::new(),
            ),
        ),
    ];
    let demo: BTreeSet<String> = demo_campaigns().into_iter().map(|c| c.id).collect();
    assert!(
        flights.iter().take(3).all(|(id, _, _)| demo.contains(*id)),
        "{demo:?}"
    );
    let planned: Vec<(String, Plan)> = flights
        .iter()
        .map(|(id, _, plan)| ((*id).to_owned(), plan.clone()))
        .collect();
    for (id, program, plan) in &flights {
        let r = request(
            addr,
            "PUT",
            &format!("/api/v1/campaigns/{id}"),
            Some("t-admin"),
            Some(&body(id, program, plan)),
        )
        .await;
        assert_eq!(r.status, 201, "{id}: {}", r.body);
    }
    // The campaign shows its plan as stored.
    let (first, first_plan) = &planned[0];
    let shown = request(
        addr,
        "GET",
        &format!("/api/v1/campaigns/{first}"),
        Some("t-admin"),
        None,
    )
    .await;
    let weeks = shown.json()["flight_plan"].as_array().map(Vec::len);
    assert_eq!(weeks, Some(first_plan.3.len()), "{}", shown.body);

    // A bad plan is refused, naming the field, and changes nothing.
    let mut bad: Value = serde_json::from_str(&body(first, "oas", first_plan)).expect("json");
    bad["flight_plan"][1]["week"] = Value::String(
        bad["flight_plan"][0]["week"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    );
    let r = request(
        addr,
        "PUT",
        &format!("/api/v1/campaigns/{first}"),
        Some("t-admin"),
        Some(&bad.to_string()),
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("flight_plan"), "{}", r.body);

    for (id, plan) in &planned {
        let spend = spend_by_day(&events, id);
        let r = request(
            addr,
            "GET",
            &format!("/api/v1/campaigns/{id}/pacing?lang=fr"),
            Some("t-admin"),
            None,
        )
        .await;
        assert_eq!(r.status, 200, "{id}: {}", r.body);
        let got = r.json();
        check(&got, plan, &spend, today, id);
        assert!(
            got["status_label"]
                .as_str()
                .is_some_and(|l| !l.is_empty() && l != got["status"]),
            "{got}"
        );
        // The series: cumulative, ending at today's (or the flight's last) totals.
        let series = got["series"].as_array().expect("series");
        let last = today.min(plan.1);
        let days = if last < plan.0 {
            0
        } else {
            (last - plan.0).num_days() + 1
        };
        assert_eq!(series.len() as i64, days, "{id}: one point per day");
        if let Some(end) = series.last() {
            assert_eq!(end["spent_cents"], got["spent_cents"], "{id}");
            assert_eq!(end["planned_cents"], got["planned_to_date_cents"], "{id}");
        }
    }
    // The portfolio of this fiscal year carries each campaign's pacing.
    let fy = cmp_kpi::FiscalYear::containing(today);
    let path = format!("/api/v1/attainment?fiscal_year={fy}");
    let r = request(addr, "GET", &path, Some("t-admin"), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let portfolio = r.json();
    let rows = portfolio["pacing"].as_array().expect("pacing");
    for (id, plan) in &planned {
        let year = fy.range();
        let overlaps = plan.0 <= year.to && plan.1 >= year.from;
        let row = rows.iter().find(|p| p["campaign"] == id.as_str());
        assert_eq!(
            row.is_some(),
            overlaps,
            "{id} in the portfolio: {portfolio}"
        );
        if let Some(row) = row {
            check(
                row,
                plan,
                &spend_by_day(&events, id),
                today,
                &format!("portfolio {id}"),
            );
        }
    }

    // A manager reads its own campaign's pacing only.
    let own = request(
        addr,
        "GET",
        "/api/v1/campaigns/ei-digital-2026/pacing",
        Some("t-ei"),
        None,
    )
    .await;
    assert_eq!(own.status, 200, "{}", own.body);
    let other = planned
        .iter()
        .find(|(id, _)| id != "ei-digital-2026")
        .expect("another");
    let r = request(
        addr,
        "GET",
        &format!("/api/v1/campaigns/{}/pacing", other.0),
        Some("t-ei"),
        None,
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);

    // The aggregator's gauges for the campaigns in flight yesterday.
    let agg_vars = env.with("CMP_HISTORY_INTERVAL_SECS", "1");
    let aggregator = Process::spawn(test, "aggregator", "cmp-aggregator", &[], &agg_vars);
    let yesterday = today - Span::days(1);
    let mut body = String::new();
    for _ in 0..120 {
        if let Some((_, b)) = aggregator.get("/metrics").await
            && b.contains("cmp_aggregator_off_pace_days{")
        {
            body = b;
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    for (id, plan) in &planned {
        let flying = plan.0 <= yesterday && yesterday <= plan.1;
        let spend = spend_by_day(&events, id);
        let flight = Flight {
            start: plan.0,
            end: plan.1,
            budget_cents: plan.2,
            plan: &plan.3,
        };
        let (over, under) = match days_off_pace(&flight, &spend, today) {
            Some(("over", n)) => (n, 0),
            Some((_, n)) => (0, n),
            None => (0, 0),
        };
        for (direction, days) in [("over", over), ("under", under)] {
            let line = format!(
                "cmp_aggregator_off_pace_days{{campaign=\"{id}\",direction=\"{direction}\"}} {days}\n"
            );
            assert_eq!(
                body.contains(&line),
                flying,
                "{id} {direction}: want {days} in\n{body}"
            );
        }
    }
}
