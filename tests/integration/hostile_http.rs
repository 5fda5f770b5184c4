//! The real `cmp-api` binary under hostile HTTP: bodies over the limit,
//! clients that dribble their headers (slowloris), unknown, malformed,
//! empty, long, non-ASCII and repeated `Authorization` headers, path
//! traversal, and injection strings in every path and query parameter of
//! every route, as each role. Every answer must be a 4xx (the API's error
//! JSON on `/api/` routes), never a 5xx, and no body may name internals;
//! the server must keep serving throughout.

use std::net::SocketAddr;
use std::time::Duration;

use cmp_api::BODY_LIMIT;
use cmp_tests::api_env::ApiEnv;
use cmp_tests::figures::record;
use cmp_tests::http::request;
use cmp_tests::promql::url_encode;
use cmp_tests::{Process, http_get, migrated};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Token, role and campaigns of each test token.
const ROLES: [(&str, &str, Option<&str>); 3] = [
    ("h-admin", "admin", None),
    ("h-exec", "executive", None),
    ("h-oas", "manager", Some(r#"["oas-online-2026"]"#)),
];

/// What no answer may contain: names of the store, its errors, the code.
const INTERNALS: [&str; 11] = [
    "clickhouse",
    "DB::",
    "Exception",
    "SELECT ",
    "panicked",
    "src/",
    ".rs:",
    "/work/",
    "/root/",
    "cmp_store",
    "backtrace",
];

/// Values a hostile caller puts in a path segment or a query parameter.
fn hostile_values() -> Vec<String> {
    let mut v: Vec<String> = [
        "'",
        "' OR 1=1 --",
        "\"; DROP TABLE campaigns; --",
        "\\",
        "\\'",
        "\0",
        "%00",
        "x\0y",
        "../../etc/passwd",
        "..\\..\\windows",
        "{campaign_id}",
        "1e309",
        "-1",
        "18446744073709551616",
        "2026-02-30",
        "9999-12-31",
        "ü🙂\u{202e}\u{feff}",
        "<script>alert(1)</script>",
        "a,b,,a",
        " ",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    v.push("a".repeat(4000));
    v
}

/// The routes, a path for one campaign (or experiment) in place of
/// `{id}`, and the query parameters each takes.
const ROUTES: [(&str, &[&str]); 16] = [
    ("/api/v1/campaigns", &["lang"]),
    ("/api/v1/campaigns/{id}", &["lang"]),
    ("/api/v1/campaigns/{id}/targets", &["history", "lang"]),
    (
        "/api/v1/campaigns/{id}/performance",
        &["from", "to", "by", "granularity", "lang"],
    ),
    (
        "/api/v1/campaigns/{id}/attainment-history",
        &["from", "to", "target", "end_of_day", "lang"],
    ),
    ("/api/v1/campaigns/{id}/live", &["lang"]),
    ("/api/v1/attainment", &["fiscal_year", "format", "lang"]),
    ("/api/v1/programs/{id}/service-costs", &["history", "lang"]),
    (
        "/api/v1/programs/{id}/channel-shift",
        &["from", "to", "baseline_from", "baseline_to", "lang"],
    ),
    (
        "/api/v1/service-inventory",
        &["fiscal_year", "format", "lang"],
    ),
    ("/api/v1/campaigns/{id}/experiments", &["lang"]),
    (
        "/api/v1/campaigns/oas-online-2026/experiments/{id}",
        &["lang"],
    ),
    ("/dashboard", &["lang"]),
    ("/dashboard/campaigns/{id}", &["series", "lang"]),
    ("/dashboard/portfolio", &["fiscal_year", "lang"]),
    ("/dashboard/sign-in", &["lang", "next"]),
];

/// A response read off the wire: status and body (empty if none).
#[derive(Debug)]
struct Reply {
    status: u16,
    body: String,
}

/// Sends raw bytes and reads until the server closes (HTTP/1.0).
async fn raw(addr: SocketAddr, bytes: &[u8]) -> Reply {
    let mut s = TcpStream::connect(addr).await.expect("connect");
    // The server may answer (413) before reading everything: ignore a reset.
    let _ = s.write_all(bytes).await;
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(60), s.read_to_end(&mut buf))
        .await
        .expect("an answer within 60 s");
    let text = String::from_utf8_lossy(&buf).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {text:?}"));
    Reply {
        status,
        body: body.to_owned(),
    }
}

/// `GET path` with the given extra header lines.
async fn get_with(addr: SocketAddr, path: &str, headers: &[&[u8]]) -> Reply {
    let mut req = format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\n").into_bytes();
    for h in headers {
        req.extend_from_slice(h);
        req.extend_from_slice(b"\r\n");
    }
    req.extend_from_slice(b"\r\n");
    raw(addr, &req).await
}

/// Neither a 5xx nor a word of the internals.
fn assert_clean(what: &str, status: u16, body: &str) {
    assert!(status < 500, "{what}: {status} {body}");
    let lower = body.to_lowercase();
    for word in INTERNALS {
        let found = if word.chars().any(|c| c.is_ascii_uppercase()) {
            body.contains(word)
        } else {
            lower.contains(word)
        };
        assert!(!found, "{what}: the answer names `{word}`: {body}");
    }
}

/// A 4xx with the API's error shape and the given code.
fn assert_error(what: &str, status: u16, body: &str, want: u16, code: &str) {
    assert_clean(what, status, body);
    assert_eq!(status, want, "{what}: {body}");
    let json: Value =
        serde_json::from_str(body).unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {body}"));
    assert_eq!(json["error"]["code"], code, "{what}: {body}");
    assert!(json["error"]["message"].is_string(), "{what}: {body}");
}

/// Each role's token, named after itself.
fn tokens_toml() -> String {
    cmp_tests::tokens::tokens_toml(
        &ROLES.map(|(token, role, campaigns)| (token, token, role, campaigns)),
    )
}

#[tokio::test]
async fn the_api_survives_hostile_requests() {
    let test = "hostile_http";
    let env = migrated(test, 1).await;
    let api_env = ApiEnv::new(test, &env.vars, &tokens_toml());
    let addr = api_env.addr;
    let mut api = Process::spawn(test, "api", "cmp-api", &[], &api_env.vars);
    api_env.wait_until_answering().await;
    let campaign = serde_json::json!({
        "name": {"en": "OAS online", "fr": "SV en ligne"},
        "program": "oas",
        "start_date": "2026-04-01",
        "end_date": "2027-03-31",
        "budget_cents": 100_000_u64,
    })
    .to_string();
    for id in ["oas-online-2026", "other-2026"] {
        let r = request(
            addr,
            "PUT",
            &format!("/api/v1/campaigns/{id}"),
            Some("h-admin"),
            Some(&campaign),
        )
        .await;
        assert_eq!(r.status, 201, "{}", r.body);
    }

    record("http.bad_token_requests", bad_tokens(addr).await);
    record("http.body_requests", large_bodies(addr).await);
    record("http.traversal_requests", traversal(addr).await);
    let sent = injections(addr).await;
    record("http.injection_requests", sent);
    record("http.slow_clients", slow_clients(addr).await);

    // Still healthy, still serving, still refusing.
    assert!(api.running(), "cmp-api exited");
    assert_eq!(http_get(addr, "/healthz").await.map(|r| r.0), Some(200));
    let r = request(addr, "GET", "/api/v1/campaigns", Some("h-admin"), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json().as_array().map(Vec::len), Some(2));
    let r = request(addr, "GET", "/api/v1/campaigns", Some("h-oas"), None).await;
    assert_eq!(r.json().as_array().map(Vec::len), Some(1));
    println!("hostile_http: {sent} injection requests, every one a 4xx or harmless 2xx");
}

/// Unknown, malformed, empty, long, non-ASCII and repeated tokens: 401;
/// returns how many requests were sent.
async fn bad_tokens(addr: SocketAddr) -> usize {
    let long = format!("Authorization: Bearer {}", "x".repeat(16 * 1024));
    let cases: Vec<Vec<u8>> = vec![
        b"Authorization: Bearer nope".to_vec(),
        b"Authorization: Bearer ".to_vec(),
        b"Authorization: Bearer".to_vec(),
        b"Authorization:".to_vec(),
        b"Authorization: h-admin".to_vec(),
        b"Authorization: Basic aC1hZG1pbjo=".to_vec(),
        b"Authorization: Bearer h-admin h-admin".to_vec(),
        b"Authorization: Bearer h-adminx".to_vec(),
        b"Authorization: Bearer H-ADMIN".to_vec(),
        "Authorization: Bearer h-\u{e4}dmin".as_bytes().to_vec(),
        b"Authorization: Bearer \xff\xfe".to_vec(),
        long.into_bytes(),
        b"Cookie: cmp_session=nope".to_vec(),
        b"Cookie: cmp_session=".to_vec(),
    ];
    for case in &cases {
        let what = format!(
            "Authorization {}",
            String::from_utf8_lossy(&case[..case.len().min(60)])
        );
        let r = get_with(addr, "/api/v1/campaigns", &[case]).await;
        assert_error(&what, r.status, &r.body, 401, "unauthorized");
    }
    // A valid token next to an invalid one, in either order: refused,
    // never the first or the last header's holder by chance.
    for pair in [
        [
            &b"Authorization: Bearer h-admin"[..],
            b"Authorization: Bearer nope",
        ],
        [
            b"Authorization: Bearer nope",
            b"Authorization: Bearer h-admin",
        ],
        [
            b"Authorization: Bearer h-oas",
            b"Authorization: Bearer h-admin",
        ],
    ] {
        let r = get_with(addr, "/api/v1/campaigns", &pair).await;
        assert_error(
            "two Authorization headers",
            r.status,
            &r.body,
            401,
            "unauthorized",
        );
    }
    // A NUL in a header is not HTTP: the server refuses it before routing.
    let r = get_with(
        addr,
        "/api/v1/campaigns",
        &[b"Authorization: Bearer h-ad\0min"],
    )
    .await;
    assert!(
        (400..500).contains(&r.status),
        "NUL in a header: {}",
        r.status
    );
    cases.len() + 3 + 1
}

/// Bodies over the 64 KiB limit, announced or chunked: 413; malformed
/// and hostile JSON bodies: 400 or 415; returns how many requests were sent.
async fn large_bodies(addr: SocketAddr) -> usize {
    let path = "/api/v1/campaigns/oas-online-2026";
    let big = format!("{{\"name\": \"{}\"}}", "x".repeat(BODY_LIMIT));
    let head = format!(
        "PUT {path} HTTP/1.0\r\nHost: {addr}\r\nAuthorization: Bearer h-admin\r\nContent-Type: application/json\r\n"
    );
    let announced = format!("{head}Content-Length: {}\r\n\r\n{big}", big.len());
    let r = raw(addr, announced.as_bytes()).await;
    assert_error(
        "a body over the limit",
        r.status,
        &r.body,
        413,
        "payload_too_large",
    );
    let mut chunked = format!(
        "PUT {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAuthorization: Bearer h-admin\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    for part in big.as_bytes().chunks(8192) {
        chunked.push_str(&format!(
            "{:x}\r\n{}\r\n",
            part.len(),
            String::from_utf8_lossy(part)
        ));
    }
    chunked.push_str("0\r\n\r\n");
    let r = raw(addr, chunked.as_bytes()).await;
    assert_error(
        "a chunked body over the limit",
        r.status,
        &r.body,
        413,
        "payload_too_large",
    );
    let lying = format!("{head}Content-Length: 99999999999\r\n\r\n{{}}");
    let r = raw(addr, lying.as_bytes()).await;
    assert_error(
        "a huge Content-Length",
        r.status,
        &r.body,
        413,
        "payload_too_large",
    );
    let form = format!(
        "POST /dashboard/sign-in HTTP/1.0\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\ntoken={}",
        6 + 8192,
        "x".repeat(8192)
    );
    let r = raw(addr, form.as_bytes()).await;
    assert_clean("a sign-in form over its limit", r.status, &r.body);
    assert_eq!(r.status, 413, "{}", r.body);

    let deep = "[".repeat(20_000);
    let bodies = [
        ("{", 400),
        ("", 400),
        ("null", 400),
        ("{\"name\": {\"en\": \"\\ud800\"}}", 400),
        ("{\"budget_cents\": 1e999}", 400),
        ("{\"budget_cents\": -1}", 400),
        (deep.as_str(), 400),
    ];
    for (body, want) in bodies {
        let r = request(addr, "PUT", path, Some("h-admin"), Some(body)).await;
        assert_error(
            &format!("body {:.40}", body),
            r.status,
            &r.body,
            want,
            "bad_request",
        );
        let r = request(
            addr,
            "PUT",
            &format!("{path}/targets"),
            Some("h-admin"),
            Some(body),
        )
        .await;
        assert_error(
            &format!("targets body {:.40}", body),
            r.status,
            &r.body,
            want,
            "bad_request",
        );
    }
    let plain = head.replace("application/json", "text/plain") + "Content-Length: 2\r\n\r\n{}";
    let r = raw(addr, plain.as_bytes()).await;
    assert_error(
        "a body that is not JSON",
        r.status,
        &r.body,
        415,
        "unsupported_media_type",
    );
    4 + 2 * bodies.len() + 1
}

/// Path traversal, plain and encoded: a 4xx, never a file; returns how
/// many requests were sent.
async fn traversal(addr: SocketAddr) -> usize {
    let paths = [
        "/api/v1/campaigns/..%2F..%2Fetc%2Fpasswd",
        "/api/v1/campaigns/..%2f..%2f..%2fCargo.toml",
        "/api/v1/campaigns/%2e%2e",
        "/api/v1/campaigns/..",
        "/api/v1/campaigns/%252e%252e%252fetc",
        "/api/v1/campaigns/..%5c..%5cCargo.toml",
        "/api/v1/campaigns/oas-online-2026/..%2F..%2F..%2Fattainment",
        "/assets/../Cargo.toml",
        "/assets/%2e%2e/Cargo.toml",
        "/assets/..%2fCargo.toml",
        "/assets/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/assets/app.css/../../Cargo.toml",
        "/dashboard/campaigns/..%2F..%2Fetc%2Fpasswd",
        "/dashboard/campaigns/%2e%2e%2fCargo.toml",
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "//etc/passwd",
        "/api/v1//campaigns",
        "/api/v1/campaigns/%00",
        "/api/v1/campaigns/oas-online-2026%00.json",
    ];
    for path in paths {
        let r = get_with(addr, path, &[b"Authorization: Bearer h-admin"]).await;
        assert_clean(path, r.status, &r.body);
        assert!(
            (400..500).contains(&r.status),
            "{path}: {} {}",
            r.status,
            r.body
        );
        for file in ["root:", "[package]", "[workspace]"] {
            assert!(!r.body.contains(file), "{path} served a file: {}", r.body);
        }
        if path.starts_with("/api/") {
            let json: Value = serde_json::from_str(&r.body)
                .unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {}", r.body));
            assert!(json["error"]["code"].is_string(), "{path}: {}", r.body);
        }
    }
    // A path far longer than any route.
    let long = format!("/api/v1/campaigns/{}", "a".repeat(70_000));
    let r = get_with(addr, &long, &[b"Authorization: Bearer h-admin"]).await;
    assert!((400..500).contains(&r.status), "a 70 kB path: {}", r.status);
    paths.len() + 1
}

/// Every hostile value in every path and query parameter of every route,
/// as each role; returns how many requests were sent.
async fn injections(addr: SocketAddr) -> usize {
    let values = hostile_values();
    let mut sent = 0;
    for (token, role, _) in ROLES {
        let auth = format!("Authorization: Bearer {token}");
        for (route, params) in ROUTES {
            let mut paths = Vec::new();
            if route.contains("{id}") {
                for v in &values {
                    paths.push((
                        format!("path {v:.30}"),
                        route.replace("{id}", &url_encode(v)),
                    ));
                }
            }
            let base = route.replace("{id}", "oas-online-2026");
            for name in params {
                for v in &values {
                    paths.push((
                        format!("{name}={v:.30}"),
                        format!("{base}?{name}={}", url_encode(v)),
                    ));
                }
            }
            for v in values.iter().take(4) {
                paths.push((
                    format!("parameter {v}"),
                    format!("{base}?{}=1", url_encode(v)),
                ));
            }
            paths.push(("a raw query".into(), format!("{base}?lang=%ZZ&&=&%")));
            for (what, path) in paths {
                let what = format!("{role} {route} {what}");
                let r = get_with(addr, &path, &[auth.as_bytes()]).await;
                sent += 1;
                assert_clean(&what, r.status, &r.body);
                // A sign-in page takes any `next` (it keeps only a safe one).
                let harmless = route == "/dashboard/sign-in" && what.contains("next=");
                if !harmless {
                    assert!(
                        (400..500).contains(&r.status),
                        "{what}: {} {}",
                        r.status,
                        r.body
                    );
                }
                if route.starts_with("/api/") {
                    let json: Value = serde_json::from_str(&r.body)
                        .unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {}", r.body));
                    assert!(json["error"]["code"].is_string(), "{what}: {}", r.body);
                }
            }
        }
    }
    sent
}

/// Clients that dribble a request's head: the server closes them (its
/// header timeout) and serves everyone else meanwhile; returns how many.
async fn slow_clients(addr: SocketAddr) -> usize {
    const SLOW: usize = 20;
    let mut slow = Vec::new();
    for _ in 0..SLOW {
        let mut s = TcpStream::connect(addr).await.expect("connect");
        s.write_all(b"GET /api/v1/campaigns HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .await
            .expect("start the head");
        slow.push(s);
    }
    for _ in 0..3 {
        for s in &mut slow {
            s.write_all(b"a").await.expect("a byte");
        }
        let r = request(addr, "GET", "/api/v1/campaigns", Some("h-exec"), None).await;
        assert_eq!(
            r.status, 200,
            "others are served while slow clients dribble"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    // Keep dribbling a byte every 500 ms until the server hangs up; it
    // must do so long before the head could ever end.
    for (i, mut s) in slow.into_iter().enumerate() {
        let closed = tokio::time::timeout(Duration::from_secs(90), async {
            let mut buf = [0_u8; 512];
            loop {
                if s.write_all(b"a").await.is_err() {
                    return;
                }
                let read = tokio::time::timeout(Duration::from_millis(500), s.read(&mut buf));
                if let Ok(Ok(0) | Err(_)) = read.await {
                    return;
                }
            }
        })
        .await;
        assert!(closed.is_ok(), "slow client {i} was never disconnected");
    }
    SLOW
}
