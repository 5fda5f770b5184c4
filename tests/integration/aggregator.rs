//! The aggregator against real ClickHouse: `rebuild` recomputes the live
//! rollups exactly (also after they were corrupted, and when run twice),
//! and attribution's copies, change marks and kept credits; `retention`
//! drops only whole old months of the ledger (and of attribution's inputs),
//! and the service records attainment history and exports the business
//! metrics.

use std::time::Duration;

use chrono::{Days, Utc};
use cmp_store::{EventRow, KIND_ENGAGEMENT, KIND_UPTAKE, Store};
use cmp_tests::generate::{generate, spawn_generate};
use cmp_tests::{Process, ledger, migrated, run, wait_until};
use serde::Deserialize;

#[derive(Debug, PartialEq, clickhouse::Row, Deserialize)]
struct EngagementCell {
    hour: u32,
    campaign_id: String,
    segment: String,
    channel: String,
    action: String,
    region: String,
    language: String,
    events: u64,
    count: u64,
    cost_cents: u64,
    reach: u64,
}

#[derive(Debug, PartialEq, clickhouse::Row, Deserialize)]
struct UptakeCell {
    hour: u32,
    program: String,
    service_channel: String,
    stage: String,
    campaign_id: String,
    segment: String,
    region: String,
    language: String,
    events: u64,
    reach: u64,
}

/// Both rollups, merged and grouped by every key column.
async fn rollups(store: &Store) -> (Vec<EngagementCell>, Vec<UptakeCell>) {
    let engagement = store
        .client
        .query(
            "SELECT toUInt32(hour) AS hour, campaign_id, segment, channel, action, region, language,
                    countMerge(events) AS events, sumMerge(count) AS count,
                    sumMerge(cost_cents) AS cost_cents, uniqCombinedMerge(reach) AS reach
             FROM engagement_hourly
             GROUP BY hour, campaign_id, segment, channel, action, region, language
             ORDER BY hour, campaign_id, segment, channel, action, region, language",
        )
        .fetch_all::<EngagementCell>()
        .await
        .expect("engagement rollup");
    let uptake = store
        .client
        .query(
            "SELECT toUInt32(hour) AS hour, program, service_channel, stage, campaign_id, segment, region, language,
                    countMerge(events) AS events, uniqCombinedMerge(reach) AS reach
             FROM uptake_hourly
             GROUP BY hour, program, service_channel, stage, campaign_id, segment, region, language
             ORDER BY hour, program, service_channel, stage, campaign_id, segment, region, language",
        )
        .fetch_all::<UptakeCell>()
        .await
        .expect("uptake rollup");
    (engagement, uptake)
}

async fn exec(store: &Store, sql: &str) {
    store
        .client
        .query(sql)
        .execute()
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Junk in both rollups: doubled counts at a real key, a foreign campaign,
/// and a month the range covers but the ledger may not.
async fn corrupt(store: &Store, real_hour: u32, empty_month_hour: u32) {
    for hour in [real_hour, empty_month_hour] {
        exec(
            store,
            &format!(
                "INSERT INTO engagement_hourly SELECT toDateTime({hour}), 'junk-campaign', 'general', 'web', 'click', 'ON', 'en',
                        countState(), sumState(toUInt32(5)), sumState(toUInt64(7)), uniqCombinedState('x')
                 FROM system.one"
            ),
        )
        .await;
        exec(
            store,
            &format!(
                "INSERT INTO uptake_hourly SELECT toDateTime({hour}), 'oas', 'online', 'completed', 'junk-campaign', 'general', 'ON', 'en',
                        countState(), uniqCombinedState('x')
                 FROM system.one"
            ),
        )
        .await;
    }
    exec(
        store,
        "INSERT INTO engagement_hourly SELECT hour, campaign_id, segment, channel, action, region, language, events, count, cost_cents, reach
         FROM engagement_hourly",
    )
    .await;
}

#[tokio::test]
async fn rebuild_recomputes_the_live_rollups_exactly_while_ingest_runs() {
    let test = "rebuild";
    let env = migrated(test, 2).await;
    let _ingest = Process::spawn(test, "ingest", "cmp-ingest", &[], &env.vars);
    // 10 % late events: the rollups span this month and the previous ones.
    let manifest = generate(test, &env, "gen", 11, 3000, &["--late", "0.1"]);
    ledger::assert_exactly(&env.store, &manifest.accepted, Duration::from_secs(120)).await;
    let live = rollups(&env.store).await;
    assert!(!live.0.is_empty() && !live.1.is_empty());

    let today = Utc::now().date_naive();
    let from = today.checked_sub_days(Days::new(70)).expect("date");
    let (from_s, to_s) = (from.to_string(), today.to_string());
    let args = ["rebuild", "--from", &from_s, "--to", &to_s];

    // Corrupted rollups are rebuilt to exactly the live ones.
    let day_start = |d: chrono::NaiveDate| {
        u32::try_from(
            d.and_hms_opt(0, 0, 0)
                .expect("midnight")
                .and_utc()
                .timestamp(),
        )
        .expect("fits")
    };
    corrupt(&env.store, live.0[0].hour, day_start(from)).await;
    assert_ne!(rollups(&env.store).await, live, "corruption shows");
    assert!(run(test, "cmp-aggregator", &args, &env.vars).success());
    let rebuilt = rollups(&env.store).await;
    assert_eq!(rebuilt.0, live.0, "engagement rollup after rebuild");
    assert_eq!(rebuilt.1, live.1, "uptake rollup after rebuild");

    // Twice: the same.
    assert!(run(test, "cmp-aggregator", &args, &env.vars).success());
    assert_eq!(rollups(&env.store).await, live, "second rebuild");

    // One campaign's months only: still exact, and no staging table is left.
    let campaign = &live.0[0].campaign_id;
    let with_campaign = [
        "rebuild",
        "--from",
        &from_s,
        "--to",
        &to_s,
        "--campaign",
        campaign,
    ];
    assert!(run(test, "cmp-aggregator", &with_campaign, &env.vars).success());
    assert_eq!(rollups(&env.store).await, live, "campaign rebuild");
    let staging: u64 = env
        .store
        .client
        .query("SELECT count() FROM system.tables WHERE database = currentDatabase() AND name LIKE 'rebuild_%'")
        .fetch_one()
        .await
        .expect("tables");
    assert_eq!(staging, 0, "staging tables left behind");
}

/// The engagement rollup as the ledger gives it directly, grouped the same way.
async fn engagement_from_ledger(store: &Store) -> Vec<EngagementCell> {
    store
        .client
        .query(
            "SELECT toUInt32(toStartOfHour(event_time)) AS hour, campaign_id, segment, channel, action, region, language,
                    count() AS events, sum(count) AS count, sum(cost_cents) AS cost_cents,
                    uniqCombinedIf(client_hash, client_hash != '') AS reach
             FROM events WHERE kind = 'engagement'
             GROUP BY hour, campaign_id, segment, channel, action, region, language
             ORDER BY hour, campaign_id, segment, channel, action, region, language",
        )
        .fetch_all::<EngagementCell>()
        .await
        .expect("engagement from the ledger")
}

#[tokio::test]
async fn rebuilds_racing_live_inserts_lose_nothing() {
    let test = "rebuildrace";
    let env = migrated(test, 2).await;
    let _ingest = Process::spawn(test, "ingest", "cmp-ingest", &[], &env.vars);
    let (mut gen_proc, manifest) =
        spawn_generate(test, &env, "gen", 12, 20_000, &["--rate", "4000"]);
    let today = Utc::now().date_naive();
    let from = today
        .checked_sub_days(Days::new(40))
        .expect("date")
        .to_string();
    let to = today.to_string();
    let args = ["rebuild", "--from", from.as_str(), "--to", to.as_str()];
    let mut rebuilds = 0;
    while gen_proc.running() {
        assert!(
            run(test, "cmp-aggregator", &args, &env.vars).success(),
            "rebuild during traffic"
        );
        rebuilds += 1;
    }
    assert!(rebuilds >= 1);
    let manifest = cmp_tests::Manifest::read(&manifest);
    ledger::assert_exactly(&env.store, &manifest.accepted, Duration::from_secs(120)).await;
    assert!(run(test, "cmp-aggregator", &args, &env.vars).success());
    let (engagement, _) = rollups(&env.store).await;
    assert_eq!(engagement, engagement_from_ledger(&env.store).await);
}

/// The aggregator service, its drift check every `secs` seconds, and ingest.
fn drift_checked_pipeline(test: &str, env: &cmp_tests::TestEnv, secs: &str) -> [Process; 2] {
    [
        Process::spawn(
            test,
            "aggregator",
            "cmp-aggregator",
            &[],
            &env.with("CMP_DRIFT_CHECK_INTERVAL_SECS", secs),
        ),
        Process::spawn(test, "ingest", "cmp-ingest", &[], &env.vars),
    ]
}

/// A view that fails after the ledger took its INSERT (on a cluster, a
/// replicated rollup still read-only after a Keeper outage while the ledger
/// is writable again) leaves the block in the ledger and not in the rollups;
/// ingest, finding its rows in the ledger, never sends them again. The
/// service's drift check repairs the month from the ledger within its
/// interval. Here the failing view is a test's own, named to run before the
/// rollups' views (18.16 runs a table's views in name order).
#[tokio::test]
async fn a_view_failing_after_the_ledger_took_its_insert_is_repaired_by_the_drift_check() {
    let test = "drift";
    let env = migrated(test, 2).await;
    let _pipeline = drift_checked_pipeline(test, &env, "2");
    let first = generate(test, &env, "gen1", 21, 1000, &[]);
    ledger::assert_exactly(&env.store, &first.accepted, Duration::from_secs(120)).await;
    ledger::assert_rollups_match(&env.store).await;

    exec(
        &env.store,
        "CREATE TABLE a_fault_sink (x UInt8) ENGINE = Null",
    )
    .await;
    exec(
        &env.store,
        "CREATE MATERIALIZED VIEW a_fault_mv TO a_fault_sink AS SELECT throwIf(event_ms > -1) AS x FROM events",
    )
    .await;
    let second = generate(test, &env, "gen2", 22, 1000, &[]);
    let all: std::collections::BTreeSet<_> =
        first.accepted.union(&second.accepted).cloned().collect();
    ledger::assert_exactly(&env.store, &all, Duration::from_secs(120)).await;
    exec(&env.store, "DROP TABLE a_fault_mv").await;
    exec(&env.store, "DROP TABLE a_fault_sink").await;
    assert!(
        cmp_tests::log_text(test, "ingest").contains("dependency unavailable"),
        "ingest's INSERTs never failed: the fault did not happen"
    );

    wait_until(
        "the rollups to count the ledger again",
        Duration::from_secs(60),
        || async {
            let c = ledger::counted(&env.store).await?;
            if c.rolled_up == c.coordinates {
                Ok(())
            } else {
                Err(format!(
                    "the rollups count {} events, the ledger holds {}",
                    c.rolled_up, c.coordinates
                ))
            }
        },
    )
    .await;
    let (engagement, _) = rollups(&env.store).await;
    assert_eq!(engagement, engagement_from_ledger(&env.store).await);
    assert!(
        cmp_tests::log_text(test, "aggregator").contains("rollup drifted from the ledger"),
        "the rollups never drifted: the failing view ran after theirs"
    );
}

/// The drift check meets INSERTs in flight: each writes the ledger, then its
/// views one after another (two rollups, the daily tier's twelve, the
/// message test's, attribution's). A check that counts the ledger and a
/// rollup while one is between the two must not call the month drifted:
/// a rebuild under live traffic counts twice the rows of a view that writes
/// after its swap. Checked every tick while ingest takes a steady stream, no
/// month is rebuilt and every derived table counts the ledger exactly.
#[tokio::test]
async fn the_drift_check_under_steady_ingest_rebuilds_nothing() {
    let test = "driftlive";
    let env = migrated(test, 2).await;
    let _pipeline = drift_checked_pipeline(test, &env, "1");
    let (mut producer, manifest) =
        spawn_generate(test, &env, "gen", 24, 30_000, &["--rate", "1500"]);
    while producer.running() {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let manifest = cmp_tests::Manifest::read(&manifest);
    ledger::assert_exactly(&env.store, &manifest.accepted, Duration::from_secs(120)).await;
    ledger::assert_rollups_match(&env.store).await;
    ledger::assert_daily_tier_matches(&env.store).await;
    let log = cmp_tests::log_text(test, "aggregator");
    // The first check runs at start, before the traffic; the others met it.
    let checks = log.matches("drift check done").count();
    assert!(checks >= 2, "the drift check ran {checks} times");
    assert!(
        !log.contains("rollup drifted from the ledger"),
        "the drift check rebuilt a month under live traffic"
    );
}

#[tokio::test]
async fn rebuild_refuses_bad_arguments_naming_the_flag() {
    let test = "rebuildargs";
    let env = migrated(test, 1).await;
    for args in [
        &["rebuild", "--to", "2026-11-01"][..],
        &["rebuild", "--from", "2026-11-31", "--to", "2026-12-01"],
        &["rebuild", "--from", "2026-12-02", "--to", "2026-12-01"],
        &[
            "rebuild",
            "--from",
            "2026-11-01",
            "--to",
            "2026-12-01",
            "--campaign",
            "a b",
        ],
        &[
            "rebuild",
            "--from",
            "2026-11-01",
            "--to",
            "2026-12-01",
            "--months",
            "2",
        ],
        &["retention", "now"],
    ] {
        let status = run(test, "cmp-aggregator", args, &env.vars);
        assert_eq!(status.code(), Some(2), "{args:?}");
    }
}

fn event(kind: i8, n: u64, event_time: u32, campaign: &str) -> EventRow {
    let engagement = kind == KIND_ENGAGEMENT;
    EventRow {
        src_topic: "direct".into(),
        src_partition: 0,
        src_offset: n,
        kind,
        event_id: format!("direct-{n}"),
        event_time,
        event_ms: i64::from(event_time) * 1000,
        campaign_id: campaign.into(),
        channel: if engagement { "web".into() } else { "".into() },
        action: if engagement {
            "click".into()
        } else {
            "".into()
        },
        count: 1,
        cost_cents: if engagement { 250 } else { 0 },
        program: if engagement {
            String::new()
        } else {
            "oas".into()
        },
        service_channel: if engagement {
            "".into()
        } else {
            "online".into()
        },
        stage: if engagement {
            "".into()
        } else {
            "completed".into()
        },
        segment: "general".into(),
        region: "ON".into(),
        language: "en".into(),
        client_hash: format!("{n:064x}"),
        ingested_at: event_time,
        variant: String::new(),
        office_id: String::new(),
        fsa: String::new(),
    }
}

async fn months_with(store: &Store, sql: &str) -> Vec<u32> {
    store.client.query(sql).fetch_all::<u32>().await.expect(sql)
}

/// A campaign's kept attribution, newest value of every key, zeros left out.
#[derive(Debug, PartialEq, clickhouse::Row, Deserialize)]
struct KeptCell {
    campaign: String,
    measure: String,
    by_kind: String,
    hour: u32,
    stage: String,
    by_value: String,
    value: f64,
}

async fn kept(store: &Store) -> Vec<KeptCell> {
    store
        .client
        .query(
            "SELECT campaign, measure, by_kind, toUInt32(hour) AS hour, stage, by_value, value FROM
             (SELECT campaign, measure, by_kind, hour, stage, by_value, by_language,
                     argMax(value, generation) AS value
              FROM attribution_credits
              GROUP BY campaign, measure, by_kind, hour, stage, by_value, by_language)
             WHERE value != 0
             ORDER BY campaign, measure, by_kind, hour, stage, by_value",
        )
        .fetch_all::<KeptCell>()
        .await
        .expect("kept credits")
}

/// Rows of each of attribution's inputs and of the message test's rollup,
/// then what the ledger says they should hold.
async fn inputs(store: &Store) -> [(u64, u64); 4] {
    let one = |sql: &'static str| async move {
        store.client.query(sql).fetch_one::<u64>().await.expect(sql)
    };
    [
        (
            one("SELECT count() FROM uptake_touches").await,
            one("SELECT count() FROM events WHERE kind = 'uptake'").await,
        ),
        (
            one("SELECT count() FROM exposure_touches").await,
            one("SELECT count() FROM events WHERE kind = 'engagement' AND client_hash != ''").await,
        ),
        (
            one("SELECT sum(events) FROM attribution_marks").await,
            one("SELECT count() FROM events WHERE kind = 'uptake' OR client_hash != ''").await,
        ),
        (
            one("SELECT countMerge(events) FROM variant_hourly").await,
            one("SELECT count() FROM events WHERE variant != ''").await,
        ),
    ]
}

#[tokio::test]
async fn rebuild_recomputes_attributions_inputs_and_kept_credits_from_the_ledger() {
    let test = "rebuild_attribution";
    let env = migrated(test, 1).await;
    let now = Utc::now();
    let at = |days: u64, hours: i64| {
        let t =
            now.checked_sub_days(Days::new(days)).expect("time") - chrono::Duration::hours(hours);
        u32::try_from(t.timestamp()).expect("fits")
    };
    let (start, end) = (now.date_naive() - Days::new(60), now.date_naive());
    for id in ["att-a", "att-b"] {
        exec(
            &env.store,
            &format!(
                "INSERT INTO campaigns (campaign_id, name_en, name_fr, program, start_date, end_date, budget_cents, changed_by, changed_at) VALUES ('{id}', 'A', 'A', 'oas', '{start}', '{end}', 100000, 'test', now())"
            ),
        )
        .await;
    }
    // 40 clients: a click of att-a 3 days before, of att-b 1 day before
    // (every other client), then a completed application naming att-a.
    let mut rows = Vec::new();
    for c in 0..40_u64 {
        let client = format!("{c:064x}");
        let day = 2 + c % 20;
        let mut click = event(KIND_ENGAGEMENT, c * 10, at(day + 3, 0), "att-a");
        click.client_hash = client.clone();
        click.variant = if c % 3 == 0 { "control" } else { "b" }.into();
        rows.push(click);
        if c % 2 == 0 {
            let mut other = event(KIND_ENGAGEMENT, c * 10 + 1, at(day + 1, 0), "att-b");
            other.client_hash = client.clone();
            rows.push(other);
        }
        let mut up = event(KIND_UPTAKE, c * 10 + 2, at(day, 0), "att-a");
        up.client_hash = client;
        rows.push(up);
    }
    ledger::insert_rows(&env.store, &rows).await;
    let (from, to) = (
        (now.date_naive() - Days::new(40)).to_string(),
        now.date_naive().to_string(),
    );
    let args = ["rebuild", "--from", from.as_str(), "--to", to.as_str()];
    assert!(run(test, "cmp-aggregator", &args, &env.vars).success());
    let truth = kept(&env.store).await;
    let credited = |measure: &str, campaign: &str| -> f64 {
        truth
            .iter()
            .filter(|k| k.measure == measure && k.campaign == campaign && k.by_kind.is_empty())
            .map(|k| k.value)
            .sum()
    };
    assert_eq!(credited("last_touch", "att-a"), 20.0, "{truth:?}");
    assert_eq!(credited("last_touch", "att-b"), 20.0);
    assert_eq!(credited("linear", "att-a"), 30.0);
    assert_eq!(credited("referred", "att-a"), 40.0);
    assert_eq!(credited("both", "att-a"), 40.0);
    assert!(
        inputs(&env.store)
            .await
            .iter()
            .all(|(kept, want)| kept == want)
    );

    // Corrupt: the copies and marks doubled, a foreign credit kept newer
    // than anything the aggregator wrote.
    for table in [
        "uptake_touches",
        "exposure_touches",
        "attribution_marks",
        "variant_hourly",
    ] {
        exec(
            &env.store,
            &format!("INSERT INTO {table} SELECT * FROM {table}"),
        )
        .await;
    }
    exec(
        &env.store,
        &format!(
            "INSERT INTO attribution_credits (program, campaign, measure, by_kind, hour, stage, by_value, by_language, value, generation)
             VALUES ('oas', 'att-a', 'last_touch', '', toStartOfHour(toDateTime({h})), 'completed', '', '', 99, 18446744073709551615)",
            h = at(5, 0)
        ),
    )
    .await;
    assert_ne!(kept(&env.store).await, truth);
    assert!(run(test, "cmp-aggregator", &args, &env.vars).success());
    assert_eq!(
        inputs(&env.store).await.map(|(kept, want)| kept == want),
        [true; 4],
        "inputs after the rebuild: {:?}",
        inputs(&env.store).await
    );
    assert_eq!(
        kept(&env.store).await,
        truth,
        "kept credits after the rebuild"
    );
}

#[tokio::test]
async fn retention_drops_only_whole_old_months_and_keeps_rollups() {
    let test = "retention";
    let env = migrated(test, 1).await;
    let now = Utc::now();
    let days_ago = |d: u64| {
        let t = now.checked_sub_days(Days::new(d)).expect("time");
        u32::try_from(t.timestamp()).expect("fits")
    };
    // 400 days is the default: 800 and 431 days back are in months entirely
    // older than the cutoff; 399 and 0 days back are kept.
    let rows: Vec<EventRow> = [800, 431, 399, 0]
        .iter()
        .enumerate()
        .flat_map(|(i, &d)| {
            let i = i as u64 * 10;
            [
                event(KIND_ENGAGEMENT, i, days_ago(d), "ret"),
                event(KIND_UPTAKE, i + 1, days_ago(d), "ret"),
            ]
        })
        .collect();
    ledger::insert_rows(&env.store, &rows).await;
    let rollup_months = "SELECT DISTINCT toYYYYMM(hour) AS m FROM engagement_hourly ORDER BY m";
    let ledger_months = "SELECT DISTINCT toYYYYMM(event_time) AS m FROM events ORDER BY m";
    let before = months_with(&env.store, ledger_months).await;
    assert_eq!(before.len(), 4, "{before:?}");
    let rolled_before = rollups(&env.store).await;

    assert!(run(test, "cmp-aggregator", &["retention"], &env.vars).success());
    assert_eq!(
        months_with(&env.store, ledger_months).await,
        before[2..].to_vec()
    );
    assert_eq!(months_with(&env.store, rollup_months).await, before);
    for copy in ["uptake_touches", "exposure_touches"] {
        let sql = format!("SELECT DISTINCT toYYYYMM(event_time) AS m FROM {copy} ORDER BY m");
        assert_eq!(
            months_with(&env.store, &sql).await,
            before[2..].to_vec(),
            "{copy}"
        );
    }
    let marks = "SELECT DISTINCT toYYYYMM(hour) AS m FROM attribution_marks ORDER BY m";
    assert_eq!(months_with(&env.store, marks).await, before[2..].to_vec());
    assert_eq!(
        rollups(&env.store).await,
        rolled_before,
        "rollups untouched"
    );
    // Nothing more to drop the second time.
    assert!(run(test, "cmp-aggregator", &["retention"], &env.vars).success());
    assert_eq!(
        months_with(&env.store, ledger_months).await,
        before[2..].to_vec()
    );
}

#[tokio::test]
async fn the_service_records_history_and_exports_attainment_and_lag() {
    let test = "history";
    let env = migrated(test, 1).await;
    let now = Utc::now();
    let today = now.date_naive();
    let start = today.checked_sub_days(Days::new(5)).expect("date");
    let end = today.checked_add_days(Days::new(25)).expect("date");
    exec(
        &env.store,
        &format!(
            "INSERT INTO campaigns (campaign_id, name_en, name_fr, program, start_date, end_date, budget_cents, changed_by, changed_at) VALUES ('hist-camp', 'History', 'Historique', 'oas', '{start}', '{end}', 100000, 'test', now())"
        ),
    )
    .await;
    exec(
        &env.store,
        r#"INSERT INTO target_sets VALUES ('hist-camp', '[{"kpi":"clicks","target":1000},{"kpi":"uptake_completed","target":50}]', 'test', now())"#,
    )
    .await;
    let t = u32::try_from(now.timestamp()).expect("fits") - 3600;
    let rows: Vec<EventRow> = (0..40)
        .map(|n| {
            event(
                if n < 30 { KIND_ENGAGEMENT } else { KIND_UPTAKE },
                n,
                t,
                "hist-camp",
            )
        })
        .collect();
    ledger::insert_rows(&env.store, &rows).await;

    let mut service = Process::spawn(
        test,
        "aggregator",
        "cmp-aggregator",
        &[],
        &env.with("CMP_HISTORY_INTERVAL_SECS", "1"),
    );
    let count =
        "SELECT count() FROM attainment_history WHERE campaign_id = 'hist-camp' AND end_of_day = 0";
    wait_until(
        "history rows of two snapshots",
        Duration::from_secs(60),
        || async {
            let n: u64 = env
                .store
                .client
                .query(count)
                .fetch_one()
                .await
                .map_err(|e| e.to_string())?;
            if n >= 4 {
                Ok(())
            } else {
                Err(format!("{n} rows"))
            }
        },
    )
    .await;
    #[derive(Debug, clickhouse::Row, Deserialize)]
    struct Recorded {
        kpi: String,
        actual: Option<f64>,
        attainment: Option<f64>,
        status: String,
    }
    let recorded: Vec<Recorded> = env
        .store
        .client
        .query(
            "SELECT kpi, actual, attainment, status FROM attainment_history
             WHERE campaign_id = 'hist-camp' ORDER BY recorded_at DESC, target_index LIMIT 2",
        )
        .fetch_all()
        .await
        .expect("history");
    assert_eq!(recorded[0].kpi, "clicks");
    assert_eq!(recorded[0].actual, Some(30.0));
    assert_eq!(recorded[0].attainment, Some(0.03));
    assert_eq!(recorded[0].status, "off_track");
    assert_eq!(recorded[1].kpi, "uptake_completed");
    assert_eq!(recorded[1].actual, Some(10.0));

    let body = wait_until(
        "attainment and lag metrics",
        Duration::from_secs(30),
        || async {
            let (_, body) = service.get("/metrics").await.ok_or("no metrics")?;
            let lag = cmp_tests::metric_sum(&body, "cmp_aggregator_rollup_lag_seconds");
            if body.contains("cmp_aggregator_attainment{") && lag.is_finite() {
                Ok(body)
            } else {
                Err(body)
            }
        },
    )
    .await;
    assert!(
        body.contains(
            r#"cmp_aggregator_attainment{campaign="hist-camp",kpi="clicks",target="0"} 0.03"#
        ),
        "{body}"
    );
    let lag = cmp_tests::metric_sum(&body, "cmp_aggregator_rollup_lag_seconds");
    assert!((3600.0..3.0 * 3600.0).contains(&lag), "lag {lag}");
    assert!(cmp_tests::metric_sum(&body, "cmp_aggregator_history_snapshots_total") >= 2.0);
    assert_eq!(
        service.get("/readyz").await.map(|(code, _)| code),
        Some(200)
    );

    let (status, took) = service.terminate(Duration::from_secs(10));
    assert!(status.success(), "exit status {status:?}");
    assert!(took < Duration::from_secs(3), "took {took:?} to stop");
}

#[tokio::test]
async fn the_service_waits_out_a_clickhouse_outage_and_stops_on_sigterm() {
    let test = "aggoutage";
    let env = migrated(test, 1).await;
    // Nothing listens there: ClickHouse is "down" from the start.
    let down = format!("http://{}", cmp_tests::free_addr());
    let mut service = Process::spawn(
        test,
        "aggregator",
        "cmp-aggregator",
        &[],
        &env.with("CMP_CLICKHOUSE_URL", &down),
    );
    let ready = wait_until("the probe server", Duration::from_secs(20), || async {
        service
            .get("/readyz")
            .await
            .map(|(c, _)| c)
            .ok_or("no answer".to_owned())
    })
    .await;
    assert_eq!(ready, 503);
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(service.running(), "the service exited during the outage");
    assert_eq!(service.get("/healthz").await.map(|(c, _)| c), Some(200));
    let (status, took) = service.terminate(Duration::from_secs(10));
    assert!(status.success(), "exit status {status:?}");
    assert!(took < Duration::from_secs(3), "took {took:?} to stop");
}
