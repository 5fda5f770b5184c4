//! Offices (contract/API.md v1.1) on the real pipeline: three weeks of
//! generated traffic (late events included, `office_id` and `fsa` in any
//! case) through the broker and `cmp-ingest`, offices registered over HTTP;
//! every figure of the office routes equals a brute force over the
//! generated events: signage impressions by campaign, in-person uptake by
//! program and stage, and the catchment's online share per program (exact
//! for an admin; a manager sees the counts published from daily atoms,
//! computed here from the brute-force days). A token of an organisation
//! sees only its own campaigns' impressions. Bad bodies are `400`s naming
//! the field, a non-admin `PUT` is a `403`, and the history keeps each
//! version.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use chrono::{Duration as Span, NaiveDate, SubsecRound, Utc};
use chrono_tz::Tz;
use cmp_kpi::{Cell, CellKey, DateRange, local_date};
use cmp_model::{Action, Body, Channel, Event, ServiceChannel, Stage};
use cmp_tests::api_env::ApiEnv;
use cmp_tests::generate::traffic;
use cmp_tests::http::request;
use cmp_tests::tokens::tokens_toml;
use cmp_tests::{Process, assert_accounted, ledger, migrated};
use serde_json::{Value, json};

const TZ: Tz = chrono_tz::America::Toronto;

/// Campaigns registered, with their owners.
const CAMPAIGNS: [(&str, &str, &str); 3] = [
    ("oas-online-2026", "oas", "esdc"),
    ("ei-digital-2026", "ei", "esdc"),
    ("passport-renew-2026", "passport", "ircc"),
];

fn tokens_file() -> String {
    let plain = tokens_toml(&[
        ("t-admin", "ops", "admin", None),
        ("t-mgr", "every-manager", "manager", Some("[\"*\"]")),
    ]);
    let ircc = tokens_toml(&[("t-ircc", "ircc-dg", "executive", None)]);
    format!("{plain}{ircc}organisation = \"ircc\"\n\n")
}

/// The events of the office's local days in `range`.
fn within(e: &Event, range: DateRange) -> bool {
    let d = local_date(e.event_time, TZ);
    d >= range.from && d <= range.to
}

fn upper(v: &Option<String>) -> String {
    v.as_deref().unwrap_or_default().to_ascii_uppercase()
}

/// Daily counts per key.
type Days<K> = BTreeMap<K, BTreeMap<NaiveDate, u64>>;

/// Brute force: signage impressions by campaign, in-person uptake by
/// (program, stage) per day, completed catchment uptake by program per
/// day (all channels, online).
struct Truth {
    impressions: BTreeMap<String, u64>,
    in_person: Days<(String, String)>,
    completed: Days<String>,
    online: Days<String>,
}

fn truth(events: &[Event], office: &str, fsas: &BTreeSet<String>, range: DateRange) -> Truth {
    let mut t = Truth {
        impressions: BTreeMap::new(),
        in_person: Days::new(),
        completed: Days::new(),
        online: Days::new(),
    };
    for e in events.iter().filter(|e| within(e, range)) {
        let day = local_date(e.event_time, TZ);
        match &e.body {
            Body::Engagement(g) => {
                if upper(&e.office_id) == office
                    && g.channel == Channel::Signage
                    && g.action == Action::Impression
                {
                    *t.impressions.entry(g.campaign_id.clone()).or_default() += u64::from(g.count);
                }
            }
            Body::Uptake(u) => {
                if upper(&e.office_id) == office && u.service_channel == ServiceChannel::InPerson {
                    let key = (u.program.clone(), u.stage.as_str().to_owned());
                    *t.in_person.entry(key).or_default().entry(day).or_default() += 1;
                }
                if u.stage == Stage::Completed && fsas.contains(&upper(&e.fsa)) {
                    *t.completed
                        .entry(u.program.clone())
                        .or_default()
                        .entry(day)
                        .or_default() += 1;
                    if u.service_channel == ServiceChannel::Online {
                        *t.online
                            .entry(u.program.clone())
                            .or_default()
                            .entry(day)
                            .or_default() += 1;
                    }
                }
            }
        }
    }
    t
}

/// The cells of one breakdown over `programs` as a caller sees them:
/// exact (`None`) or published by `rules` as docs/privacy.md says.
fn shown(
    rules: Option<&cmp_kpi::Disclosure>,
    office: &str,
    kpi: &str,
    channel: Option<&str>,
    programs: &[String],
    days: &dyn Fn(&str) -> BTreeMap<NaiveDate, u64>,
) -> Vec<Option<u64>> {
    let mut cells: Vec<Cell> = programs
        .iter()
        .map(|p| Cell::new(Some(days(p).values().sum::<u64>() as f64)))
        .collect();
    if let Some(d) = rules {
        let pairs: Vec<Vec<(&str, &str)>> = programs
            .iter()
            .map(|p| {
                let mut b = vec![("office_id", office), ("program", p.as_str())];
                b.extend(channel.map(|c| ("service_channel", c)));
                b
            })
            .collect();
        let keys: Vec<CellKey<'_>> = pairs
            .iter()
            .map(|b| CellKey {
                campaign: "",
                kpi,
                breakdown: b,
            })
            .collect();
        let daily: Vec<Vec<(NaiveDate, f64)>> = programs
            .iter()
            .map(|p| days(p).iter().map(|(d, n)| (*d, *n as f64)).collect())
            .collect();
        d.publish_days(&mut cells, &keys, &daily);
    }
    cells
        .iter()
        .map(|c| c.value.map(|v| v.round() as u64))
        .collect()
}

fn count(v: &Value) -> Option<u64> {
    v["value"].as_u64()
}

/// The performance answer against the brute force, as `token` sees it.
fn check(
    got: &Value,
    t: &Truth,
    office: &str,
    rules: Option<&cmp_kpi::Disclosure>,
    campaigns: Option<&BTreeSet<&str>>,
) {
    let want: BTreeMap<&str, u64> = t
        .impressions
        .iter()
        .filter(|(c, _)| campaigns.is_none_or(|s| s.contains(c.as_str())))
        .map(|(c, n)| (c.as_str(), *n))
        .collect();
    let seen: BTreeMap<&str, u64> = got["impressions"]
        .as_array()
        .expect("impressions")
        .iter()
        .map(|r| {
            (
                r["campaign_id"].as_str().expect("id"),
                r["impressions"].as_u64().expect("n"),
            )
        })
        .collect();
    assert_eq!(seen, want, "impressions by campaign");
    assert_eq!(got["impressions_total"].as_u64(), Some(want.values().sum()));

    let programs: Vec<String> = t
        .in_person
        .keys()
        .map(|(p, _)| p.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let rows = got["in_person"].as_array().expect("in_person");
    let listed: Vec<&str> = rows
        .iter()
        .map(|r| r["program"].as_str().expect("p"))
        .collect();
    assert_eq!(listed, programs, "in-person programs");
    for stage in ["started", "submitted", "completed"] {
        let days = |p: &str| {
            t.in_person
                .get(&(p.to_owned(), stage.to_owned()))
                .cloned()
                .unwrap_or_default()
        };
        let want = shown(
            rules,
            office,
            &format!("office_uptake_{stage}"),
            None,
            &programs,
            &days,
        );
        let got: Vec<Option<u64>> = rows
            .iter()
            .map(|r| {
                let s = r["stages"]
                    .as_array()
                    .expect("stages")
                    .iter()
                    .find(|s| s["stage"] == stage)
                    .expect("stage");
                assert_eq!(s["suppressed"], count(s).is_none(), "{s}");
                count(s)
            })
            .collect();
        assert_eq!(got, want, "in person, {stage}");
    }

    let programs: Vec<String> = t.completed.keys().cloned().collect();
    let shares = got["program_online_share"].as_array().expect("shares");
    let listed: Vec<&str> = shares
        .iter()
        .map(|r| r["program"].as_str().expect("p"))
        .collect();
    assert_eq!(listed, programs, "catchment programs");
    let kpi = "catchment_uptake_completed";
    let all = shown(rules, office, kpi, None, &programs, &|p: &str| {
        t.completed.get(p).cloned().unwrap_or_default()
    });
    let online = shown(rules, office, kpi, Some("online"), &programs, &|p: &str| {
        t.online.get(p).cloned().unwrap_or_default()
    });
    for ((row, a), o) in shares.iter().zip(&all).zip(&online) {
        assert_eq!(count(&row["completed"]), *a, "{row}");
        assert_eq!(count(&row["completed_online"]), *o, "{row}");
        let share = match (a, o) {
            (Some(a), Some(o)) if *a > 0 => Some(*o as f64 / *a as f64),
            _ => None,
        };
        match (row["program_online_share"].as_f64(), share) {
            (Some(g), Some(w)) => assert!((g - w).abs() < 1e-12, "{row}: {w}"),
            (None, None) => {}
            (g, w) => panic!("{row}: share {g:?} vs {w:?}"),
        }
    }
}

#[tokio::test]
async fn office_figures_equal_a_brute_force_over_the_generated_events() {
    let test = "offices_e2e";
    let env = migrated(test, 2).await;
    let ingest = Process::spawn(test, "ingest", "cmp-ingest", &[], &env.vars);
    let api_env = ApiEnv::new(test, &env.vars, &tokens_file());
    let addr = api_env.addr;
    let _api = Process::spawn(test, "api", "cmp-api", &[], &api_env.vars);
    api_env.wait_until_answering().await;

    let now = Utc::now().trunc_subsecs(0) - Span::minutes(1);
    let (events, accepted, messages) = traffic(test, &env, 23, now, 21, 20_000);
    ledger::assert_exactly(&env.store, &accepted, Duration::from_secs(180)).await;
    assert_accounted(&ingest, messages).await;
    let today = local_date(Utc::now(), TZ);

    for (id, program, owner) in CAMPAIGNS {
        let body = json!({"name": {"en": format!("{id} EN"), "fr": format!("{id} FR")},
            "program": program, "start_date": (today - Span::days(30)).to_string(),
            "end_date": (today + Span::days(30)).to_string(), "budget_cents": 100_000,
            "owner": owner});
        let path = format!("/api/v1/campaigns/{id}");
        let r = request(addr, "PUT", &path, Some("t-admin"), Some(&body.to_string())).await;
        assert_eq!(r.status, 201, "{}", r.body);
    }

    // The office with the most in-person uptake, its catchment the FSAs
    // its province's clients live in and X0X.
    let mut served: BTreeMap<String, usize> = BTreeMap::new();
    for e in &events {
        if let Body::Uptake(u) = &e.body
            && u.service_channel == ServiceChannel::InPerson
            && e.office_id.is_some()
        {
            *served.entry(upper(&e.office_id)).or_default() += 1;
        }
    }
    let (office, n) = served
        .iter()
        .max_by_key(|(_, n)| **n)
        .map(|(o, n)| (o.clone(), *n))
        .expect("an office served clients");
    assert!(n > 20, "{office}: {n} in-person events");
    let region = &office[..2];
    let mut fsas: BTreeSet<String> = events
        .iter()
        .filter(|e| e.region.as_str() == region && e.fsa.is_some())
        .map(|e| upper(&e.fsa))
        .collect();
    fsas.insert("X0X".into());
    // Sent in lower case: stored as ingest stores codes, upper-case.
    let body = json!({"name": {"en": "Main office", "fr": "Bureau principal"},
        "region": region.to_ascii_lowercase(),
        "fsas": fsas.iter().map(|f| f.to_ascii_lowercase()).collect::<Vec<_>>()});
    let path = format!("/api/v1/offices/{}", office.to_ascii_lowercase());
    // Not an admin: refused, nothing stored.
    let r = request(addr, "PUT", &path, Some("t-mgr"), Some(&body.to_string())).await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = request(
        addr,
        "GET",
        &format!("{path}/performance"),
        Some("t-admin"),
        None,
    )
    .await;
    assert_eq!(r.status, 404, "{}", r.body);
    // Bad fields: 400 naming each.
    for (field, bad) in [
        (
            "region",
            json!({"name": body["name"], "region": "XX", "fsas": ["K2P"]}),
        ),
        (
            "fsas[0]",
            json!({"name": body["name"], "region": "ON", "fsas": ["K2P0B1"]}),
        ),
        (
            "name.en",
            json!({"name": {"fr": "x"}, "region": "ON", "fsas": ["K2P"]}),
        ),
    ] {
        let r = request(addr, "PUT", &path, Some("t-admin"), Some(&bad.to_string())).await;
        assert_eq!(r.status, 400, "{}", r.body);
        assert_eq!(r.json()["error"]["parameter"], field, "{}", r.body);
    }
    // A first version, then the real one.
    let first = json!({"name": {"en": "Old", "fr": "Ancien"}, "region": region, "fsas": ["X0X"]});
    let r = request(
        addr,
        "PUT",
        &path,
        Some("t-admin"),
        Some(&first.to_string()),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = request(addr, "PUT", &path, Some("t-admin"), Some(&body.to_string())).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let stored = r.json();
    assert_eq!(stored["office_id"], office.as_str());
    assert_eq!(stored["region"], region);
    let stored_fsas: BTreeSet<String> =
        serde_json::from_value(stored["fsas"].clone()).expect("fsas");
    assert_eq!(stored_fsas, fsas);
    let r = request(
        addr,
        "GET",
        &format!("{path}?history=true"),
        Some("t-mgr"),
        None,
    )
    .await;
    let versions = r.json()["versions"].as_array().map(Vec::len);
    assert_eq!(versions, Some(2), "{}", r.body);
    let r = request(addr, "GET", "/api/v1/offices?lang=fr", Some("t-ircc"), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let list = r.json();
    let listed = list["offices"].as_array().expect("offices");
    assert_eq!(listed.len(), 1, "{list}");
    assert_eq!(listed[0]["label"], "Bureau principal");

    let rules = cmp_api::rules::Rules::from_settings(&env.settings).disclosure;
    let ircc: BTreeSet<&str> = BTreeSet::from(["passport-renew-2026"]);
    let ranges = [
        DateRange {
            from: today - Span::days(27),
            to: today,
        },
        DateRange {
            from: today - Span::days(12),
            to: today - Span::days(3),
        },
    ];
    for (i, range) in ranges.iter().enumerate() {
        let t = truth(&events, &office, &fsas, *range);
        assert!(
            !t.in_person.is_empty() && !t.completed.is_empty(),
            "{range:?}"
        );
        let query = if i == 0 {
            String::new()
        } else {
            format!("?from={}&to={}", range.from, range.to)
        };
        let route = format!("/api/v1/offices/{office}/performance{query}");
        let mut exact = Value::Null;
        for (token, disclosure, campaigns) in [
            ("t-admin", None, None),
            ("t-mgr", Some(&rules), None),
            ("t-ircc", Some(&rules), Some(&ircc)),
        ] {
            let r = request(addr, "GET", &route, Some(token), None).await;
            assert_eq!(r.status, 200, "{token} {route}: {}", r.body);
            let got = r.json();
            assert_eq!(got["from"], range.from.to_string());
            assert_eq!(got["to"], range.to.to_string());
            check(&got, &t, &office, disclosure, campaigns);
            // Publication is applied: some count differs from the exact one.
            if token == "t-admin" {
                exact = got["in_person"].clone();
            } else {
                assert_ne!(got["in_person"], exact, "{token}: published as exact");
            }
            let hidden = got.to_string().matches("\"suppressed\":true").count();
            if token == "t-mgr" && i == 0 {
                let published = got["program_online_share"]
                    .as_array()
                    .expect("shares")
                    .iter()
                    .filter(|r| r["completed"]["value"].as_u64().is_some_and(|v| v > 0))
                    .count();
                assert!(published > 0, "some published catchment count: {got}");
            }
            eprintln!(
                "{token} {route}: {} campaigns, {} impressions, {} in-person programs, {} catchment programs, {hidden} hidden",
                got["impressions"].as_array().map_or(0, Vec::len),
                got["impressions_total"],
                got["in_person"].as_array().map_or(0, Vec::len),
                got["program_online_share"].as_array().map_or(0, Vec::len),
            );
        }
    }
    // Labels: the campaign's name and the program's in French.
    let r = request(
        addr,
        "GET",
        &format!("/api/v1/offices/{office}/performance?lang=fr"),
        Some("t-admin"),
        None,
    )
    .await;
    let got = r.json();
    for row in got["impressions"].as_array().expect("impressions") {
        assert_eq!(
            row["campaign_label"],
            format!("{} FR", row["campaign_id"].as_str().expect("id")),
            "{row}"
        );
    }
    for row in got["in_person"].as_array().expect("in_person") {
        assert!(
            row["program_label"].as_str().is_some_and(|l| !l.is_empty()),
            "{row}"
        );
    }
}
