//! The daily tier (migration 0015) against a brute-force count: generated
//! traffic over two months around the end of daylight saving time and a
//! month boundary, a tenth of it late, inserted straight into the ledger in
//! several INSERTs; reports with every breakdown (each subset of the five
//! dimensions), each bucketing and two time zones (the daily tier's, where
//! whole days with at most one dimension read it, and another, where every
//! query reads the hourly tier), each equal to the brute force; some
//! uptake is credited to a campaign of another program. Then the
//! same after `cmp-aggregator rebuild`, and after the daily tables were
//! emptied and the aggregator service started (its first drift check
//! covers every month retention keeps: an upgrade fills the new tier).

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use cmp_kpi::{Dimension, Granularity};
use cmp_loadgen::GenConfig;
use cmp_model::{Body, Event};
use cmp_report::Query;
use cmp_store::{Campaign, Code, EventRow, KIND_ENGAGEMENT, KIND_UPTAKE, Store};
use cmp_tests::brute::regenerate;
use cmp_tests::truth::{campaign, check_report};
use cmp_tests::{Process, ledger, migrated, run, wait_until};

const TORONTO: Tz = chrono_tz::America::Toronto;

/// The ledger row of a generated event (its client's hash: the id itself).
fn row(n: u64, e: &Event) -> EventRow {
    let code = |s: &str| -> Code { s.to_owned().into() };
    let mut r = EventRow {
        src_topic: "direct".into(),
        src_partition: 0,
        src_offset: n,
        kind: KIND_ENGAGEMENT,
        event_id: e.event_id.clone(),
        event_time: u32::try_from(e.event_time.timestamp()).expect("time"),
        event_ms: e.event_time.timestamp_millis(),
        campaign_id: String::new(),
        channel: code(""),
        action: code(""),
        count: 0,
        cost_cents: 0,
        program: String::new(),
        service_channel: code(""),
        stage: code(""),
        segment: e.segment.clone(),
        region: code(e.region.as_str()),
        language: code(e.language.as_str()),
        client_hash: e.client_id.clone().unwrap_or_default(),
        ingested_at: 0,
        variant: String::new(),
        office_id: String::new(),
        fsa: String::new(),
    };
    match &e.body {
        Body::Engagement(g) => {
            r.campaign_id = g.campaign_id.clone();
            r.channel = code(g.channel.as_str());
            r.action = code(g.action.as_str());
            r.count = g.count;
            r.cost_cents = g.cost_cents;
        }
        Body::Uptake(u) => {
            r.kind = KIND_UPTAKE;
            r.campaign_id = u.campaign_id.clone().unwrap_or_default();
            r.program = u.program.clone();
            r.service_channel = code(u.service_channel.as_str());
            r.stage = code(u.stage.as_str());
            r.count = 1;
        }
    }
    r
}

/// Every subset of the five dimensions.
fn breakdowns() -> Vec<Vec<Dimension>> {
    (0..32_u32)
        .map(|bits| {
            Dimension::ALL
                .into_iter()
                .enumerate()
                .filter(|(i, _)| bits & (1 << i) != 0)
                .map(|(_, d)| d)
                .collect()
        })
        .collect()
}

fn day(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

/// Each report checked against the brute force; returns how many.
fn check_all(reports: &[(Query, cmp_report::Report)], events: &[Event], what: &str) -> usize {
    for (q, got) in reports {
        check_report(got, events, q, &format!("{what} {q:?}"));
    }
    reports.len()
}

/// Every breakdown of `c` over `from..=to`, for each granularity and zone
/// given.
async fn reports(
    store: &Store,
    c: &Campaign,
    (from, to): (NaiveDate, NaiveDate),
    granularities: &[Option<Granularity>],
    zones: &[Tz],
) -> Vec<(Query, cmp_report::Report)> {
    let mut out = Vec::new();
    for by in breakdowns() {
        for granularity in granularities {
            for tz in zones {
                let q = Query {
                    campaign: c.clone(),
                    from,
                    to,
                    by: by.clone(),
                    granularity: *granularity,
                    tz: *tz,
                };
                let got = cmp_report::performance(store, &q)
                    .await
                    .expect("performance");
                out.push((q, got));
            }
        }
    }
    out
}

/// The reach sketches' keys (one row per key once aggregated).
async fn reach_keys(store: &Store) -> u64 {
    let q = store.client.query(
        "SELECT count() FROM (SELECT DISTINCT month, campaign_id, grouping, day, segment, region FROM reach_daily)",
    );
    q.fetch_one::<u64>().await.expect("reach keys")
}

async fn daily_tallies(store: &Store) -> (u64, u64, u64) {
    let q = store.client.query(
        "SELECT (SELECT sum(tally) FROM engagement_daily), (SELECT sum(tally) FROM uptake_daily), \
         (SELECT sum(tally) FROM program_daily)",
    );
    q.fetch_one::<(u64, u64, u64)>()
        .await
        .expect("daily tallies")
}

#[tokio::test]
async fn reports_on_the_daily_tier_equal_a_brute_force_count_across_dst_and_months() {
    let test = "rep_tiers";
    let env = migrated(test, 1).await;
    let store = &env.store;
    let now: DateTime<Utc> = "2026-11-20T12:00:00Z".parse().expect("now");
    let config = GenConfig {
        seed: 41,
        now,
        spread: chrono::Duration::days(30),
        late_share: 0.1,
        clients_per_campaign: 400,
        redelivery_share: 0.0,
        invalid_share: 0.0,
        ..GenConfig::default()
    };
    let mut events: Vec<Event> = regenerate(config, 6000, now)
        .into_iter()
        .map(|(_, e)| e)
        .collect();
    // Some uptake credited to a campaign of another program: it counts for
    // the campaign (uptake KPIs) and for its own program (program KPIs).
    let mut crossed = 0;
    for e in events.iter_mut().step_by(7) {
        if let Body::Uptake(u) = &mut e.body
            && u.program != "oas"
        {
            u.campaign_id = Some("oas-online-2026".into());
            crossed += 1;
        }
    }
    assert!(crossed > 50, "{crossed} crossed");
    let rows: Vec<EventRow> = events
        .iter()
        .enumerate()
        .map(|(n, e)| row(n as u64, e))
        .collect();
    for chunk in rows.chunks(700) {
        ledger::insert_rows(store, chunk).await;
    }
    let engagement = events
        .iter()
        .filter(|e| matches!(e.body, Body::Engagement(_)))
        .count() as u64;
    let uptake = events.len() as u64 - engagement;
    let completed = events
        .iter()
        .filter(|e| matches!(&e.body, Body::Uptake(u) if u.stage.as_str() == "completed"))
        .count() as u64;
    // Each of the five engagement groupings counts every event once, each
    // of the four uptake ones every uptake event, each of the four program
    // ones every completed uptake event.
    let full = (5 * engagement, 4 * uptake, 4 * completed);
    assert_eq!(daily_tallies(store).await, full);

    let campaigns = [
        campaign(
            "oas-online-2026",
            "oas",
            day("2026-09-01"),
            day("2026-12-31"),
        ),
        campaign(
            "ei-digital-2026",
            "ei",
            day("2026-09-01"),
            day("2026-12-31"),
        ),
    ];
    let (first, last) = (day("2026-09-15"), day("2026-11-21"));
    let every = [
        None,
        Some(Granularity::Hour),
        Some(Granularity::Day),
        Some(Granularity::Week),
    ];
    let mut checked = 0;
    let got = reports(store, &campaigns[0], (first, last), &every, &[TORONTO]).await;
    checked += check_all(&got, &events, "whole range");
    let vancouver = chrono_tz::America::Vancouver;
    let got = reports(
        store,
        &campaigns[1],
        (first, last),
        &[None, Some(Granularity::Day)],
        &[TORONTO, vancouver],
    )
    .await;
    checked += check_all(&got, &events, "two zones");
    // The day daylight saving time ended (25 hours), and the last day of
    // October, whose last local hours are November's in UTC.
    for (from, to) in [("2026-11-01", "2026-11-01"), ("2026-10-31", "2026-10-31")] {
        let got = reports(
            store,
            &campaigns[0],
            (day(from), day(to)),
            &every,
            &[TORONTO],
        )
        .await;
        checked += check_all(&got, &events, from);
    }
    assert_eq!(checked, 32 * 4 + 32 * 4 + 2 * 32 * 4);

    // A rebuild recomputes the tier from the ledger to the same reports.
    let rebuild = ["rebuild", "--from", "2026-09-01", "--to", "2026-11-30"];
    assert!(run(test, "cmp-aggregator", &rebuild, &env.vars).success());
    assert_eq!(daily_tallies(store).await, full);
    let got = reports(
        store,
        &campaigns[0],
        (first, last),
        &[Some(Granularity::Day)],
        &[TORONTO],
    )
    .await;
    check_all(&got, &events, "after rebuild");

    // An upgrade: the tier empty, the aggregator started; its first drift
    // check fills every month retention keeps.
    let keys = reach_keys(store).await;
    assert!(keys > 0);
    for table in [
        "engagement_daily",
        "uptake_daily",
        "program_daily",
        "reach_daily",
    ] {
        let sql = format!("TRUNCATE TABLE {table}");
        store.client.query(&sql).execute().await.expect("truncate");
    }
    let _service = Process::spawn(test, "aggregator", "cmp-aggregator", &[], &env.vars);
    wait_until(
        "the aggregator to fill the daily tier",
        Duration::from_secs(120),
        || async {
            let got = daily_tallies(store).await;
            if got == full {
                Ok(())
            } else {
                Err(format!("{got:?} of {full:?}"))
            }
        },
    )
    .await;
    wait_until("reach filled too", Duration::from_secs(60), || async {
        let n = reach_keys(store).await;
        if n == keys {
            Ok(())
        } else {
            Err(format!("{n} keys of {keys}"))
        }
    })
    .await;
    let got = reports(
        store,
        &campaigns[0],
        (first, last),
        &[None, Some(Granularity::Week)],
        &[TORONTO],
    )
    .await;
    check_all(&got, &events, "after the upgrade fill");
}
