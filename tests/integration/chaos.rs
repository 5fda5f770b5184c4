//! Chaos under load (RELIABILITY.md): the whole pipeline (ingest members,
//! the aggregator service, the API with a client asking it all along) under
//! generated traffic with re-deliveries and invalid messages, while
//! processes are SIGKILLed at random moments and restarted, ClickHouse is
//! stopped for a minute, the broker is restarted on its sqlite storage, and
//! ingest members join and leave the group. At the end: the ledger holds
//! exactly the accepted events (nothing lost, nothing twice), every refusal
//! is in the DLQ with its code, every KPI of every campaign equals a
//! brute-force count of what was produced, in the report engine and through
//! the API, the API never answered anything but 200 or 503, no process
//! crashed by itself, and no clear client id is in ClickHouse or any log.
//!
//! It restarts the broker (so needs `CMP_KAFKA_STORAGE=sqlite`) and stops
//! ClickHouse, so the ordinary run skips it: `deploy/reliability/run.sh
//! short|long` runs it on services of its own (`CMP_CHAOS_MODE`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::{Duration as Span, SubsecRound, Utc};
use chrono_tz::Tz;
use cmp_kpi::{Dimension, Granularity, Kpi, local_date};
use cmp_loadgen::GenConfig;
use cmp_model::{Body, Topic};
use cmp_report::Query;
use cmp_tests::api_env::ApiEnv;
use cmp_tests::brute::brute;
use cmp_tests::chaos::{Mode, Step, plan};
use cmp_tests::figures::record;
use cmp_tests::fleet::{Fleet, Role};
use cmp_tests::generate::spawn_generate;
use cmp_tests::held::held;
use cmp_tests::http::request;
use cmp_tests::kafka::{header, read_all};
use cmp_tests::prober::{Prober, Tally};
use cmp_tests::rng::{self, Rng};
use cmp_tests::services::services_sh;
use cmp_tests::tokens::tokens_toml;
use cmp_tests::truth::{check_report, demo_campaigns_around};
use cmp_tests::{Manifest, ledger, migrated, privacy};
use rdkafka::Message;

const TZ: Tz = chrono_tz::America::Toronto;

/// The generator's seed (event ids); the chaos schedule has its own.
const GEN_SEED: u64 = 808;

/// The API token of the run (an admin's).
const TOKEN: &str = "chaos-admin";

// Two workers: the API prober keeps asking while the run's steps block
// (stopping a service, waiting for a process's exit).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "restarts the broker and stops ClickHouse: run by deploy/reliability/run.sh"]
async fn chaos_under_load_loses_nothing_doubles_nothing_and_every_kpi_is_exact() {
    let mode = Mode::from_env();
    let seed = rng::seed();
    eprintln!(
        "chaos: {} mode, schedule seed {seed} (CMP_TEST_SEED)",
        mode.name
    );
    let test = "chaos";
    let env = migrated(test, 4).await;
    let today = local_date(Utc::now(), TZ);
    let campaigns = demo_campaigns_around(today);
    for c in &campaigns {
        cmp_store::put_campaign(&env.store, c, "chaos")
            .await
            .expect("campaign");
        // The aggregator judges these every few seconds while it is killed.
        let targets = r#"[{"kpi":"clicks","target":5000},{"kpi":"reach","target":900},{"kpi":"uptake_completed","target":100}]"#;
        cmp_store::put_targets(&env.store, &c.id, targets, "chaos")
            .await
            .expect("targets");
    }

    // One address for every API instance, as behind a load balancer.
    let api_env = ApiEnv::new(
        test,
        &env.vars,
        &tokens_toml(&[(TOKEN, "chaos", "admin", None)]),
    );
    let api_addr = api_env.addr;
    let mut fleet = Fleet::new(
        test,
        vec![
            Role {
                name: "ingest",
                bin: "cmp-ingest",
                args: Vec::new(),
                // Small queues keep back-pressure busy, so kills land mid-batch.
                vars: env.with("CMP_PARTITION_QUEUE", "256"),
            },
            Role {
                name: "aggregator",
                bin: "cmp-aggregator",
                args: Vec::new(),
                vars: env.with("CMP_HISTORY_INTERVAL_SECS", "5"),
            },
            Role {
                name: "api",
                bin: "cmp-api",
                args: Vec::new(),
                vars: api_env.vars.clone(),
            },
        ],
    );
    fleet.start("ingest");
    fleet.start("ingest");
    fleet.start("aggregator");
    fleet.start("api");
    api_env.wait_until_answering().await;
    // What a campaign manager's dashboard asks, all through the run.
    let (from, to) = (today - Span::days(35), today);
    let performance = |id: &str| {
        format!("/api/v1/campaigns/{id}/performance?from={from}&to={to}&by=channel&granularity=day")
    };
    let paths = campaigns.iter().map(|c| performance(&c.id)).collect();
    let prober = Prober::start(api_addr, paths, TOKEN, Duration::from_millis(250));

    // The load: re-deliveries and invalid messages included, a share of late
    // events, few enough clients per campaign that reach is counted exactly.
    // Records are batched as producers do: tansu's sqlite storage serves a
    // fetch from any offset (its memory storage would skip batch tails). The
    // producer is not idempotent: tansu 0.6's sqlite storage panics on the
    // first produce of an idempotent producer that outlived a broker restart
    // (and then answers nothing); a plain producer's retries may write a
    // message twice, which the pipeline must count once anyway.
    let now = Utc::now().trunc_subsecs(0) - Span::minutes(1);
    let config = GenConfig {
        seed: GEN_SEED,
        now,
        spread: Span::hours(2),
        late_share: 0.05,
        clients_per_campaign: 1500,
        invalid_share: 0.05,
        redelivery_share: 0.1,
        ..GenConfig::default()
    };
    let count = mode.messages();
    let (now_text, rate) = (now.to_rfc3339(), mode.rate.to_string());
    let (mut producer, manifest_path) = spawn_generate(
        test,
        &env,
        "gen",
        GEN_SEED,
        count,
        &[
            "--rate",
            &rate,
            "--now",
            &now_text,
            "--spread",
            "2h",
            "--late",
            "0.05",
            "--clients",
            "1500",
            "--invalid",
            "0.05",
            "--redeliveries",
            "0.1",
            "--no-idempotence",
        ],
    );

    let steps = plan(&mode, &mut Rng(seed));
    let mut rng = Rng(seed ^ 0x00c4_a05e);
    let start = Instant::now();
    let mut clickhouse_down: Option<Instant> = None;
    let mut clickhouse_secs = 0.0;
    let mut broker_secs = 0.0;
    let mut joins = 0;
    let mut killed_at: BTreeMap<&str, Instant> = BTreeMap::new();
    for (at, step) in steps {
        // A step runs at its time, but never before what it depends on is
        // over: a stop of ClickHouse can take 20 s, which would otherwise
        // shorten an outage or bring a killed member back too early.
        let not_before = match step {
            Step::Start(role) => mode
                .kills
                .iter()
                .find(|k| k.role == role)
                .zip(killed_at.get(role))
                .map(|(k, t)| *t + k.down_for),
            Step::StartClickHouse => clickhouse_down.map(|d| d + mode.outage),
            _ => None,
        };
        let due = not_before.map_or(start + at, |t| t.max(start + at));
        while Instant::now() < due {
            fleet.watch();
            let left = due.saturating_duration_since(Instant::now());
            tokio::time::sleep(left.min(Duration::from_millis(500))).await;
        }
        let t = start.elapsed().as_secs();
        match step {
            Step::Kill(role) => {
                let killed = fleet.kill(role, &mut rng);
                killed_at.insert(role, Instant::now());
                eprintln!("chaos {t:>4}s: SIGKILL {killed:?}");
            }
            Step::Start(role) => {
                joins += usize::from(role == "ingest");
                eprintln!("chaos {t:>4}s: start {}", fleet.start(role));
            }
            Step::Stop(role) => {
                let stopped = fleet.stop(role, &mut rng);
                eprintln!("chaos {t:>4}s: SIGTERM {stopped:?}");
                if let Some((name, status, took)) = stopped {
                    assert!(
                        status.success() && took < Duration::from_secs(10),
                        "{name} stopped with {status:?} after {took:?}"
                    );
                }
            }
            Step::StopClickHouse => {
                services_sh(&["stop", "clickhouse"]);
                clickhouse_down = Some(Instant::now());
                eprintln!("chaos {t:>4}s: ClickHouse stopped");
            }
            Step::StartClickHouse => {
                services_sh(&["start", "clickhouse"]);
                clickhouse_secs += clickhouse_down
                    .take()
                    .map_or(0.0, |d| d.elapsed().as_secs_f64());
                eprintln!("chaos {t:>4}s: ClickHouse started");
            }
            Step::RestartBroker => {
                let down = Instant::now();
                services_sh(&["stop", "kafka"]);
                services_sh(&["start", "kafka"]);
                broker_secs += down.elapsed().as_secs_f64();
                eprintln!("chaos {t:>4}s: broker restarted");
            }
        }
    }
    // The generator exits 1 if the broker refused some messages while it
    // restarted: their fate is unknown to it, so the truth is what the
    // broker holds (below), not what it acknowledged.
    producer.wait_exit(Duration::from_secs(600)).await;
    let load_end = Instant::now();
    let (sent, unacknowledged) = generator_summary(test);
    assert_eq!(sent + unacknowledged, count, "the generator did not finish");

    let t = &env.settings.topics;
    let names = [
        (Topic::Engagement, t.engagement.clone()),
        (Topic::Uptake, t.uptake.clone()),
    ];
    let held = held(&env.brokers, &names, config, count as usize, Utc::now());
    let acknowledged = Manifest::read(&manifest_path);
    let broker_lost = acknowledged
        .accepted
        .iter()
        .filter(|id| !held.accepted.contains_key(*id))
        .count();
    let expected: BTreeSet<(String, String)> = held.accepted.keys().cloned().collect();

    // The ledger, waited for until it holds every accepted event (or the
    // limit passes: the figures below then say what is missing).
    let want = expected.len() as u64;
    let limit = Duration::from_secs(600);
    loop {
        fleet.watch();
        let rows = ledger::row_count(&env.store).await.unwrap_or(0);
        if rows >= want || load_end.elapsed() > limit {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let drain = load_end.elapsed();
    // A late double store would arrive now: give it the chance to be seen.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (stored, rows) = ledger::stored_keys(&env.store).await.expect("ledger");
    let lost = expected.difference(&stored).count();
    let unexpected = stored.difference(&expected).count();
    let doubled = rows - stored.len();

    let dlq = dlq_codes(&env);
    let dlq_missing = held
        .refused
        .keys()
        .filter(|k| !dlq.contains_key(*k))
        .count();
    let dlq_wrong: Vec<_> = held
        .refused
        .iter()
        .filter(|(k, code)| dlq.get(*k).is_some_and(|got| got != *code))
        .take(5)
        .collect();

    // The processes: each ready, none crashed by itself during the run.
    let ready = all_ready(&mut fleet).await;
    let asked = prober.finish().await;
    record_api(&asked);

    let skips = log_lines(test, "the broker skipped offsets");
    let kills: u32 = fleet.kills.values().sum();
    record("chaos.mode", mode.name);
    record("chaos.seed", seed);
    record("chaos.window_s", mode.window.as_secs());
    record("chaos.messages_produced", count);
    record("chaos.messages_unacknowledged", unacknowledged);
    record("chaos.messages_held", held.messages);
    record("chaos.accepted_events", want);
    record("chaos.redeliveries_held", held.duplicates);
    record("chaos.invalid_messages", held.refused.len());
    record("chaos.kills_total", kills);
    for (role, n) in &fleet.kills {
        record(&format!("chaos.kills_{role}"), n);
    }
    record("chaos.ingest_joins", joins);
    record(
        "chaos.ingest_leaves",
        fleet.stops.get("ingest").copied().unwrap_or(0),
    );
    record("chaos.clickhouse_outage_s", format!("{clickhouse_secs:.0}"));
    record("chaos.broker_restart_s", format!("{broker_secs:.0}"));
    record(
        "chaos.outage_s_total",
        format!("{:.0}", clickhouse_secs + broker_secs),
    );
    record("chaos.broker_lost_acked", broker_lost);
    record("chaos.broker_skipped_offsets", skips.len());
    record("chaos.messages_lost", lost);
    record("chaos.double_counted", doubled);
    record("chaos.stored_unexpected", unexpected);
    record("chaos.dlq_refusals", held.refused.len());
    record("chaos.dlq_missing", dlq_missing);
    record("chaos.dlq_wrong_code", dlq_wrong.len());
    record("chaos.crashes", fleet.crashes.len());
    record(
        "chaos.drain_after_load_s",
        format!("{:.0}", drain.as_secs_f64()),
    );

    assert!(fleet.crashes.is_empty(), "crashes: {:#?}", fleet.crashes);
    let odd: Vec<_> = asked
        .answered
        .iter()
        .filter(|(status, _)| !matches!(status, 200 | 503))
        .collect();
    assert!(odd.is_empty(), "the API answered {odd:?}");
    assert_eq!(asked.no_answer, 0, "API requests left without an answer");
    assert!(kills >= mode.min_kills, "only {kills} kills");
    assert!(ready, "a process is not ready at the end");
    assert!(skips.is_empty(), "the broker skipped offsets: {skips:#?}");
    assert_eq!(
        (lost, doubled, unexpected),
        (0, 0, 0),
        "lost, stored twice, stored but never produced"
    );
    assert_eq!(dlq_missing, 0, "refusals missing from the DLQ");
    assert!(dlq_wrong.is_empty(), "wrong codes: {dlq_wrong:?}");

    // Every KPI of every campaign against the truth: the events the broker
    // holds, counted by brute force.
    let events: Vec<_> = held.accepted.into_values().collect();
    let mut cells = 0;
    for c in &campaigns {
        let q = Query {
            campaign: c.clone(),
            from,
            to,
            by: Dimension::ALL.to_vec(),
            granularity: Some(Granularity::Day),
            tz: TZ,
        };
        let got = cmp_report::performance(&env.store, &q)
            .await
            .expect("performance");
        check_report(&got, &events, &q, &format!("chaos {}", c.id));
        // Exactly, reach included: every campaign has fewer clients than
        // the sketch's exact range.
        let range = cmp_kpi::DateRange {
            from: q.from,
            to: q.to,
        }
        .utc_bounds(TZ);
        let truth = brute(&events, c, range, &BTreeMap::new(), |_| ())
            .remove(&())
            .unwrap_or_default()
            .measures();
        // The same totals through the API (after all its restarts).
        let r = request(api_addr, "GET", &performance(&c.id), Some(TOKEN), None).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let served = r.json();
        for kpi in Kpi::ALL {
            assert_eq!(got.totals.value(kpi), truth.value(kpi), "{} {kpi:?}", c.id);
            // Counts exactly; ratios to the last digits (JSON's decimal form).
            let api = served["totals"][kpi.as_str()].as_f64();
            let same = match (api, truth.value(kpi)) {
                (Some(a), Some(t)) if kpi.is_ratio() => (a - t).abs() <= 1e-12 * t.abs(),
                (a, t) => a == t,
            };
            assert!(same, "{} {kpi:?} through the API: {api:?}", c.id);
        }
        cells += 1 + got.groups.len() + got.series.len();
    }
    let engaged = events
        .iter()
        .filter(|e| matches!(e.body, Body::Engagement(_)))
        .count();
    assert!(engaged > 0, "no engagement to count");
    record("chaos.kpi_cells_exact", cells);
    record("chaos.kpis_per_cell", Kpi::ALL.len());

    // Privacy: no clear client id in ClickHouse or in any log.
    let (tables, in_tables) = privacy::clickhouse_tables_with_clear_ids(&env.store).await;
    let mut logs =
        vec![cmp_tests::bin_path("cmp-ingest").with_file_name(format!("test-logs/{test}"))];
    if let Ok(run) = std::env::var("CMP_RUN_DIR") {
        logs.push(PathBuf::from(&run).join("clickhouse/log"));
        logs.push(PathBuf::from(&run).join("kafka"));
    }
    let (mut files, mut in_logs) = (0, Vec::new());
    for dir in &logs {
        let (n, found) = privacy::files_with_clear_ids(dir);
        files += n;
        in_logs.extend(found);
    }
    // The broker's storage holds clear ids by design (the producer's
    // messages): it proves the search finds them, and is not the pipeline's.
    let broker_store = in_logs.iter().any(|f| f.ends_with("tansu.db"));
    assert!(
        broker_store || std::env::var("CMP_RUN_DIR").is_err(),
        "the search found no clear id even in the broker's storage"
    );
    in_logs.retain(|f| !f.contains("tansu.db"));
    record("privacy.clickhouse_tables_scanned", tables.len());
    record(
        "privacy.clickhouse_rows_scanned",
        tables.iter().map(|(_, n)| n).sum::<u64>(),
    );
    record("privacy.log_files_scanned", files);
    record("privacy.clear_ids_found", in_tables.len() + in_logs.len());
    assert!(in_tables.is_empty(), "clear client ids in {in_tables:?}");
    assert!(in_logs.is_empty(), "clear client ids in {in_logs:?}");
}

/// The figures of what the API's client saw during the run.
fn record_api(t: &Tally) {
    let status = |s: u16| t.answered.get(&s).copied().unwrap_or(0);
    let other: u64 = t
        .answered
        .iter()
        .filter(|(s, _)| !matches!(s, 200 | 503))
        .map(|(_, n)| n)
        .sum();
    record("api.requests", t.attempts());
    record("api.answered_200", status(200));
    record("api.answered_503", status(503));
    record("api.answered_other", other);
    record("api.unreachable", t.unreachable);
    record("api.cut", t.cut);
    record("api.no_answer", t.no_answer);
    record(
        "api.longest_gap_s",
        format!("{:.1}", t.longest_gap.as_secs_f64()),
    );
}

/// (messages acknowledged, messages not acknowledged) from the generator's
/// last line.
fn generator_summary(test: &str) -> (u64, u64) {
    let log = std::fs::read_to_string(
        cmp_tests::bin_path("cmp-ingest").with_file_name(format!("test-logs/{test}/gen.log")),
    )
    .expect("generator log");
    let line = log
        .lines()
        .rev()
        .find(|l| l.starts_with("cmp-loadgen: sent "))
        .expect("the generator's summary line");
    let number = |after: &str| -> u64 {
        line.split(after)
            .nth(1)
            .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no {after:?} in {line:?}"))
    };
    (number("sent "), number("failed "))
}

/// The DLQ's refusal code by (source topic, key).
fn dlq_codes(env: &cmp_tests::TestEnv) -> BTreeMap<(String, String), String> {
    read_all(&env.brokers, &env.settings.topics.dlq)
        .iter()
        .filter_map(|m| {
            let topic = header(m, "cmp-source-topic")?;
            let key = String::from_utf8_lossy(m.key()?).into_owned();
            Some(((topic, key), header(m, "cmp-error")?))
        })
        .collect()
}

/// Waits until every running instance answers ready (a minute at most).
async fn all_ready(fleet: &mut Fleet) -> bool {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        fleet.watch();
        let mut all = true;
        for (_, p, _) in fleet.instances() {
            all &= matches!(p.get("/readyz").await, Some((200, _)));
        }
        if all {
            return true;
        }
        if Instant::now() > deadline {
            let states: Vec<_> = fleet
                .instances()
                .map(|(_, p, up)| (p.name.clone(), up))
                .collect();
            eprintln!("not ready: {states:?}");
            return false;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// The lines of a test's process logs that contain `needle`.
fn log_lines(test: &str, needle: &str) -> Vec<String> {
    let dir = cmp_tests::bin_path("cmp-ingest").with_file_name(format!("test-logs/{test}"));
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        found.extend(
            text.lines()
                .filter(|l| l.contains(needle))
                .map(str::to_owned),
        );
    }
    found
}
