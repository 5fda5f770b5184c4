//! Router tests of the pages that need no ClickHouse (the store points at
//! a port that refuses): the sign-in flow and its cookie, where a sign-in
//! may return to, the cookie authorizing reads only, rights and bad
//! parameters decided before any read, the error page when the store is
//! down, the assets' caching. Pages with data are tested in
//! tests/integration/dashboard.rs, in Chromium too.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

use super::assets;
use crate::tokens::{Tokens, sha256_hex};
use crate::{AppState, Rules, app};

fn state() -> (AppState, tokio::sync::watch::Sender<bool>) {
    let text = format!(
        "[[token]]\nname = \"ops\"\nsha256 = \"{}\"\nrole = \"admin\"\n\n[[token]]\nname = \"oas-team\"\nsha256 = \"{}\"\nrole = \"manager\"\ncampaigns = [\"oas-online-2026\"]\n",
        sha256_hex("t-admin"),
        sha256_hex("t-oas")
    );
    let settings = cmp_config::Settings::from_vars([("CMP_CLICKHOUSE_URL", "http://127.0.0.1:1")])
        .expect("settings");
    let (stop, shutdown) = cmp_process::Shutdown::new();
    let state = AppState::new(
        cmp_store::Store::new(&settings),
        Rules::from_settings(&settings),
        Tokens::parse(&text).expect("tokens"),
        shutdown,
    );
    (state, stop)
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Answer {
    fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }
}

async fn send(state: &AppState, req: Request<Body>) -> Answer {
    let response = app(state.clone()).oneshot(req).await.expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

fn get(uri: &str, cookie: Option<&str>) -> Request<Body> {
    let mut r = Request::get(uri);
    if let Some(token) = cookie {
        r = r.header(header::COOKIE, format!("other=1; cmp_session={token}"));
    }
    r.body(Body::empty()).expect("request")
}

fn form(uri: &str, body: &str) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .expect("request")
}

#[tokio::test]
async fn pages_without_a_session_send_the_browser_to_sign_in() {
    let (state, _stop) = state();
    for (uri, next) in [
        ("/dashboard", "%2Fdashboard"),
        (
            "/dashboard/portfolio?fiscal_year=2026-27&lang=fr",
            "%2Fdashboard%2Fportfolio%3Ffiscal_year%3D2026-27%26lang%3Dfr",
        ),
        (
            "/dashboard/campaigns/oas-online-2026",
            "%2Fdashboard%2Fcampaigns%2Foas-online-2026",
        ),
    ] {
        for cookie in [None, Some("wrong")] {
            let a = send(&state, get(uri, cookie)).await;
            assert_eq!(a.status, StatusCode::SEE_OTHER, "{uri}");
            let to = a.header(header::LOCATION);
            assert!(to.starts_with("/dashboard/sign-in?lang="), "{to}");
            assert!(to.ends_with(&format!("&next={next}")), "{to}");
        }
    }
    let fr = send(&state, get("/dashboard?lang=fr", None)).await;
    assert!(
        fr.header(header::LOCATION)
            .starts_with("/dashboard/sign-in?lang=fr&")
    );
    let root = send(&state, get("/", None)).await;
    assert_eq!(
        (root.status, root.header(header::LOCATION)),
        (StatusCode::SEE_OTHER, "/dashboard")
    );
}

#[tokio::test]
async fn signing_in_sets_a_strict_http_only_cookie_and_returns_to_the_page() {
    let (state, _stop) = state();
    let page = send(
        &state,
        get(
            "/dashboard/sign-in?lang=fr&next=%2Fdashboard%2Fportfolio",
            None,
        ),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("<html lang=\"fr\">") && page.body.contains("Jeton d'accès"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("name=\"next\" value=\"/dashboard/portfolio\""),
        "{}",
        page.body
    );
    assert!(
        page.header(header::CONTENT_SECURITY_POLICY)
            .contains("script-src 'self'")
    );
    assert_eq!(page.header(header::CACHE_CONTROL), "no-store");

    let ok = send(
        &state,
        form(
            "/dashboard/sign-in",
            "token=t-oas&next=%2Fdashboard%2Fportfolio%3Ffiscal_year%3D2026&lang=fr",
        ),
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(
        ok.header(header::LOCATION),
        "/dashboard/portfolio?fiscal_year=2026&lang=fr"
    );
    let cookie = ok.header(header::SET_COOKIE);
    assert!(cookie.starts_with("cmp_session=t-oas; Path=/;"), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain HTTP: {cookie}");
    let behind_tls = Request::post("/dashboard/sign-in")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("x-forwarded-proto", "https")
        .body(Body::from("token=t-oas"))
        .expect("request");
    assert!(
        send(&state, behind_tls)
            .await
            .header(header::SET_COOKIE)
            .ends_with("; Secure")
    );

    // Only dashboard pages of this site are returned to.
    for next in [
        "https%3A%2F%2Fevil.example%2F",
        "%2F%2Fevil.example",
        "%2Fapi%2Fv1%2Fcampaigns",
    ] {
        let a = send(
            &state,
            form("/dashboard/sign-in", &format!("token=t-admin&next={next}")),
        )
        .await;
        assert_eq!(a.header(header::LOCATION), "/dashboard?lang=en", "{next}");
    }

    let refused = send(
        &state,
        form("/dashboard/sign-in", "token=nope&lang=en&next=%2Fdashboard"),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(refused.headers.get(header::SET_COOKIE).is_none());
    assert!(
        refused.body.contains("role=\"alert\"") && refused.body.contains("aria-invalid=\"true\""),
        "{}",
        refused.body
    );
    assert!(
        !refused.body.contains("nope"),
        "the token typed is never shown back"
    );

    let not_form = Request::post("/dashboard/sign-in")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{\"token\":\"t-admin\"}"))
        .expect("request");
    let a = send(&state, not_form).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.header(header::CONTENT_TYPE).starts_with("text/html"));
    let big = format!("token={}", "x".repeat(super::FORM_LIMIT));
    assert_eq!(
        send(&state, form("/dashboard/sign-in", &big)).await.status,
        StatusCode::PAYLOAD_TOO_LARGE
    );

    let out = send(&state, form("/dashboard/sign-out?lang=fr", "")).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.header(header::LOCATION), "/dashboard/sign-in?lang=fr");
    assert!(out.header(header::SET_COOKIE).contains("Max-Age=0"));
}

#[tokio::test]
async fn the_cookie_authorizes_reads_only() {
    let (state, _stop) = state();
    // A read: the cookie is the token.
    let doc = send(&state, get("/api/v1/openapi.json", Some("t-oas"))).await;
    assert_eq!(doc.status, StatusCode::OK);
    // Rights are the token's: the manager's cookie on another campaign.
    let other = send(
        &state,
        get("/api/v1/campaigns/ei-2026/performance", Some("t-oas")),
    )
    .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    // A change: the cookie counts for nothing, even an admin's.
    for uri in [
        "/api/v1/campaigns/oas-online-2026",
        "/api/v1/campaigns/oas-online-2026/targets",
    ] {
        let put = Request::put(uri)
            .header(header::COOKIE, "cmp_session=t-admin")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("[]"))
            .expect("request");
        assert_eq!(
            send(&state, put).await.status,
            StatusCode::UNAUTHORIZED,
            "{uri}"
        );
    }
    // A bearer header wins over the cookie, even a wrong one.
    let both = Request::get("/api/v1/openapi.json")
        .header(header::COOKIE, "cmp_session=t-admin")
        .header(header::AUTHORIZATION, "Bearer nope")
        .body(Body::empty())
        .expect("request");
    assert_eq!(send(&state, both).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn rights_bad_parameters_and_outages_are_pages() {
    let (state, _stop) = state();
    let forbidden = send(
        &state,
        get("/dashboard/campaigns/ei-2026?lang=fr", Some("t-oas")),
    )
    .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    assert!(
        forbidden
            .body
            .contains("Votre accès ne comprend pas cette page."),
        "{}",
        forbidden.body
    );
    assert!(
        !forbidden.body.contains("<table"),
        "nothing of the campaign is shown"
    );
    #[rustfmt::skip]
    let bad = [
        ("/dashboard/campaigns/oas-online-2026?series=conversions", "series"),
        ("/dashboard/campaigns/oas-online-2026?colour=red", "colour"),
        ("/dashboard/campaigns/Not_A_Slug", "campaign_id"),
        ("/dashboard/portfolio?fiscal_year=2026-28", "fiscal_year"),
        ("/dashboard?lang=de", "lang"),
    ];
    for (uri, parameter) in bad {
        let a = send(&state, get(uri, Some("t-admin"))).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{uri}");
        assert!(
            a.body.contains(&format!(": {parameter}.")),
            "{uri}: {}",
            a.body
        );
        assert!(a.header(header::CONTENT_TYPE).starts_with("text/html"));
    }
    // ClickHouse down: a 503 page that says so in words, and nothing of it.
    let down = send(&state, get("/dashboard", Some("t-admin"))).await;
    assert_eq!(down.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        down.body
            .contains("The data is unavailable for the moment."),
        "{}",
        down.body
    );
    assert!(!down.body.to_lowercase().contains("clickhouse"));
}

#[tokio::test]
async fn assets_are_cached_by_version() {
    let (state, _stop) = state();
    for asset in [&assets::CSS, &assets::JS] {
        let href = asset.href();
        let a = send(&state, get(&href, None)).await;
        assert_eq!(a.status, StatusCode::OK, "{href}");
        assert_eq!(a.body, asset.body());
        assert_eq!(
            a.header(header::CACHE_CONTROL),
            "public, max-age=31536000, immutable"
        );
        let etag = a.header(header::ETAG).to_owned();
        let path = href.split('?').next().unwrap_or_default();
        let plain = send(&state, get(path, None)).await;
        assert_eq!(plain.header(header::CACHE_CONTROL), "no-cache");
        let again = Request::get(path)
            .header(header::IF_NONE_MATCH, &etag)
            .body(Body::empty())
            .expect("request");
        let a = send(&state, again).await;
        assert_eq!((a.status, a.body.as_str()), (StatusCode::NOT_MODIFIED, ""));
    }
    let js = send(&state, get("/assets/app.js", None)).await;
    assert!(
        js.header(header::CONTENT_TYPE)
            .starts_with("text/javascript")
    );
    assert_eq!(js.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff");
}
