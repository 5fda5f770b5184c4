//! The KPI engine (`cmp_report`) against the real pipeline:
//! generated traffic through the broker and `cmp-ingest` into the ledger
//! and the rollups, every KPI compared with a brute-force count of the very
//! messages the generator produced; late events in their hour; a campaign
//! without events; reach of 100 000 clients; the versioned registry.

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::{DateTime, Duration as Span, SubsecRound, Utc};
use chrono_tz::Tz;
use cmp_kpi::{
    DateRange, Dimension, Granularity, Kpi, Measures, Reach, Status, Target, Thresholds,
    bucket_start, local_date, parse_target_set,
};
use cmp_loadgen::GenConfig;
use cmp_report::{Query, REACH_RSE};
use cmp_store::{Campaign, EventRow, KIND_ENGAGEMENT};
use cmp_tests::brute::{brute, regenerate};
use cmp_tests::generate::generate;
use cmp_tests::rng::Rng;
use cmp_tests::truth::{campaign, check_report, demo_campaigns_around};
use cmp_tests::{Process, assert_accounted, kafka, ledger, migrated, wait_until};

const TZ: Tz = chrono_tz::America::Toronto;

#[tokio::test]
async fn performance_matches_a_brute_force_count_of_generated_traffic() {
    let test = "rep_prop";
    let env = migrated(test, 2).await;
    let ingest = Process::spawn(test, "ingest", "cmp-ingest", &[], &env.vars);
    let now = Utc::now().trunc_subsecs(0) - Span::minutes(1);
    let now_text = now.to_rfc3339();
    let count: u64 = 3000;
    let extra = [
        "--now",
        &now_text,
        "--spread",
        "3d",
        "--late",
        "0.1",
        "--clients",
        "3000",
    ];
    let mut accepted = BTreeSet::new();
    let mut events = Vec::new();
    let mut messages = 0;
    for seed in [31_u64, 32, 33] {
        let manifest = generate(test, &env, &format!("gen{seed}"), seed, count, &extra);
        messages += manifest.messages;
        let config = GenConfig {
            seed,
            now,
            spread: Span::days(3),
            late_share: 0.1,
            clients_per_campaign: 3000,
            ..GenConfig::default()
        };
        let regenerated = regenerate(config, count as usize, Utc::now());
        let ids: BTreeSet<&str> = regenerated.iter().map(|(id, _)| id.as_str()).collect();
        let produced: BTreeSet<&str> = manifest
            .accepted
            .iter()
            .map(|(_, id)| id.as_str())
            .collect();
        assert_eq!(ids, produced, "seed {seed}: regenerated = produced");
        events.extend(regenerated.into_iter().map(|(_, e)| e));
        accepted.extend(manifest.accepted);
    }
    ledger::assert_exactly(&env.store, &accepted, Duration::from_secs(120)).await;
    assert_accounted(&ingest, messages).await;

    let today = local_date(Utc::now(), TZ);
    let campaigns: Vec<Campaign> = demo_campaigns_around(today);
    for c in &campaigns {
        cmp_store::put_campaign(&env.store, c, "test")
            .await
            .expect("put");
    }
    let stored = cmp_store::campaigns(&env.store).await.expect("campaigns");
    assert_eq!(stored.len(), campaigns.len());

    let mut rng = Rng(0x5eed);
    let mut cases = 0;
    for round in 0..20 {
        let c = &stored[rng.below(stored.len() as u64) as usize];
        let from = today - Span::days(rng.below(33) as i64);
        let to = from + Span::days(rng.below(36) as i64);
        let by: Vec<Dimension> = Dimension::ALL
            .into_iter()
            .filter(|_| rng.below(100) < 35)
            .collect();
        let granularity = match rng.below(4) {
            0 => None,
            1 => Some(Granularity::Hour),
            2 => Some(Granularity::Day),
            _ => Some(Granularity::Week),
        };
        // Other whole-hour zones bucket exactly too.
        let tz = [
            TZ,
            chrono_tz::America::Vancouver,
            chrono_tz::America::Halifax,
        ][rng.below(3) as usize];
        let q = Query {
            campaign: c.clone(),
            from,
            to,
            by,
            granularity,
            tz,
        };
        let got = cmp_report::performance(&env.store, &q)
            .await
            .expect("performance");
        check_report(&got, &events, &q, &format!("round {round} {q:?}"));
        cases += 1;
    }
    // The whole flight, every dimension, daily.
    for c in &stored {
        let q = Query {
            campaign: c.clone(),
            from: c.start_date,
            to: today,
            by: Dimension::ALL.to_vec(),
            granularity: Some(Granularity::Day),
            tz: TZ,
        };
        let got = cmp_report::performance(&env.store, &q)
            .await
            .expect("performance");
        assert!(got.totals.impressions > 0 && got.totals.program_uptake_completed > 0);
        check_report(&got, &events, &q, &format!("flight of {}", c.id));
        cases += 1;
    }
    assert_eq!(cases, 23);

    // Targets' actuals: the KPI over the narrowing and the period up to today.
    let c = &stored[0];
    let targets = parse_target_set(
        r#"[{"kpi":"clicks","target":100,"region":"QC"},
            {"kpi":"impressions","target":1000,"channel":"search","language":"fr"},
            {"kpi":"reach","target":500,"segment":"seniors"},
            {"kpi":"uptake_completed","target":50,"service_channel":"online"},
            {"kpi":"cost_per_uptake_cents","target":2500,"region":"ON"},
            {"kpi":"program_online_share","target":0.6},
            {"kpi":"program_uptake_completed","target":80,"service_channel":"phone","region":"QC"},
            {"kpi":"ctr","target":0.02,"from":"2000-01-01","to":"2000-01-31"},
            {"kpi":"spend_cents","target":5000}]"#
            .replace("2000-01-01", &(today - Span::days(5)).to_string())
            .replace("2000-01-31", &(today + Span::days(5)).to_string())
            .as_str(),
    )
    .expect("targets");
    let judged =
        cmp_report::evaluate_targets(&env.store, c, &targets, today, TZ, Thresholds::default())
            .await
            .expect("evaluate");
    assert_eq!(judged.len(), targets.len());
    let flight = DateRange {
        from: c.start_date,
        to: c.end_date,
    };
    for j in &judged {
        let (target, evaluation) = (&j.target, &j.evaluation);
        let period = target.period(flight);
        let so_far = DateRange {
            from: period.from,
            to: period.to.min(today),
        };
        let only = cmp_report::Slice::of_target(target).narrowing;
        let tally = brute(&events, c, so_far.utc_bounds(TZ), &only, |_| ())
            .remove(&())
            .unwrap_or_default();
        let want = tally.measures().value(target.kpi);
        match (evaluation.actual, want) {
            (Some(got), Some(want)) if target.kpi == Kpi::Reach => assert!(
                (got - want).abs() <= 3.0 * REACH_RSE * want,
                "{target:?}: {got} vs {want}"
            ),
            (got, want) => assert_eq!(got, want, "{target:?}"),
        }
        assert_ne!(evaluation.status, Status::NotStarted, "{target:?}");
    }
}

#[tokio::test]
async fn late_events_count_in_the_hour_they_happened() {
    let test = "rep_late";
    let env = migrated(test, 1).await;
    let ingest = Process::spawn(test, "ingest", "cmp-ingest", &[], &env.vars);
    let now = Utc::now().trunc_subsecs(0);
    // Event times: 5 hours, 2 days 3 hours and 20 days ago (engagement),
    // 3 days ago (a completed uptake, attributed and online).
    let ages = [
        Span::hours(5),
        Span::days(2) + Span::hours(3),
        Span::days(20),
    ];
    let topics = env.settings.topics.clone();
    let mut times = Vec::new();
    for (i, age) in ages.iter().enumerate() {
        let at = now - *age;
        times.push(at);
        let id = format!("late-e-{i}");
        let payload = format!(
            r#"{{"event_id":"{id}","event_time":"{}","campaign_id":"late-2026","channel":"web","action":"click","count":{},"cost_cents":7,"client_id":"person-{i}","region":"QC"}}"#,
            at.to_rfc3339(),
            i + 2
        );
        kafka::produce(&env.brokers, &topics.engagement, &id, payload.as_bytes()).await;
    }
    let uptake_at = now - Span::days(3);
    let payload = format!(
        r#"{{"event_id":"late-u-0","event_time":"{}","program":"latep","service_channel":"online","stage":"completed","campaign_id":"late-2026"}}"#,
        uptake_at.to_rfc3339()
    );
    kafka::produce(&env.brokers, &topics.uptake, "late-u-0", payload.as_bytes()).await;
    wait_until(
        "the four late events stored",
        Duration::from_secs(60),
        || async {
            let n = ledger::row_count(&env.store).await?;
            if n >= 4 {
                Ok(())
            } else {
                Err(format!("{n} rows"))
            }
        },
    )
    .await;
    assert_accounted(&ingest, 4).await;

    let today = local_date(now, TZ);
    let c = campaign("late-2026", "latep", today - Span::days(30), today);
    let hour_of = |t: DateTime<Utc>| bucket_start(t, Granularity::Hour, TZ);
    for granularity in [Granularity::Hour, Granularity::Day] {
        let q = Query {
            campaign: c.clone(),
            from: today - Span::days(25),
            to: today,
            by: vec![Dimension::Region],
            granularity: Some(granularity),
            tz: TZ,
        };
        let r = cmp_report::performance(&env.store, &q)
            .await
            .expect("performance");
        assert_eq!(r.totals.clicks, 2 + 3 + 4);
        assert_eq!(r.totals.spend_cents, 21);
        assert_eq!(r.totals.uptake_completed, 1);
        assert_eq!(r.totals.program_online_completed, 1);
        assert_eq!(r.totals.reach.map(|r| r.estimate), Some(3.0));
        assert_eq!(r.as_of, Some(hour_of(times[0])));
        // Engagement under QC, the uptake (no region given) under XX.
        let keys: Vec<String> = r
            .groups
            .iter()
            .map(|g| g.key[&Dimension::Region].clone())
            .collect();
        assert_eq!(keys, ["QC", "XX"]);
        let mut seen = 0;
        for p in &r.series {
            let clicks: u64 = times
                .iter()
                .enumerate()
                .filter(|(_, t)| bucket_start(**t, granularity, TZ) == p.start)
                .map(|(i, _)| i as u64 + 2)
                .sum();
            assert_eq!(p.measures.clicks, clicks, "{granularity:?} {}", p.start);
            let uptake = u64::from(bucket_start(uptake_at, granularity, TZ) == p.start);
            assert_eq!(p.measures.uptake_completed, uptake, "{}", p.start);
            seen += usize::from(clicks > 0) + usize::from(uptake > 0);
        }
        assert_eq!(seen, 4, "{granularity:?}: every event in one bucket");
    }
    // A day's report holds exactly that day's late event.
    let day = local_date(times[1], TZ);
    let q = Query {
        campaign: c.clone(),
        from: day,
        to: day,
        by: Vec::new(),
        granularity: None,
        tz: TZ,
    };
    let r = cmp_report::performance(&env.store, &q)
        .await
        .expect("performance");
    assert_eq!(r.totals.clicks, 3);
    assert_eq!(r.as_of, Some(hour_of(times[1])));
}

#[tokio::test]
async fn a_campaign_without_events_reports_zeros_and_judges_its_targets() {
    let test = "rep_quiet";
    let env = migrated(test, 1).await;
    let store = &env.store;
    let today = local_date(Utc::now(), TZ);
    let mut c = campaign(
        "quiet-2026",
        "quietp",
        today - Span::days(10),
        today + Span::days(20),
    );

    // Versions: three in the same second, the newest wins.
    for budget in [1, 2, 3] {
        c.budget_cents = budget;
        cmp_store::put_campaign(store, &c, &format!("editor-{budget}"))
            .await
            .expect("put");
    }
    assert_eq!(
        cmp_store::campaign(store, &c.id).await.expect("read"),
        Some(c.clone())
    );
    assert_eq!(
        cmp_store::campaigns(store).await.expect("list"),
        vec![c.clone()]
    );
    assert_eq!(
        cmp_store::campaign(store, "nope").await.expect("read"),
        None
    );

    let past_from = (today - Span::days(10)).to_string();
    let past_to = (today - Span::days(2)).to_string();
    let future = (today + Span::days(3)).to_string();
    let set_v1 = r#"[{"kpi":"clicks","target":10}]"#.to_owned();
    let set_v2 = format!(
        r#"[{{"kpi":"clicks","target":100}},
            {{"kpi":"uptake_completed","target":20,"segment":"seniors"}},
            {{"kpi":"ctr","target":0.02}},
            {{"kpi":"cost_per_uptake_cents","target":2500}},
            {{"kpi":"reach","target":400,"region":"QC","from":"{future}"}},
            {{"kpi":"program_uptake_completed","target":5,"from":"{past_from}","to":"{past_to}"}}]"#
    );
    assert_eq!(
        cmp_store::target_set(store, &c.id).await.expect("read"),
        None
    );
    cmp_store::put_targets(store, &c.id, &set_v1, "a")
        .await
        .expect("put");
    cmp_store::put_targets(store, &c.id, &set_v2, "b")
        .await
        .expect("put");
    let current = cmp_store::target_set(store, &c.id)
        .await
        .expect("read")
        .expect("a set");
    assert_eq!(
        (current.targets.as_str(), current.changed_by.as_str()),
        (set_v2.as_str(), "b")
    );
    let history = cmp_store::target_history(store, &c.id)
        .await
        .expect("history");
    assert_eq!(history.len(), 2);
    assert_eq!(history[1].targets, set_v1);
    assert!(history[0].changed_at > history[1].changed_at);

    let q = Query {
        campaign: c.clone(),
        from: c.start_date,
        to: today,
        by: vec![Dimension::Segment, Dimension::ServiceChannel],
        granularity: Some(Granularity::Day),
        tz: TZ,
    };
    let r = cmp_report::performance(store, &q)
        .await
        .expect("performance");
    let zero = Measures {
        reach: Some(Reach {
            estimate: 0.0,
            rse: REACH_RSE,
        }),
        ..Measures::default()
    };
    assert_eq!(r.totals, zero);
    assert!(r.groups.is_empty());
    assert_eq!(r.as_of, None);
    assert_eq!(r.series.len(), 11);
    assert!(r.series.iter().all(|p| p.measures == zero));

    let targets = parse_target_set(&current.targets).expect("valid set");
    let judged =
        cmp_report::evaluate_targets(store, &c, &targets, today, TZ, Thresholds::default())
            .await
            .expect("evaluate");
    let statuses: Vec<(Kpi, Status, Option<f64>)> = judged
        .iter()
        .map(|j| (j.target.kpi, j.evaluation.status, j.evaluation.actual))
        .collect();
    assert_eq!(
        statuses,
        vec![
            (Kpi::Clicks, Status::OffTrack, Some(0.0)),
            (Kpi::UptakeCompleted, Status::OffTrack, Some(0.0)),
            (Kpi::Ctr, Status::OffTrack, None),
            (Kpi::CostPerUptakeCents, Status::OffTrack, None),
            (Kpi::Reach, Status::NotStarted, Some(0.0)),
            (Kpi::ProgramUptakeCompleted, Status::NotMet, Some(0.0)),
        ]
    );
    // An empty range reads as nothing, not as an error.
    let empty = Query {
        from: today,
        to: today - Span::days(1),
        ..q
    };
    assert_eq!(
        cmp_report::performance(store, &empty)
            .await
            .expect("empty")
            .totals,
        zero
    );
    let t = Target::new(Kpi::Clicks, 1.0);
    let none = DateRange {
        from: today,
        to: today - Span::days(1),
    };
    assert_eq!(
        cmp_report::actual(store, &c, &t, none, TZ)
            .await
            .expect("actual"),
        Some(0.0)
    );
}

#[tokio::test]
async fn reach_of_a_hundred_thousand_clients_is_within_its_stated_error() {
    let test = "rep_reach";
    let env = migrated(test, 1).await;
    let today = local_date(Utc::now(), TZ);
    let c = campaign("big-2026", "bigp", today - Span::days(3), today);
    let (day_start, _) = DateRange::day(today - Span::days(1)).utc_bounds(TZ);
    let base = u32::try_from(day_start.timestamp()).expect("fits");
    let segments = ["seniors", "students", "newcomers", "unspecified"];
    let mut rng = Rng(0xc0ffee);
    let clients: u64 = 100_000;
    let rows: Vec<EventRow> = (0..clients)
        .map(|i| {
            // Each client once; a 64-hex-digit pseudonym like ingest's.
            let hash = format!(
                "{:016x}{:016x}{:016x}{:016x}",
                rng.next_u64(),
                rng.next_u64(),
                rng.next_u64(),
                i
            );
            let at = base + u32::try_from(i % 20).expect("hour") * 3600 + 59;
            EventRow {
                src_topic: "t".into(),
                src_partition: 0,
                src_offset: i,
                kind: KIND_ENGAGEMENT,
                event_id: format!("big-{i}"),
                event_time: at,
                event_ms: i64::from(at) * 1000,
                campaign_id: c.id.clone(),
                channel: "social".into(),
                action: "impression".into(),
                count: 1,
                cost_cents: 0,
                program: String::new(),
                service_channel: "".into(),
                stage: "".into(),
                segment: segments[(i % 4) as usize].into(),
                region: "ON".into(),
                language: "en".into(),
                client_hash: hash,
                ingested_at: at,
                variant: String::new(),
                office_id: String::new(),
                fsa: String::new(),
            }
        })
        .collect();
    for chunk in rows.chunks(25_000) {
        ledger::insert_rows(&env.store, chunk).await;
    }
    let q = Query {
        campaign: c.clone(),
        from: c.start_date,
        to: today,
        by: vec![Dimension::Segment],
        granularity: Some(Granularity::Day),
        tz: TZ,
    };
    let r = cmp_report::performance(&env.store, &q)
        .await
        .expect("performance");
    assert_eq!(r.totals.impressions, clients);
    let check = |reach: Option<Reach>, truth: f64, what: &str| {
        let reach = reach.unwrap_or_else(|| panic!("{what}: no reach"));
        let error = (reach.estimate - truth).abs() / truth;
        assert_eq!(reach.rse, REACH_RSE);
        // The contract's bound, and three times the error we state.
        assert!(error <= 0.02, "{what}: {} for {truth}", reach.estimate);
        assert!(
            error <= 3.0 * REACH_RSE,
            "{what}: {} for {truth} ({:.3} %)",
            reach.estimate,
            error * 100.0
        );
        error
    };
    let total_error = check(r.totals.reach, clients as f64, "total");
    eprintln!(
        "reach of {clients}: relative error {:.4} %",
        total_error * 100.0
    );
    assert_eq!(r.groups.len(), 4);
    for g in &r.groups {
        check(
            g.measures.reach,
            (clients / 4) as f64,
            &format!("{:?}", g.key),
        );
    }
    let day = r
        .series
        .iter()
        .find(|p| p.measures.impressions > 0)
        .expect("a day with data");
    assert_eq!(day.measures.impressions, clients);
    check(day.measures.reach, clients as f64, "the day");
    assert_eq!(
        r.series
            .iter()
            .filter(|p| p.measures.impressions > 0)
            .count(),
        1
    );
}
