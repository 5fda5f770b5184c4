//! Attribution to exposure and message tests (contract/API.md v1.1) on the
//! real pipeline: traffic whose exposures lead to completions (known delays
//! per channel, a variant that converts 30 % better) goes through the
//! broker and `cmp-ingest` into ClickHouse, the real `cmp-aggregator` keeps
//! attribution current as it arrives, and the real `cmp-api` answers from
//! what it kept.
//! For random campaigns, ranges, models and breakdowns an admin's answer
//! equals a brute-force join of the generated events by client and window
//! (`cmp_tests::attribution`), per-campaign windows included; over the
//! program's campaigns the credits of one uptake event add up to 1. A
//! second generator run then adds late events to the same weeks and the
//! same people (its campaigns in another order, so exposures to the other
//! campaign reach the first run's clients): the answers follow, equal to
//! the brute force over both runs, once the aggregator's refresh has caught
//! up. Non-admins see published counts (hidden below k, else exactly the
//! sum of the daily atoms of the brute force's days). The message test's counts
//! equal the brute force's, and its lift, interval, split check and
//! decision are `cmp_measure`'s on them.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use cmp_kpi::{CellKey, Disclosure};
use cmp_loadgen::{Campaign, Conversion, Effects, GenConfig, VariantTest};
use cmp_measure::{MessageTestParams, Stratum, VariantCounts, message_test};
use cmp_model::{Action, Event, Stage};
use cmp_tests::api_env::ApiEnv;
use cmp_tests::attribution::{
    Days, ProgramWindows, attribution, credits, default_days, variants, wait_current,
};
use cmp_tests::brute::regenerate;
use cmp_tests::generate::generate;
use cmp_tests::http::request;
use cmp_tests::rng::{Rng, seed};
use cmp_tests::{Process, TestEnv, ledger, migrated};
use serde_json::{Value, json};

const ONLINE: &str = "oas-online-2026";
const PRINT: &str = "oas-print-2026";
const EI: &str = "ei-digital-2026";
const SPREAD_DAYS: i64 = 20;
const CLIENTS: u32 = 1_500;
const K: f64 = 10.0;
const BASE: f64 = 5.0;

/// token, name, role, campaigns.
const TOKENS: [(&str, &str, &str, Option<&str>); 3] = [
    ("a-admin", "ops", "admin", None),
    (
        "a-oas",
        "oas-team",
        "manager",
        Some("[\"oas-online-2026\", \"oas-print-2026\"]"),
    ),
    ("a-ei", "ei-team", "manager", Some("[\"ei-digital-2026\"]")),
];

/// One generator run: its campaigns in `order`; every run gives
/// `oas-online-2026` the message test and the same conversion.
fn run_config(seed: u64, now: DateTime<Utc>, order: [&str; 3]) -> GenConfig {
    let mut conversion = Conversion::new(0.05);
    conversion.variant_lift = Some(("plain-language-b".into(), 0.3));
    GenConfig {
        seed,
        now,
        campaigns: order
            .iter()
            .map(|c| Campaign::new(*c, if *c == EI { "ei" } else { "oas" }))
            .collect(),
        invalid_share: 0.0,
        spread: Duration::days(SPREAD_DAYS),
        late_share: 0.1,
        clients_per_campaign: CLIENTS,
        variants: Some(vec![VariantTest::default_for(ONLINE)]),
        effects: Effects {
            lift: None,
            conversion: Some(conversion),
        },
        ..GenConfig::default()
    }
}

/// Produces run `seed` and returns its accepted events, regenerated.
fn produce(
    test: &str,
    env: &TestEnv,
    seed: u64,
    count: u64,
    now: DateTime<Utc>,
    order: [&str; 3],
) -> (Vec<Event>, BTreeSet<(String, String)>) {
    let at = now.to_rfc3339();
    let spread = format!("{SPREAD_DAYS}d");
    let clients = CLIENTS.to_string();
    let mut args = vec![
        "--now",
        &at,
        "--spread",
        &spread,
        "--late",
        "0.1",
        "--clients",
        &clients,
        "--invalid",
        "0",
        "--variants",
        "oas-online-2026=control,plain-language-b",
        "--conversion",
        "0.05",
        "--variant-lift",
        "plain-language-b=30",
    ];
    let campaigns: Vec<String> = order
        .iter()
        .map(|c| format!("{c}={}", if *c == EI { "ei" } else { "oas" }))
        .collect();
    for c in &campaigns {
        args.extend(["--campaign", c.as_str()]);
    }
    let manifest = generate(test, env, &format!("gen{seed}"), seed, count, &args);
    let regenerated = regenerate(run_config(seed, now, order), count as usize, now);
    let ids: BTreeSet<&str> = regenerated.iter().map(|(id, _)| id.as_str()).collect();
    let produced: BTreeSet<&str> = manifest
        .accepted
        .iter()
        .map(|(_, id)| id.as_str())
        .collect();
    assert_eq!(ids, produced, "seed {seed}: regenerated = produced");
    (
        regenerated.into_iter().map(|(_, e)| e).collect(),
        manifest.accepted,
    )
}

/// The program's windows: print's clicks count for 2 days, its impressions not at all.
fn windows() -> ProgramWindows {
    let defaults: BTreeMap<Action, i64> =
        Action::ALL.iter().map(|a| (*a, default_days(*a))).collect();
    let mut print = defaults.clone();
    print.insert(Action::Click, 2);
    print.insert(Action::Impression, 0);
    [(ONLINE.to_owned(), defaults), (PRINT.to_owned(), print)].into()
}

fn bounds(from: NaiveDate, to: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = from.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
    (start, start + Duration::days((to - from).num_days() + 1))
}

fn close(got: &Value, want: f64, what: &str) {
    let g = got
        .as_f64()
        .unwrap_or_else(|| panic!("{what}: not a number: {got}"));
    assert!(
        (g - want).abs() <= 1e-9 * want.abs().max(1.0),
        "{what}: route {g}, brute force {want}"
    );
}

/// Both absent, or both numbers and equal but for JSON's last digit.
fn same(got: &Value, want: Option<f64>, what: &str) {
    match want {
        None => assert!(got.is_null(), "{what}: {got}"),
        Some(w) => close(got, w, what),
    }
}

/// A count published as a sum of daily atoms: hidden when its range is
/// small, else exactly the sum of the atoms of its true days.
fn published(
    value: &Value,
    hidden: bool,
    rules: &Disclosure,
    key: &CellKey<'_>,
    days: &Days,
    what: &str,
) {
    let truth: f64 = days.values().sum();
    if truth > 0.0 && truth < K {
        assert!(
            hidden && value.is_null(),
            "{what}: {truth} shown as {value}"
        );
    }
    if hidden {
        assert!(value.is_null(), "{what}");
        return;
    }
    let atoms = rules.sum_of_atoms(key, days.iter().map(|(d, v)| (*d, *v)));
    close(
        value,
        atoms,
        &format!("{what} (the sum of the atoms of {truth})"),
    );
}

struct Query {
    from: NaiveDate,
    to: NaiveDate,
    linear: bool,
    by: Option<&'static str>,
}

const BY: [Option<&str>; 7] = [
    None,
    Some("channel"),
    Some("variant"),
    Some("segment"),
    Some("region"),
    Some("language"),
    Some("service_channel"),
];

impl Query {
    fn random(rng: &mut Rng, first: NaiveDate, last: NaiveDate) -> Query {
        let days = (last - first).num_days() as u64;
        let a = first + Duration::days(rng.below(days + 1) as i64);
        let b = first + Duration::days(rng.below(days + 1) as i64);
        Query {
            from: a.min(b),
            to: a.max(b),
            linear: rng.below(2) == 1,
            by: BY[rng.below(BY.len() as u64) as usize],
        }
    }

    fn path(&self, campaign: &str) -> String {
        let mut p = format!(
            "/api/v1/campaigns/{campaign}/attribution?from={}&to={}&model={}",
            self.from,
            self.to,
            if self.linear { "linear" } else { "last_touch" }
        );
        if let Some(by) = self.by {
            p.push_str(&format!("&by={by}"));
        }
        p
    }
}

async fn get(addr: std::net::SocketAddr, path: &str, token: &str) -> Value {
    let r = request(addr, "GET", path, Some(token), None).await;
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    r.json()
}

/// Checks `n` random queries against the brute force over `events`.
async fn check_queries(
    addr: std::net::SocketAddr,
    events: &[Event],
    rng: &mut Rng,
    n: usize,
    (first, last): (NaiveDate, NaiveDate),
    rules: &Disclosure,
) {
    let w = windows();
    for _ in 0..n {
        let q = Query::random(rng, first, last);
        let range = bounds(q.from, q.to);
        let mut sum_credited = [0.0; 3];
        let mut exposed = [0u64; 3];
        for campaign in [ONLINE, PRINT] {
            let truth = attribution(events, &w, "oas", campaign, range, q.linear, q.by);
            let admin = get(addr, &q.path(campaign), "a-admin").await;
            let oas = get(addr, &q.path(campaign), "a-oas").await;
            assert!(admin.get("rounded").is_none(), "{admin}");
            assert_eq!(oas["rounded"], BASE as u64, "{oas}");
            for (s, stage) in Stage::ALL.iter().enumerate() {
                let t = &truth[stage];
                let what = format!("{} {campaign} {stage:?}", q.path(campaign));
                let got = &admin["stages"][s];
                assert_eq!(got["stage"], stage.as_str(), "{what}");
                close(&got["credited"], t.credited, &format!("{what} credited"));
                close(
                    &got["referred"],
                    t.referred as f64,
                    &format!("{what} referred"),
                );
                close(&got["both"], t.both as f64, &format!("{what} both"));
                let groups: BTreeMap<String, f64> = got["groups"]
                    .as_array()
                    .expect("groups")
                    .iter()
                    .map(|g| {
                        (
                            g["key"].as_str().expect("key").to_owned(),
                            g["credited"].as_f64().expect("credited"),
                        )
                    })
                    .collect();
                assert_eq!(
                    groups.keys().collect::<Vec<_>>(),
                    t.groups.keys().collect::<Vec<_>>(),
                    "{what} groups"
                );
                for (k, v) in &t.groups {
                    close(&json!(groups[k]), *v, &format!("{what} group {k}"));
                }
                sum_credited[s] += t.credited;
                exposed[s] = t.exposed_uptakes;
                // The manager's answer: the same figures, published.
                let shown = &oas["stages"][s];
                let hidden = |f: &str| {
                    shown["suppressed_fields"]
                        .as_array()
                        .expect("suppressed_fields")
                        .iter()
                        .any(|x| x == f)
                };
                let model = if q.linear { "linear" } else { "last_touch" };
                let credited = format!("credited_{model}_{}", stage.as_str());
                for (field, kpi, days) in [
                    ("credited", credited.clone(), &t.credited_days),
                    (
                        "referred",
                        format!("uptake_{}", stage.as_str()),
                        &t.referred_days,
                    ),
                    ("both", format!("both_{}", stage.as_str()), &t.both_days),
                ] {
                    published(
                        &shown[field],
                        hidden(field),
                        rules,
                        &CellKey {
                            campaign,
                            kpi: &kpi,
                            breakdown: &[],
                        },
                        days,
                        &format!("{what} {field} (manager)"),
                    );
                }
                for g in shown["groups"].as_array().expect("groups") {
                    let k = g["key"].as_str().expect("key");
                    let hidden = g["suppressed"].as_bool().expect("suppressed");
                    let by = [(q.by.expect("groups only with by"), k)];
                    published(
                        &g["credited"],
                        hidden,
                        rules,
                        &CellKey {
                            campaign,
                            kpi: &credited,
                            breakdown: &by,
                        },
                        &t.group_days[k],
                        &format!("{what} group {k} (manager)"),
                    );
                }
            }
        }
        // Over the program's campaigns, each exposed uptake event's credits add up to 1.
        for s in 0..3 {
            assert!(
                (sum_credited[s] - exposed[s] as f64).abs() < 1e-6,
                "{}: credits {} for {} exposed uptake events",
                q.path("*"),
                sum_credited[s],
                exposed[s]
            );
        }
    }
}

/// The message test of `oas-online-2026` against the brute force.
async fn check_variants(
    addr: std::net::SocketAddr,
    events: &[Event],
    (from, to): (NaiveDate, NaiveDate),
    split: Option<&[(String, f64)]>,
) -> Value {
    let path = format!("/api/v1/campaigns/{ONLINE}/variants?from={from}&to={to}&lang=fr");
    let got = get(addr, &path, "a-admin").await;
    let truth = variants(events, &windows(), "oas", ONLINE, bounds(from, to));
    assert_eq!(got["control"], "control", "{got}");
    let mut languages: BTreeSet<String> = ["en".to_owned(), "fr".to_owned()].into();
    languages.extend(truth.keys().map(|(l, _)| l.clone()));
    let names: BTreeSet<String> = truth.keys().map(|(_, v)| v.clone()).collect();
    assert_eq!(
        names,
        BTreeSet::from(["control".to_owned(), "plain-language-b".to_owned()])
    );
    let counts = |lang: Option<&str>| -> Vec<VariantCounts> {
        names
            .iter()
            .map(|v| {
                let mut c = VariantCounts {
                    variant: v.clone(),
                    exposed: 0,
                    clicks: 0,
                    completed: 0,
                };
                let mut completed = 0.0;
                for ((l, name), t) in &truth {
                    if name == v && lang.is_none_or(|x| x == l) {
                        c.exposed += t.exposed;
                        c.clicks += t.clicks;
                        completed += t.completed;
                    }
                }
                c.completed = completed.round() as u64;
                c
            })
            .collect()
    };
    let strata: Vec<(String, Value)> = got["strata"]
        .as_array()
        .expect("strata")
        .iter()
        .map(|s| (s["name"].as_str().expect("name").to_owned(), s.clone()))
        .chain([("combined".to_owned(), got["combined"].clone())])
        .collect();
    assert_eq!(
        strata
            .iter()
            .map(|(n, _)| n.clone())
            .collect::<BTreeSet<_>>(),
        languages
            .iter()
            .cloned()
            .chain(["combined".to_owned()])
            .collect()
    );
    for (name, shown) in strata {
        let lang = (name != "combined").then_some(name.as_str());
        let want = counts(lang);
        let test = message_test(
            &[Stratum {
                name: name.clone(),
                variants: want.clone(),
            }],
            Some("control"),
            split,
            &MessageTestParams::default(),
        )
        .expect("a valid test")
        .combined;
        for (w, (g, r)) in want.iter().zip(
            shown["variants"]
                .as_array()
                .expect("variants")
                .iter()
                .zip(&test.variants),
        ) {
            let what = format!("variants {name} {}", w.variant);
            assert_eq!(g["variant"], w.variant.as_str(), "{what}");
            assert_eq!(
                g["exposed"].as_f64(),
                Some(w.exposed as f64),
                "{what} exposed"
            );
            assert_eq!(g["clicks"].as_u64(), Some(w.clicks), "{what} clicks");
            assert_eq!(
                g["completed"].as_f64(),
                Some(w.completed as f64),
                "{what} completed"
            );
            same(
                &g["conversion"],
                r.conversion,
                &format!("{what} conversion"),
            );
            same(&g["lift"], r.lift, &format!("{what} lift"));
            same(
                &g["lift_interval"]["low"],
                r.interval.map(|i| i.low),
                &format!("{what} low"),
            );
            same(
                &g["lift_interval"]["high"],
                r.interval.map(|i| i.high),
                &format!("{what} high"),
            );
            assert_eq!(
                g["decision"].as_str(),
                r.decision.map(|d| d.code()),
                "{what} decision"
            );
        }
        assert_eq!(shown["decision"], test.decision.code(), "{name}");
        same(
            &shown["sample_ratio"]["p_value"],
            Some(test.sample_ratio.p_value),
            &format!("{name} p"),
        );
    }
    assert_eq!(got["decision"], got["combined"]["decision"]);
    got
}

#[tokio::test]
async fn attribution_and_message_tests_equal_a_brute_force_join_late_events_included() {
    let test = "attribution_e2e";
    let env = migrated(test, 2).await;
    let _ingest = Process::spawn(test, "ingest", "cmp-ingest", &[], &env.vars);
    let agg_vars = env.with("CMP_HISTORY_INTERVAL_SECS", "1");
    let aggregator = Process::spawn(test, "aggregator", "cmp-aggregator", &[], &agg_vars);
    let rules = cmp_api::rules::Rules::from_settings(&env.settings).disclosure;
    let vars = env.with("CMP_REPORT_TZ", "UTC");
    let api_env = ApiEnv::new(test, &vars, &cmp_tests::tokens::tokens_toml(&TOKENS));
    let addr = api_env.addr;
    let _api = Process::spawn(test, "api", "cmp-api", &[], &api_env.vars);
    api_env.wait_until_answering().await;

    let today = Utc::now().date_naive();
    let now = today.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
    let first = today - Duration::days(SPREAD_DAYS + 10);
    let last = today - Duration::days(1);
    for (id, program, extra) in [
        (ONLINE, "oas", None),
        (PRINT, "oas", Some(json!({"click": 2, "impression": 0}))),
        (EI, "ei", None),
    ] {
        let mut body = json!({"name": {"en": id, "fr": id}, "program": program,
            "start_date": first.to_string(), "end_date": today.to_string(), "budget_cents": 1_000_000});
        if let Some(w) = extra {
            body["attribution_windows"] = w;
        }
        let r = request(
            addr,
            "PUT",
            &format!("/api/v1/campaigns/{id}"),
            Some("a-admin"),
            Some(&body.to_string()),
        )
        .await;
        assert_eq!(r.status, 201, "{}", r.body);
    }
    let got = get(
        addr,
        &format!("/api/v1/campaigns/{PRINT}/attribution"),
        "a-admin",
    )
    .await;
    assert_eq!(got["windows"]["click"], 2);
    assert_eq!(got["windows"]["visit"], 30);
    let r = request(
        addr,
        "GET",
        &format!("/api/v1/campaigns/{ONLINE}/attribution"),
        Some("a-ei"),
        None,
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);

    let test_seed = seed();
    println!("attribution test seed {test_seed} (CMP_TEST_SEED replays it)");
    let mut rng = Rng(test_seed);

    // Run 1.
    let (mut events, mut accepted) = produce(test, &env, 61, 30_000, now, [ONLINE, PRINT, EI]);
    ledger::assert_exactly(&env.store, &accepted, std::time::Duration::from_secs(300)).await;
    wait_current(&aggregator, std::time::Duration::from_secs(120)).await;
    check_queries(addr, &events, &mut rng, 12, (first, last), &rules).await;
    let before = credits(&events, &windows(), "oas", bounds(first, last), true);

    // Run 2: late events for the same weeks; print now reaches the people
    // run 1's online campaign reached, and the other way round.
    let (more, keys) = produce(test, &env, 62, 15_000, now, [PRINT, ONLINE, EI]);
    events.extend(more);
    accepted.extend(keys);
    ledger::assert_exactly(&env.store, &accepted, std::time::Duration::from_secs(300)).await;
    wait_current(&aggregator, std::time::Duration::from_secs(120)).await;
    let after = credits(&events, &windows(), "oas", bounds(first, last), true);
    let changed = before
        .iter()
        .zip(&after)
        .filter(|((_, b), (_, a))| b.len() != a.len())
        .count();
    let shared = after
        .iter()
        .filter(|(_, c)| {
            let campaigns: BTreeSet<&str> = c
                .iter()
                .map(|(j, _)| match &events[*j].body {
                    cmp_model::Body::Engagement(g) => g.campaign_id.as_str(),
                    cmp_model::Body::Uptake(_) => "",
                })
                .collect();
            campaigns.len() > 1
        })
        .count();
    println!(
        "attribution: {} uptake events of oas, {changed} of run 1's gained late exposures, {shared} credited to both campaigns",
        after.len()
    );
    assert!(
        changed > 0 && shared > 0,
        "the late run must touch run 1's uptake and share credit"
    );
    check_queries(addr, &events, &mut rng, 12, (first, last), &rules).await;

    let shown = check_variants(addr, &events, (first, last), None).await;
    println!("message test: {}", shown["combined"]);
    assert_eq!(shown["decision_label"], shown["combined"]["decision_label"]);
    assert!(shown["planned_split"].is_null());
    // The campaign page shows both, in French: who it brought and the test.
    let r = request(
        addr,
        "GET",
        &format!("/dashboard/campaigns/{ONLINE}?lang=fr"),
        Some("a-admin"),
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    for needle in [
        "<h2 id=\"brought-h\">Ce que la campagne a amené</h2>",
        "<h2 id=\"message-h\">Test de message</h2>",
        "<strong>Ce message donne de meilleurs résultats</strong>",
        "id=\"brought-chart-t\"",
    ] {
        assert!(r.body.contains(needle), "{needle} missing from the page");
    }
    // Planned 2:1 while the people were split 1:1: the split check flags it.
    let body = json!({"name": {"en": ONLINE, "fr": ONLINE}, "program": "oas",
        "start_date": first.to_string(), "end_date": today.to_string(), "budget_cents": 1_000_000,
        "variant_split": {"control": 2, "plain-language-b": 1}});
    let path = format!("/api/v1/campaigns/{ONLINE}");
    let r = request(addr, "PUT", &path, Some("a-admin"), Some(&body.to_string())).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let split = [
        ("control".to_owned(), 2.0),
        ("plain-language-b".to_owned(), 1.0),
    ];
    let skewed = check_variants(addr, &events, (first, last), Some(&split)).await;
    assert_eq!(skewed["planned_split"]["control"], 2.0);
    assert_eq!(skewed["decision"], "check_split", "{}", skewed["combined"]);
    assert_eq!(
        skewed["decision_label"],
        "Vérifier la répartition de l'auditoire"
    );
    // A manager's message test: published counts.
    let path = format!("/api/v1/campaigns/{ONLINE}/variants?from={first}&to={last}");
    let oas = get(addr, &path, "a-oas").await;
    let truth = variants(&events, &windows(), "oas", ONLINE, bounds(first, last));
    for s in oas["strata"].as_array().expect("strata") {
        let lang = s["name"].as_str().expect("name");
        for v in s["variants"].as_array().expect("variants") {
            let name = v["variant"].as_str().expect("variant");
            let t = truth
                .get(&(lang.to_owned(), name.to_owned()))
                .cloned()
                .unwrap_or_default();
            let hidden = |f: &str| {
                v["suppressed_fields"]
                    .as_array()
                    .expect("fields")
                    .iter()
                    .any(|x| x == f)
            };
            let exposed = &v["exposed"];
            if t.exposed > 0 && (t.exposed as f64) < K {
                assert!(hidden("exposed"), "{lang} {name} exposed {}", t.exposed);
            }
            if hidden("exposed") {
                assert!(exposed.is_null(), "{lang} {name} exposed");
            } else {
                let e = exposed.as_f64().expect("exposed");
                assert_eq!(e % BASE, 0.0, "{lang} {name} exposed {e}");
                assert!(
                    (e - t.exposed as f64).abs() < BASE,
                    "{lang} {name} exposed {e} for {}",
                    t.exposed
                );
            }
            let by = [("variant", name), ("language", lang)];
            published(
                &v["completed"],
                hidden("completed"),
                &rules,
                &CellKey {
                    campaign: ONLINE,
                    kpi: "variant_completed",
                    breakdown: &by,
                },
                &t.completed_days,
                &format!("{lang} {name} completed"),
            );
        }
    }
}
