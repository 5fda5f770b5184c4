//! Small cells against arithmetic (contract/API.md, "Small cells,
//! strengthened"; issue 13, items 8 and 9), on the real pipeline: nine
//! days of generated traffic through the broker and `cmp-ingest` leave
//! many one-day cells of 1–9 completed applications by region, segment
//! and service channel; then a scripted attacker with a manager's token
//! asks `cmp-api` for every date range of those days by each dimension,
//! the targets (performance and portfolio) and the live feed, and
//! combines what it sees: counts behind ratios (spend ÷ cost per uptake),
//! ranges one day apart, totals against their groups, one route against
//! another (`cmp_tests::attacker`). It must recover no hidden count, and
//! every interval it keeps must hold the truth (an admin's exact answer),
//! so it cannot pass by reasoning wrongly.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::time::Duration;

use chrono::{Duration as Span, NaiveDate, SubsecRound, Utc};
use chrono_tz::Tz;
use cmp_kpi::{FiscalYear, local_date};
use cmp_loadgen::demo_campaigns;
use cmp_tests::api_env::ApiEnv;
use cmp_tests::atom_attacker::AtomAttacker;
use cmp_tests::attacker::CellId;
use cmp_tests::figures::record;
use cmp_tests::generate::generate;
use cmp_tests::http::{EventStream, request};
use cmp_tests::tokens::tokens_toml;
use cmp_tests::{Process, ledger, migrated};
use serde_json::Value;

const TZ: Tz = chrono_tz::America::Toronto;
const K: i64 = 10;
/// The rounding base non-admins are shown (`CMP_ROUNDING_BASE`'s default).
const BASE: i64 = 5;
/// Days of traffic, today included.
const DAYS: i64 = 9;
const DIMENSIONS: [&str; 3] = ["region", "segment", "service_channel"];
const ADMIN: &str = "t-admin";
const MANAGER: &str = "t-manager";
const COMPLETED: &str = "uptake_completed";

/// One answer's rows: (group value, row), the total first with group "".
fn rows(answer: &Value, dimension: &str) -> Vec<(String, Value)> {
    let mut out = vec![(String::new(), answer["totals"].clone())];
    for g in answer["groups"].as_array().expect("groups") {
        let value = g["key"][dimension].as_str().expect("key").to_owned();
        out.push((value, g.clone()));
    }
    out
}

fn hidden(row: &Value, kpi: &str) -> bool {
    row[kpi].is_null()
        && row["suppressed_kpis"]
            .as_array()
            .is_some_and(|a| a.iter().any(|k| k == kpi))
}

/// The response's rounding base (absent: exact values).
fn base(answer: &Value) -> i64 {
    answer["rounded"].as_i64().unwrap_or(1)
}

/// The published count behind a ratio `numerator ÷ count` (spend ÷ cost
/// per uptake).
fn count_of(numerator: f64, ratio: f64) -> Option<i64> {
    (ratio.is_finite() && ratio > 0.0).then(|| (numerator / ratio).round() as i64)
}

struct Setup {
    addr: SocketAddr,
    first: NaiveDate,
    campaigns: Vec<String>,
}

impl Setup {
    fn day(&self, i: i64) -> NaiveDate {
        self.first + Span::days(i)
    }

    async fn performance(&self, token: &str, c: &str, from: i64, to: i64, by: &str) -> Value {
        let path = format!(
            "/api/v1/campaigns/{c}/performance?from={}&to={}&by={by}",
            self.day(from),
            self.day(to)
        );
        let r = request(self.addr, "GET", &path, Some(token), None).await;
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        r.json()
    }
}

fn cell(campaign: &str, dimension: &str, group: &str, from: i64, to: i64) -> CellId {
    CellId {
        campaign: campaign.into(),
        dimension: dimension.into(),
        group: group.into(),
        from,
        to,
    }
}

/// The cell of row `group` of a `by=dimension` answer (the total is one
/// cell whatever the dimension).
fn row_cell(campaign: &str, dimension: &str, group: &Option<String>, from: i64, to: i64) -> CellId {
    match group {
        None => cell(campaign, "", "", from, to),
        Some(g) => cell(campaign, dimension, g, from, to),
    }
}

/// What one manager answer tells the attacker; `seen` keeps the shown
/// values for the naive guesses.
/// One answer of `GET performance?from&to&by=dimension`.
struct Answer<'a> {
    json: &'a Value,
    campaign: &'a str,
    dimension: &'a str,
    /// Every group of the campaign and dimension (absent ones count 0).
    groups: &'a BTreeSet<String>,
    range: (i64, i64),
}

fn learn(a: &mut AtomAttacker, ratios: bool, seen: &mut BTreeMap<CellId, i64>, x: &Answer<'_>) {
    let Answer {
        json: answer,
        campaign,
        dimension,
        groups,
        range: (from, to),
    } = *x;
    assert_eq!(base(answer), BASE, "a manager's counts are rounded");
    let mut present = BTreeSet::new();
    let mut hidden_groups = Vec::new();
    for (i, (value, row)) in rows(answer, dimension).into_iter().enumerate() {
        let group = (i > 0).then(|| value.clone());
        let c = row_cell(campaign, dimension, &group, from, to);
        if i > 0 {
            present.insert(value);
        }
        if hidden(&row, COMPLETED) {
            // A lone total is hidden only when small.
            a.hidden(&c, i == 0);
            if i > 0 {
                hidden_groups.push(c.clone());
            }
        } else {
            let v = row[COMPLETED].as_i64().expect("count");
            a.shown(&c, v);
            seen.insert(c.clone(), v);
        }
        if let (true, Some(spend), Some(cpu)) = (
            ratios,
            row["spend_cents"].as_f64(),
            row["cost_per_uptake_cents"].as_f64(),
        ) && let Some(n) = count_of(spend, cpu)
        {
            a.shown(&c, n);
        }
    }
    // Three or more hidden: no complementary cell among them, all small.
    if hidden_groups.len() >= 3 {
        for c in &hidden_groups {
            a.hidden(c, true);
        }
    }
    for g in groups.difference(&present) {
        let c = cell(campaign, dimension, g, from, to);
        a.shown(&c, 0);
        a.truth_is(&c, (0, 0));
    }
}

/// The exact counts of an admin answer.
fn truth_of(truth: &mut BTreeMap<CellId, i64>, x: &Answer<'_>) {
    let Answer {
        json: answer,
        campaign,
        dimension,
        groups,
        range: (from, to),
    } = *x;
    assert_eq!(base(answer), 1, "admins see exact values");
    for g in groups {
        truth.insert(cell(campaign, dimension, g, from, to), 0);
    }
    for (i, (value, row)) in rows(answer, dimension).into_iter().enumerate() {
        let group = (i > 0).then_some(value);
        let v = row[COMPLETED].as_i64().expect("admins see every count");
        truth.insert(row_cell(campaign, dimension, &group, from, to), v);
    }
}

/// What a judged target (performance `targets`, a portfolio row) tells
/// the attacker about the cell of its period so far (days 0..=last).
/// What a judged target tells, and the count it shows (`None`: hidden)
/// when it is one, for the same-number-everywhere check.
fn learn_target(
    a: &mut AtomAttacker,
    t: &Value,
    campaign: &str,
    last: i64,
    spend: &BTreeMap<CellId, f64>,
) -> Option<(CellId, Option<i64>)> {
    let c = match t["region"].as_str() {
        Some(r) => cell(campaign, "region", r, 0, last),
        None => cell(campaign, "", "", 0, last),
    };
    let actual = t["actual"].as_f64();
    match t["kpi"].as_str() {
        Some(COMPLETED) => {
            match actual {
                Some(v) => a.shown(&c, v.round() as i64),
                None => a.hidden(&c, true),
            }
            return Some((c, actual.map(|v| v.round() as i64)));
        }
        Some("cost_per_uptake_cents") => {
            // The actual, or the target ÷ attainment that gives it back.
            let target = t["target"].as_f64().expect("target");
            let cpu = actual.or_else(|| t["attainment"].as_f64().map(|x| target / x));
            if let (Some(cpu), Some(&s)) = (cpu, spend.get(&c))
                && let Some(n) = count_of(s, cpu)
            {
                a.shown(&c, n);
            }
        }
        _ => {}
    }
    None
}

/// Traffic seeds, each a fresh pipeline: the traffic also depends on the
/// day the test runs, so one seed may be lucky. On 2026-12-07 (02:30 UTC)
/// the code of e2b9d8c (each range rounded on its own) leaked a hidden
/// zero on seed 3 and two on seed 9, and, with zeros no longer hidden as
/// complements, three non-zero counts on seed 9 (day 0 = 3).
const SEEDS: [u64; 3] = [97, 3, 9];

#[tokio::test]
async fn a_manager_recovers_no_hidden_count_by_arithmetic() {
    let mut failures = Vec::new();
    for seed in SEEDS {
        if let Err(e) = attack(seed).await {
            failures.push(format!("seed {seed}: {e}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("; "));
}

/// One pipeline fed with `seed`'s traffic, attacked; `Err` says what a
/// manager recovered (every other check panics).
async fn attack(seed: u64) -> Result<(), String> {
    let test = "disclosure";
    let record = |name: &str, value: usize| record(&format!("{name}_seed{seed}"), value);
    let env = migrated(test, 2).await;
    let _ingest = Process::spawn(test, "ingest", "cmp-ingest", &[], &env.vars);
    let tokens = [
        (ADMIN, "ops", "admin", None),
        (MANAGER, "every-manager", "manager", Some("[\"*\"]")),
    ];
    let api_env = ApiEnv::new(test, &env.vars, &tokens_toml(&tokens));
    let _api = Process::spawn(test, "api", "cmp-api", &[], &api_env.vars);
    api_env.wait_until_answering().await;

    let now = Utc::now().trunc_subsecs(0) - Span::minutes(1);
    let now_text = now.to_rfc3339();
    let spread = format!("{}d", DAYS - 1);
    let extra = ["--now", &now_text, "--spread", &spread, "--late", "0"];
    let manifest = generate(test, &env, "gen", seed, 40_000, &extra);
    ledger::assert_exactly(&env.store, &manifest.accepted, Duration::from_secs(180)).await;

    let today = local_date(Utc::now(), TZ);
    let setup = Setup {
        addr: api_env.addr,
        first: today - Span::days(DAYS - 1),
        campaigns: demo_campaigns().into_iter().map(|c| c.id).collect(),
    };
    let last = DAYS - 1;
    for (c, program) in setup
        .campaigns
        .iter()
        .zip(demo_campaigns().iter().map(|c| c.program.clone()))
    {
        let body = serde_json::json!({
            "name": {"en": c, "fr": c},
            "program": program,
            "start_date": setup.first.to_string(),
            "end_date": (today + Span::days(20)).to_string(),
            "budget_cents": 250_000_000_u64,
        });
        let r = request(
            setup.addr,
            "PUT",
            &format!("/api/v1/campaigns/{c}"),
            Some(ADMIN),
            Some(&body.to_string()),
        )
        .await;
        assert_eq!(r.status, 201, "{}", r.body);
    }

    // The groups of each campaign and dimension: those of the whole span.
    let mut groups: BTreeMap<(String, &str), BTreeSet<String>> = BTreeMap::new();
    for c in &setup.campaigns {
        for d in DIMENSIONS {
            let whole = setup.performance(ADMIN, c, 0, last, d).await;
            let g = rows(&whole, d)
                .into_iter()
                .skip(1)
                .map(|(v, _)| v)
                .collect();
            groups.insert((c.clone(), d), g);
        }
    }
    // Targets on every region (a count and a ratio) and on the total.
    for c in &setup.campaigns {
        let mut set = vec![
            serde_json::json!({"kpi": COMPLETED, "target": 2000}),
            serde_json::json!({"kpi": "cost_per_uptake_cents", "target": 5000}),
        ];
        for r in groups[&(c.clone(), "region")]
            .iter()
            .filter(|r| !r.is_empty())
        {
            set.push(serde_json::json!({"kpi": COMPLETED, "target": 300, "region": r}));
            set.push(
                serde_json::json!({"kpi": "cost_per_uptake_cents", "target": 5000, "region": r}),
            );
        }
        let body = Value::Array(set).to_string();
        let r = request(
            setup.addr,
            "PUT",
            &format!("/api/v1/campaigns/{c}/targets"),
            Some(ADMIN),
            Some(&body),
        )
        .await;
        assert!((200..300).contains(&r.status), "{}", r.body);
    }

    // Every range of the nine days, by each dimension, as manager and admin.
    let mut a = AtomAttacker::new(BASE, K);
    // The same attacker without ratios and targets: differencing alone.
    let mut diff = AtomAttacker::new(BASE, K);
    let mut seen = BTreeMap::new();
    let mut truth = BTreeMap::new();
    let mut spend = BTreeMap::new();
    // Counts other routes show, to check they show what performance does.
    let mut elsewhere: Vec<(&str, CellId, Option<i64>)> = Vec::new();
    let mut answers = 0;
    for c in &setup.campaigns {
        for d in DIMENSIONS {
            let g = &groups[&(c.clone(), d)];
            for from in 0..DAYS {
                for to in from..DAYS {
                    let answer = |json| Answer {
                        json,
                        campaign: c,
                        dimension: d,
                        groups: g,
                        range: (from, to),
                    };
                    let m = setup.performance(MANAGER, c, from, to, d).await;
                    learn(&mut a, true, &mut seen, &answer(&m));
                    learn(&mut diff, false, &mut seen, &answer(&m));
                    let x = setup.performance(ADMIN, c, from, to, d).await;
                    truth_of(&mut truth, &answer(&x));
                    answers += 1;
                    if (from, to) == (0, last) {
                        for (i, (value, row)) in rows(&m, d).into_iter().enumerate() {
                            let group = (i > 0).then_some(value);
                            if let Some(s) = row["spend_cents"].as_f64() {
                                spend.insert(row_cell(c, d, &group, from, to), s);
                            }
                        }
                        if d == "region" {
                            for t in m["targets"].as_array().expect("targets") {
                                if let Some((cell, v)) = learn_target(&mut a, t, c, last, &spend) {
                                    elsewhere.push(("performance targets", cell, v));
                                }
                            }
                        }
                        // The same range padded with three days without data.
                        let padded = setup.performance(MANAGER, c, -3, to, d).await;
                        for (i, (value, row)) in rows(&padded, d).into_iter().enumerate() {
                            let group = (i > 0).then_some(value);
                            let v = row[COMPLETED].as_i64();
                            elsewhere.push(("padded range", row_cell(c, d, &group, 0, to), v));
                        }
                    }
                }
            }
        }
    }
    // A daily series shows each day's count as the one-day range does (a
    // point hidden as a series' complementary cell shows nothing); an
    // hourly one shows a manager no client count (an hour has no atom).
    for c in &setup.campaigns {
        for (granularity, checked) in [("day", true), ("hour", false)] {
            let path = format!(
                "/api/v1/campaigns/{c}/performance?from={}&to={}&granularity={granularity}",
                setup.day(0),
                setup.day(last)
            );
            let r = request(setup.addr, "GET", &path, Some(MANAGER), None).await;
            assert_eq!(r.status, 200, "{path}: {}", r.body);
            let series = r.json()["series"].clone();
            let points = series.as_array().expect("series");
            if checked {
                assert_eq!(points.len(), DAYS as usize, "{path}");
            }
            for (i, p) in points.iter().enumerate() {
                if !checked {
                    assert!(hidden(p, COMPLETED), "an hour shows no count: {p}");
                } else if let Some(v) = p[COMPLETED].as_i64() {
                    let day = i64::try_from(i).expect("day");
                    elsewhere.push(("daily series", cell(c, "", "", day, day), Some(v)));
                }
            }
        }
    }
    // Another route: the portfolio's targets.
    let fy = FiscalYear::containing(today);
    let p = request(
        setup.addr,
        "GET",
        &format!("/api/v1/attainment?fiscal_year={fy}"),
        Some(MANAGER),
        None,
    )
    .await;
    assert_eq!(p.status, 200, "{}", p.body);
    let p = p.json();
    for row in p["rows"].as_array().expect("rows") {
        let c = row["campaign"].as_str().expect("campaign").to_owned();
        assert_eq!(base(&p), BASE);
        if let Some((cell, v)) = learn_target(&mut a, row, &c, last, &spend) {
            elsewhere.push(("portfolio", cell, v));
        }
    }
    // And the live feed's totals (the flight so far).
    for c in &setup.campaigns {
        let mut live = EventStream::open(
            setup.addr,
            &format!("/api/v1/campaigns/{c}/live"),
            MANAGER,
            None,
        )
        .await;
        let e = live
            .next(Duration::from_secs(30))
            .await
            .expect("a live update");
        let v: Value = serde_json::from_str(&e.data).expect("json");
        let t = &v["totals"];
        let total = cell(c, "", "", 0, last);
        assert_eq!(base(&v), BASE);
        match t[COMPLETED].as_i64() {
            Some(n) => a.shown(&total, n),
            None => a.hidden(&total, true),
        }
        elsewhere.push(("live", total.clone(), t[COMPLETED].as_i64()));
        if let (Some(s), Some(cpu)) = (
            t["spend_cents"].as_f64(),
            t["cost_per_uptake_cents"].as_f64(),
        ) && let Some(n) = count_of(s, cpu)
        {
            a.shown(&total, n);
        }
    }

    // The sums every answer obeys.
    for c in &setup.campaigns {
        for d in DIMENSIONS {
            let g = &groups[&(c.clone(), d)];
            for from in 0..DAYS {
                for to in from..DAYS {
                    let parts: Vec<CellId> = g.iter().map(|v| cell(c, d, v, from, to)).collect();
                    a.groups_sum(cell(c, "", "", from, to), parts.clone());
                    diff.groups_sum(cell(c, "", "", from, to), parts);
                }
            }
            let lines: Vec<(&str, &str)> = std::iter::once(("", ""))
                .chain(g.iter().map(|v| (d, v.as_str())))
                .collect();
            for (dim, v) in lines {
                for from in 0..DAYS {
                    for to in from + 1..DAYS {
                        for x in [&mut a, &mut diff] {
                            x.days_sum(
                                cell(c, dim, v, from, to),
                                vec![cell(c, dim, v, from, to - 1), cell(c, dim, v, to, to)],
                            );
                            x.days_sum(
                                cell(c, dim, v, from, to),
                                vec![cell(c, dim, v, from, from), cell(c, dim, v, from + 1, to)],
                            );
                        }
                    }
                }
            }
        }
    }
    let passes = a.propagate();
    diff.propagate();

    for (name, x) in [("all", &a), ("differencing", &diff)] {
        let unsound = x.truth.unsound(&truth);
        assert!(
            unsound.is_empty(),
            "{name}: the attacker is wrong about {} cells, e.g. {:?}",
            unsound.len(),
            &unsound[..unsound.len().min(5)]
        );
    }
    let by_differencing = diff.recovered();
    let one_day: Vec<&CellId> = a
        .truth
        .hidden
        .iter()
        .filter(|c| c.from == c.to && !c.dimension.is_empty())
        .collect();
    let small_one_day = one_day
        .iter()
        .filter(|c| (1..K).contains(&truth[**c]))
        .count();
    let recovered = a.recovered();
    let recovered_one_day = recovered
        .iter()
        .filter(|(c, _)| c.from == c.to && !c.dimension.is_empty())
        .count();
    // The naive guess: one shown range minus the shown range a day shorter.
    let (mut guesses, mut right) = (0, 0);
    let mut cells_guessed = BTreeSet::new();
    for c in &one_day {
        let t = truth[*c];
        let pairs = (0..c.from)
            .map(|s| ((s, c.to), (s, c.to - 1)))
            .chain((c.to + 1..DAYS).map(|e| ((c.from, e), (c.from + 1, e))));
        for ((f1, t1), (f2, t2)) in pairs {
            let long = cell(&c.campaign, &c.dimension, &c.group, f1, t1);
            let short = cell(&c.campaign, &c.dimension, &c.group, f2, t2);
            if let (Some(x), Some(y)) = (seen.get(&long), seen.get(&short)) {
                guesses += 1;
                if x - y == t {
                    right += 1;
                    cells_guessed.insert((*c).clone());
                }
            }
        }
    }
    // Every route shows the count of a cell as performance does.
    let differ: Vec<_> = elsewhere
        .iter()
        .filter(|(_, c, v)| seen.get(c).copied() != *v)
        .collect();
    assert!(
        differ.is_empty(),
        "{} of {} counts differ from performance's, e.g. {:?}",
        differ.len(),
        elsewhere.len(),
        &differ[..differ.len().min(5)]
    );
    record("disclosure_counts_checked_across_routes", elsewhere.len());
    record("disclosure_manager_answers", answers);
    record("disclosure_hidden_cells", a.truth.hidden.len());
    record("disclosure_hidden_one_day_cells", one_day.len());
    record("disclosure_hidden_one_day_cells_of_1_to_9", small_one_day);
    record("disclosure_propagation_passes", passes);
    record("disclosure_recovered_cells", recovered.len());
    record("disclosure_recovered_one_day_cells", recovered_one_day);
    record(
        "disclosure_recovered_by_differencing_alone",
        by_differencing.len(),
    );
    record(
        "disclosure_recovered_one_day_by_differencing_alone",
        by_differencing
            .iter()
            .filter(|(c, _)| c.from == c.to && !c.dimension.is_empty())
            .count(),
    );
    record("disclosure_naive_guesses", guesses);
    record("disclosure_naive_guesses_right", right);
    record(
        "disclosure_one_day_cells_some_naive_guess_right",
        cells_guessed.len(),
    );
    assert!(
        small_one_day >= 100,
        "the traffic leaves too few small one-day cells: {small_one_day}"
    );
    // The contract asks for none (docs/privacy.md).
    for (c, v) in recovered.iter().chain(by_differencing.iter()).take(5) {
        eprintln!("recovered {c:?} = {v}");
    }
    if recovered.is_empty() && by_differencing.is_empty() {
        return Ok(());
    }
    Err(format!(
        "a manager recovered {} hidden counts exactly ({} of {} hidden one-day cells; {} by differencing alone), e.g. {:?}",
        recovered.len(),
        recovered_one_day,
        one_day.len(),
        by_differencing.len(),
        &recovered[..recovered.len().min(5)]
    ))
}
