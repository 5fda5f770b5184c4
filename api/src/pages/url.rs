//! Addresses the pages link to: a path with parameters (encoded), the same
//! page in the other language, and the only places a sign-in may send the
//! browser back to (pages of this dashboard, never another site).

use axum::http::Uri;
use cmp_kpi::Lang;

/// `path` with the query `pairs`, encoded.
pub fn build(path: &str, pairs: &[(&str, &str)]) -> String {
    if pairs.is_empty() {
        return path.to_owned();
    }
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        q.append_pair(k, v);
    }
    format!("{path}?{}", q.finish())
}

/// `path?lang=…`.
pub fn with_lang(path: &str, lang: Lang) -> String {
    build(path, &[("lang", lang.as_str())])
}

/// The page at `uri` in `lang`: same path, same parameters, `lang` replaced.
pub fn switch_lang(uri: &Uri, lang: Lang) -> String {
    let kept: Vec<(String, String)> =
        form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
            .filter(|(k, _)| k != "lang")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    let mut pairs: Vec<(&str, &str)> = kept.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    pairs.push(("lang", lang.as_str()));
    build(uri.path(), &pairs)
}

/// Where a sign-in may return to: a dashboard page of this site (a path
/// under `/dashboard`, no scheme, host or backslash), else the list.
pub fn safe_next(next: &str) -> &str {
    let local = (next == "/dashboard"
        || next.starts_with("/dashboard/")
        || next.starts_with("/dashboard?"))
        && !next.contains("//")
        && !next.contains('\\')
        && !next.contains("/sign-")
        && next.len() <= 2000
        && next.bytes().all(|b| b.is_ascii_graphic());
    if local { next } else { "/dashboard" }
}

/// The sign-in page that returns to `uri` afterwards.
pub fn sign_in(uri: &Uri, lang: Lang) -> String {
    let next = uri.path_and_query().map_or("/dashboard", |p| p.as_str());
    build(
        "/dashboard/sign-in",
        &[("lang", lang.as_str()), ("next", safe_next(next))],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(s: &str) -> Uri {
        s.parse().expect("uri")
    }

    #[test]
    fn the_language_link_keeps_the_page_and_its_parameters() {
        assert_eq!(
            switch_lang(
                &uri("/dashboard/portfolio?fiscal_year=2026-27&lang=en"),
                Lang::Fr
            ),
            "/dashboard/portfolio?fiscal_year=2026-27&lang=fr"
        );
        assert_eq!(
            switch_lang(&uri("/dashboard"), Lang::Fr),
            "/dashboard?lang=fr"
        );
        assert_eq!(
            switch_lang(
                &uri("/dashboard/campaigns/c-1?series=reach&lang=fr#x"),
                Lang::En
            ),
            "/dashboard/campaigns/c-1?series=reach&lang=en"
        );
        assert_eq!(
            switch_lang(&uri("/dashboard?next=%2Fa%26b%3Dc"), Lang::En),
            "/dashboard?next=%2Fa%26b%3Dc&lang=en"
        );
    }

    #[test]
    fn a_sign_in_only_returns_to_dashboard_pages() {
        for good in [
            "/dashboard",
            "/dashboard?lang=fr",
            "/dashboard/campaigns/c-1?lang=fr",
            "/dashboard/portfolio?fiscal_year=2026",
        ] {
            assert_eq!(safe_next(good), good);
        }
        for bad in [
            "https://evil.example/dashboard",
            "//evil.example/dashboard",
            "/dashboard//evil.example",
            "/dashboard\\@evil",
            "/dashboardx",
            "/api/v1/campaigns",
            "/dashboard/sign-in?next=/dashboard",
            "/dashboard/a b",
            "",
            "javascript:alert(1)",
        ] {
            assert_eq!(safe_next(bad), "/dashboard", "{bad:?}");
        }
        assert_eq!(
            sign_in(&uri("/dashboard/campaigns/c-1?lang=fr"), Lang::Fr),
            "/dashboard/sign-in?lang=fr&next=%2Fdashboard%2Fcampaigns%2Fc-1%3Flang%3Dfr"
        );
    }
}
