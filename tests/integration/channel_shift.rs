//! Channel shift, unit costs of service and the Service Inventory
//! (contract/API.md v1.1) on the real pipeline: 28 months of generated
//! traffic (late events included) through the broker and `cmp-ingest`,
//! unit costs registered over HTTP, and the real `cmp-api` answering; every
//! figure of random programs, periods and baselines, and the inventory as
//! JSON and CSV, equal a brute-force count of the generated events and the
//! registered costs. Events produced later for a past period count there.
//! A manager whose campaigns are not the program's is refused; non-admins
//! see published counts, and figures from them.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use chrono::{Datelike, Duration as Span, Months, SubsecRound, Utc};
use chrono_tz::Tz;
use cmp_kpi::{DateRange, FiscalYear, local_date};
use cmp_loadgen::demo_campaigns;
use cmp_model::Event;
use cmp_tests::api_env::ApiEnv;
use cmp_tests::channels::{
    CHANNELS, Expected, ExpectedChannel, Stages, expected, uptake_by_channel,
};
use cmp_tests::generate::traffic;
use cmp_tests::http::request;
use cmp_tests::rng::{Rng, seed};
use cmp_tests::{Process, assert_accounted, ledger, migrated};
use serde_json::Value;

const TZ: Tz = chrono_tz::America::Toronto;

/// token, name, role, campaigns.
const TOKENS: [(&str, &str, &str, Option<&str>); 3] = [
    ("t-admin", "ops", "admin", None),
    ("t-exec", "adm-office", "executive", None),
    ("t-ei", "ei-team", "manager", Some("[\"ei-digital-2026\"]")),
];

/// Unit costs registered: oas for every channel, ei without mail, passport none.
fn cost_list(
    fys: &[FiscalYear],
    scale: u64,
) -> BTreeMap<&'static str, Vec<(FiscalYear, &'static str, u64)>> {
    let mut out: BTreeMap<&str, Vec<(FiscalYear, &str, u64)>> = BTreeMap::new();
    for (i, fy) in fys.iter().enumerate() {
        let i = i as u64;
        for (ch, k) in [
            ("online", 95),
            ("phone", 1_150),
            ("in_person", 2_880),
            ("mail", 1_700),
        ] {
            out.entry("oas")
                .or_default()
                .push((*fy, ch, (k + 7 * i) * scale));
        }
        for (ch, k) in [("online", 80), ("phone", 990), ("in_person", 3_100)] {
            out.entry("ei").or_default().push((*fy, ch, k + 11 * i));
        }
    }
    out
}

fn cost_body(costs: &[(FiscalYear, &str, u64)]) -> String {
    let items: Vec<Value> = costs
        .iter()
        .map(|(fy, ch, k)| {
            serde_json::json!({"fiscal_year": fy.to_string(), "service_channel": ch,
                "cost_cents": k, "source": format!("cost model {fy} {ch}")})
        })
        .collect();
    Value::Array(items).to_string()
}

fn close(got: &Value, want: Option<f64>, what: &str) {
    match (got.as_f64(), want) {
        (None, None) => assert!(got.is_null(), "{what}: {got}"),
        (Some(g), Some(w)) => assert!(
            (g - w).abs() <= 1e-9 * w.abs().max(1.0),
            "{what}: {g} vs {w}"
        ),
        (g, w) => panic!("{what}: got {g:?}, want {w:?}"),
    }
}

fn check_channels(got: &Value, want: &[ExpectedChannel], what: &str) {
    let got = got.as_array().unwrap_or_else(|| panic!("{what}: channels"));
    let codes: Vec<&str> = got
        .iter()
        .filter_map(|c| c["service_channel"].as_str())
        .collect();
    let want_codes: Vec<&str> = want.iter().map(|c| c.code.as_str()).collect();
    assert_eq!(codes, want_codes, "{what}: channels listed");
    for (g, w) in got.iter().zip(want) {
        let what = format!("{what} {}", w.code);
        for (i, stage) in ["started", "submitted", "completed"]
            .into_iter()
            .enumerate()
        {
            assert_eq!(g[stage].as_u64(), Some(w.counts[i]), "{what} {stage}");
        }
        close(
            &g["completion_rate"],
            w.completion_rate,
            &format!("{what} completion_rate"),
        );
        close(&g["share"], w.share, &format!("{what} share"));
        assert_eq!(g["cost_cents"].as_u64(), w.cost_cents, "{what} cost_cents");
        assert_eq!(
            g["total_cost_cents"].as_u64(),
            w.total_cost_cents,
            "{what} total_cost_cents"
        );
        assert_eq!(g["suppressed"], false, "{what}: admins see everything");
        if w.cost_cents.is_some() {
            assert!(
                g["cost_source"]
                    .as_str()
                    .is_some_and(|s| s.starts_with("cost model")),
                "{what}: {g}"
            );
        }
    }
}

/// Compares an admin's channel-shift answer with the brute force.
fn check_shift(got: &Value, want: &Expected, what: &str) {
    check_channels(&got["channels"], &want.channels, what);
    check_channels(
        &got["baseline"]["channels"],
        &want.baseline_channels,
        &format!("{what} baseline"),
    );
    assert_eq!(
        got["completed"].as_u64(),
        Some(want.completed),
        "{what} completed"
    );
    assert_eq!(
        got["baseline"]["completed"].as_u64(),
        Some(want.baseline_completed),
        "{what}"
    );
    close(
        &got["digital_take_up"],
        want.digital_take_up,
        &format!("{what} digital_take_up"),
    );
    close(
        &got["cost_per_transaction_cents"],
        want.cost_per_transaction_cents,
        &format!("{what} cost_per_transaction_cents"),
    );
    assert_eq!(
        got["total_cost_cents"].as_u64(),
        want.total_cost_cents,
        "{what} total cost"
    );
    match (got["savings_cents"].as_i64(), want.savings_cents) {
        (None, None) => assert!(got["savings_cents"].is_null()),
        // Rounded to the cent: within half a cent of the exact sum.
        (Some(g), Some(w)) => assert!(
            (g as f64 - w).abs() <= 0.5 + 1e-6,
            "{what} savings {g} vs {w}"
        ),
        (g, w) => panic!("{what} savings: got {g:?}, want {w:?}"),
    }
    let missing: Vec<&str> = got["missing_costs"]
        .as_array()
        .expect("missing_costs")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(missing, want.missing_costs, "{what} missing_costs");
    assert!(got.get("rounded").is_none(), "{what}: exact for admins");
}

/// The unit costs of `program` in force in `fy`, from the registered lists.
fn costs_in<'a>(
    registered: &'a BTreeMap<&'static str, Vec<(FiscalYear, &'static str, u64)>>,
    program: &str,
    fy: FiscalYear,
) -> BTreeMap<&'a str, u64> {
    registered
        .get(program)
        .map(|l| {
            l.iter()
                .filter(|(y, _, _)| *y == fy)
                .map(|(_, c, k)| (*c, *k))
                .collect()
        })
        .unwrap_or_default()
}

fn counts_of(events: &[Event], program: &str, range: DateRange) -> BTreeMap<String, Stages> {
    uptake_by_channel(events, range.utc_bounds(TZ))
        .remove(program)
        .unwrap_or_default()
}

#[tokio::test]
async fn channel_shift_and_the_service_inventory_equal_a_brute_force_count() {
    let test = "shift_e2e";
    let env = migrated(test, 2).await;
    // 28 months of history: ingest keeps events up to 900 days old.
    let mut ingest_vars = env.with("CMP_MAX_EVENT_AGE_DAYS", "900");
    ingest_vars.retain(|(k, _)| k != "CMP_RETENTION_DAYS");
    ingest_vars.push(("CMP_RETENTION_DAYS".into(), "1000".into()));
    let ingest = Process::spawn(test, "ingest", "cmp-ingest", &[], &ingest_vars);
    let api_env = ApiEnv::new(test, &env.vars, &cmp_tests::tokens::tokens_toml(&TOKENS));
    let addr = api_env.addr;
    let _api = Process::spawn(test, "api", "cmp-api", &[], &api_env.vars);
    api_env.wait_until_answering().await;

    let now = Utc::now().trunc_subsecs(0) - Span::minutes(1);
    let mut events = Vec::new();
    let mut accepted = BTreeSet::new();
    let mut messages = 0;
    for k in 0..14_i64 {
        let (e, a, m) = traffic(
            test,
            &env,
            70 + k as u64,
            now - Span::days(60 * k),
            60,
            1500,
        );
        events.extend(e);
        accepted.extend(a);
        messages += m;
    }
    ledger::assert_exactly(&env.store, &accepted, Duration::from_secs(180)).await;
    assert_accounted(&ingest, messages).await;

    // The registry's campaigns, and the unit costs of three fiscal years.
    let today = local_date(Utc::now(), TZ);
    for c in demo_campaigns() {
        let body = serde_json::json!({"name": {"en": c.id, "fr": c.id}, "program": c.program,
            "start_date": (today - Span::days(30)).to_string(),
            "end_date": (today + Span::days(30)).to_string(), "budget_cents": 1_000_000});
        let r = request(
            addr,
            "PUT",
            &format!("/api/v1/campaigns/{}", c.id),
            Some("t-admin"),
            Some(&body.to_string()),
        )
        .await;
        assert_eq!(r.status, 201, "{}", r.body);
    }
    let this_year = FiscalYear::containing(today);
    let fys = [
        FiscalYear::starting(this_year.start_year() - 2),
        FiscalYear::starting(this_year.start_year() - 1),
        this_year,
    ];
    // A first version of oas's costs (10× too high), then the real one.
    for (version, scale) in [(1, 10), (2, 1)] {
        let registered = cost_list(&fys, scale);
        for (program, list) in &registered {
            if *program == "ei" && version == 1 {
                continue;
            }
            let path = format!("/api/v1/programs/{program}/service-costs");
            let r = request(addr, "PUT", &path, Some("t-admin"), Some(&cost_body(list))).await;
            assert_eq!(r.status, 200, "{}", r.body);
            assert_eq!(r.json()["costs"].as_array().map(Vec::len), Some(list.len()));
        }
    }
    let registered = cost_list(&fys, 1);
    let history = request(
        addr,
        "GET",
        "/api/v1/programs/oas/service-costs?history=true",
        Some("t-exec"),
        None,
    )
    .await;
    assert_eq!(history.status, 200, "{}", history.body);
    let versions = history.json()["versions"]
        .as_array()
        .cloned()
        .expect("versions");
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["changed_by"], "ops");
    assert_eq!(versions[0]["costs"][0]["cost_cents"], 95, "newest first");
    assert_eq!(versions[1]["costs"][0]["cost_cents"], 950);
    let current = request(
        addr,
        "GET",
        "/api/v1/programs/oas/service-costs?lang=fr",
        Some("t-admin"),
        None,
    )
    .await
    .json();
    let plain = |costs: &Value| -> Vec<(Value, Value, Value, Value)> {
        costs
            .as_array()
            .expect("costs")
            .iter()
            .map(|c| {
                (
                    c["fiscal_year"].clone(),
                    c["service_channel"].clone(),
                    c["cost_cents"].clone(),
                    c["source"].clone(),
                )
            })
            .collect()
    };
    assert_eq!(
        plain(&current["costs"]),
        plain(&versions[0]["costs"]),
        "the current list is the newest version"
    );
    assert_eq!(current["costs"][0]["service_channel_label"], "En ligne");

    // Random programs, periods and baselines, as an admin.
    let seed = seed();
    eprintln!("channel shift cases: CMP_TEST_SEED={seed}");
    let mut rng = Rng(seed);
    let programs = ["oas", "ei", "passport"];
    for case in 0..8 {
        let program = programs[rng.below(3) as usize];
        let to = today - Span::days(rng.below(760) as i64);
        let from = to - Span::days(rng.below(200) as i64);
        let baseline_to = from - Span::days(1 + rng.below(60) as i64);
        let baseline_from = baseline_to - Span::days(rng.below(300) as i64);
        let path = format!(
            "/api/v1/programs/{program}/channel-shift?from={from}&to={to}&baseline_from={baseline_from}&baseline_to={baseline_to}"
        );
        let r = request(addr, "GET", &path, Some("t-admin"), None).await;
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        let got = r.json();
        let want = expected(
            &counts_of(&events, program, DateRange { from, to }),
            &counts_of(
                &events,
                program,
                DateRange {
                    from: baseline_from,
                    to: baseline_to,
                },
            ),
            &costs_in(&registered, program, FiscalYear::containing(to)),
        );
        check_shift(&got, &want, &format!("case {case} {path}"));
        assert_eq!(
            got["costs_fiscal_year"],
            FiscalYear::containing(to).to_string()
        );
    }
    // The defaults: the last 12 complete months and the 12 before them.
    let month = today.with_day(1).expect("first of the month");
    let last = month - Span::days(1);
    let year_ago = month.checked_sub_months(Months::new(12)).expect("date");
    let two_years_ago = month.checked_sub_months(Months::new(24)).expect("date");
    for program in programs {
        let r = request(
            addr,
            "GET",
            &format!("/api/v1/programs/{program}/channel-shift"),
            Some("t-admin"),
            None,
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let got = r.json();
        let dates = [
            &got["from"],
            &got["to"],
            &got["baseline"]["from"],
            &got["baseline"]["to"],
        ];
        let want_dates = [year_ago, last, two_years_ago, year_ago - Span::days(1)];
        for (g, w) in dates.iter().zip(want_dates) {
            assert_eq!(
                g.as_str(),
                Some(w.to_string().as_str()),
                "{program} defaults"
            );
        }
        let want = expected(
            &counts_of(
                &events,
                program,
                DateRange {
                    from: year_ago,
                    to: last,
                },
            ),
            &counts_of(
                &events,
                program,
                DateRange {
                    from: two_years_ago,
                    to: year_ago - Span::days(1),
                },
            ),
            &costs_in(&registered, program, FiscalYear::containing(last)),
        );
        assert!(
            want.completed > 0 && want.baseline_completed > 0,
            "{program}: traffic in both years"
        );
        check_shift(&got, &want, &format!("{program} defaults"));
        match program {
            "oas" => assert!(want.savings_cents.is_some() && got["savings_cents"].is_i64()),
            _ => assert!(
                got["savings_cents"].is_null(),
                "{program}: a channel lacks a cost"
            ),
        }
    }

    // The Service Inventory, JSON and CSV, for three fiscal years.
    for fy in fys {
        let by_program = uptake_by_channel(&events, fy.range().utc_bounds(TZ));
        let r = request(
            addr,
            "GET",
            &format!("/api/v1/service-inventory?fiscal_year={fy}"),
            Some("t-admin"),
            None,
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let got = r.json();
        let rows = got["rows"].as_array().expect("rows");
        let listed: Vec<&str> = rows.iter().filter_map(|r| r["program"].as_str()).collect();
        assert_eq!(listed, ["ei", "oas", "passport"], "{fy}");
        let csv = request(
            addr,
            "GET",
            &format!("/api/v1/service-inventory?fiscal_year={fy}&format=csv&lang=fr"),
            Some("t-admin"),
            None,
        )
        .await;
        assert_eq!(csv.status, 200);
        let lines: Vec<&str> = csv
            .body
            .trim_start_matches('\u{feff}')
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(
            lines[0],
            "fiscal_year,program,program_name,num_applications_online,num_applications_in_person,num_applications_by_phone,num_applications_by_mail,num_applications_total,online_share"
        );
        assert_eq!(lines.len(), 4, "{}", csv.body);
        for (row, line) in rows.iter().zip(&lines[1..]) {
            let program = row["program"].as_str().expect("program");
            let counts = by_program.get(program).cloned().unwrap_or_default();
            let submitted = |ch: &str| counts.get(ch).map_or(0, |s| s[1]);
            let total: u64 = CHANNELS.iter().map(|c| submitted(c)).sum();
            let want = [
                submitted("online"),
                submitted("in_person"),
                submitted("phone"),
                submitted("mail"),
                total,
            ];
            let fields = [
                "num_applications_online",
                "num_applications_in_person",
                "num_applications_by_phone",
                "num_applications_by_mail",
                "num_applications_total",
            ];
            for (f, w) in fields.iter().zip(want) {
                assert_eq!(row[f].as_u64(), Some(w), "{fy} {program} {f}");
            }
            close(
                &row["online_share"],
                (total > 0).then(|| want[0] as f64 / total as f64),
                &format!("{fy} {program} online_share"),
            );
            let cells: Vec<&str> = line.split(',').collect();
            assert_eq!(cells[0], fy.to_string());
            assert_eq!(cells[1], program);
            let numbers: Vec<u64> = cells[3..8]
                .iter()
                .map(|c| c.parse().expect("count"))
                .collect();
            assert_eq!(numbers, want, "{fy} {program} CSV");
            let share: Option<f64> = cells[8].parse().ok();
            close(
                &serde_json::json!(share),
                (total > 0).then(|| want[0] as f64 / total as f64),
                "CSV share",
            );
        }
    }

    // Non-admins: published counts (multiples of 5, sums of daily atoms:
    // within 4 of the truth per day whose count is not a multiple of 5;
    // small ones hidden) and the figures computed from them.
    let (from, to) = (today - Span::days(400), today - Span::days(40));
    let path = format!("/api/v1/programs/oas/channel-shift?from={from}&to={to}");
    let got = request(addr, "GET", &path, Some("t-exec"), None)
        .await
        .json();
    assert_eq!(got["rounded"], 5);
    let truth = counts_of(&events, "oas", DateRange { from, to });
    // Per channel and stage, the days whose count is not a multiple of 5.
    let mut rounded_days: BTreeMap<String, [u64; 3]> = BTreeMap::new();
    let mut day = from;
    while day <= to {
        for (code, t) in counts_of(&events, "oas", DateRange { from: day, to: day }) {
            let n = rounded_days.entry(code).or_default();
            for (n, t) in n.iter_mut().zip(t) {
                *n += u64::from(t % 5 != 0);
            }
        }
        day += Span::days(1);
    }
    let total_completed = got["completed"].as_f64();
    for c in got["channels"].as_array().expect("channels") {
        let code = c["service_channel"].as_str().expect("code");
        let t = truth.get(code).copied().unwrap_or_default();
        for (i, stage) in ["started", "submitted", "completed"]
            .into_iter()
            .enumerate()
        {
            match c[stage].as_u64() {
                Some(v) => {
                    let days = rounded_days.get(code).map_or(0, |n| n[i]);
                    assert!(
                        v % 5 == 0 && v.abs_diff(t[i]) <= 4 * days,
                        "{code} {stage}: {v} for {} ({days} days rounded)",
                        t[i]
                    );
                }
                None => assert!(
                    c["suppressed_fields"]
                        .as_array()
                        .is_some_and(|f| f.iter().any(|x| x == stage))
                ),
            }
        }
        if let (Some(done), Some(all)) = (c["completed"].as_f64(), total_completed) {
            close(
                &c["share"],
                (all > 0.0).then(|| done / all),
                &format!("{code} share from published counts"),
            );
            close(
                &c["total_cost_cents"],
                c["cost_cents"].as_f64().map(|k| done * k),
                "total cost from the published count",
            );
        }
    }

    // One count, one published value: the inventory and the channel shift
    // of a whole fiscal year show the same submitted applications.
    let fy = fys[1];
    let shift = request(
        addr,
        "GET",
        &format!(
            "/api/v1/programs/oas/channel-shift?from={}&to={}",
            fy.start(),
            fy.end()
        ),
        Some("t-exec"),
        None,
    )
    .await
    .json();
    let inventory = request(
        addr,
        "GET",
        &format!("/api/v1/service-inventory?fiscal_year={fy}"),
        Some("t-exec"),
        None,
    )
    .await
    .json();
    let oas = inventory["rows"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["program"] == "oas"))
        .cloned()
        .expect("oas row");
    assert_eq!(
        shift["submitted"], oas["num_applications_total"],
        "{fy} total"
    );
    for c in shift["channels"].as_array().expect("channels") {
        let field = match c["service_channel"].as_str() {
            Some("online") => "num_applications_online",
            Some("in_person") => "num_applications_in_person",
            Some("phone") => "num_applications_by_phone",
            _ => "num_applications_by_mail",
        };
        assert_eq!(c["submitted"], oas[field], "{fy} {field}");
    }

    // Late events: a batch for a past period, produced now, counts there.
    let anchor = now - Span::days(400);
    let (from, to) = (
        local_date(anchor, TZ) - Span::days(20),
        local_date(anchor, TZ),
    );
    let path = format!("/api/v1/programs/ei/channel-shift?from={from}&to={to}");
    let before = request(addr, "GET", &path, Some("t-admin"), None)
        .await
        .json();
    let (late, late_accepted, late_messages) = traffic(test, &env, 99, anchor, 20, 1500);
    events.extend(late);
    accepted.extend(late_accepted);
    ledger::assert_exactly(&env.store, &accepted, Duration::from_secs(180)).await;
    assert_accounted(&ingest, messages + late_messages).await;
    let after = request(addr, "GET", &path, Some("t-admin"), None)
        .await
        .json();
    let want = expected(
        &counts_of(&events, "ei", DateRange { from, to }),
        &counts_of(
            &events,
            "ei",
            DateRange {
                from: from.checked_sub_months(Months::new(12)).expect("date"),
                to: from - Span::days(1),
            },
        ),
        &costs_in(&registered, "ei", FiscalYear::containing(to)),
    );
    check_shift(&after, &want, "after late events");
    assert!(
        after["completed"].as_u64() > before["completed"].as_u64(),
        "late events counted in their period"
    );

    // Who reads a program: a manager of an ei campaign reads ei, not oas.
    for (path, status) in [
        ("/api/v1/programs/oas/channel-shift", 403),
        ("/api/v1/programs/oas/service-costs", 403),
        (
            "/api/v1/programs/passport/channel-shift?from=2026-01-01&to=2026-01-31",
            403,
        ),
        ("/api/v1/programs/ei/channel-shift", 200),
        ("/api/v1/programs/ei/service-costs?history=true", 200),
        ("/api/v1/programs/nothing-here/channel-shift", 403),
    ] {
        let r = request(addr, "GET", path, Some("t-ei"), None).await;
        assert_eq!(r.status, status, "{path}: {}", r.body);
    }
    // A program nothing names is unknown to those who may read any.
    for path in [
        "/api/v1/programs/nothing-here/channel-shift",
        "/api/v1/programs/nothing-here/service-costs",
    ] {
        let r = request(addr, "GET", path, Some("t-exec"), None).await;
        assert_eq!(r.status, 404, "{path}: {}", r.body);
    }
    let rows = request(
        addr,
        "GET",
        &format!("/api/v1/service-inventory?fiscal_year={this_year}"),
        Some("t-ei"),
        None,
    )
    .await
    .json();
    let listed: Vec<&str> = rows["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["program"].as_str())
        .collect();
    assert_eq!(listed, ["ei"], "a manager's inventory: its programs only");
    for token in ["t-ei", "t-exec"] {
        let r = request(
            addr,
            "PUT",
            "/api/v1/programs/ei/service-costs",
            Some(token),
            Some("[]"),
        )
        .await;
        assert_eq!(r.status, 403, "{token}: {}", r.body);
    }
    let unchanged = request(
        addr,
        "GET",
        "/api/v1/programs/ei/service-costs",
        Some("t-admin"),
        None,
    )
    .await
    .json();
    assert_eq!(
        unchanged["costs"].as_array().map(Vec::len),
        Some(registered["ei"].len())
    );
}
