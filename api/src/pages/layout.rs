//! The frame of every page: `<html lang>`, the stylesheet and the script,
//! a skip link, the header with the site's name, the navigation, the link
//! to the same page in the other language and the sign-out button, one
//! `<main>` holding the page's `<h1>` and body, and a footer. Also the
//! status icons, drawn once per page and used by each status badge.

use axum::http::Uri;
use cmp_kpi::{Disclosure, Lang};
use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::assets;
use super::url;
use super::words::{fill, t};
use crate::caller::Caller;

/// Which navigation entry the page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Campaigns,
    Portfolio,
    Offices,
    None,
}

/// What the frame needs to know of the page.
#[derive(Debug)]
pub struct Shell<'a> {
    pub lang: Lang,
    /// The page's address (the language link keeps its path and parameters).
    pub uri: &'a Uri,
    /// The `<h1>`, also the start of the `<title>`.
    pub title: &'a str,
    /// The signed-in viewer (none on the sign-in page).
    pub viewer: Option<&'a Caller>,
    pub nav: Nav,
    /// What non-admins see of client counts (said in the footer).
    pub disclosure: Disclosure,
}

/// A whole page around `main`.
pub fn page(s: &Shell, main: Markup) -> Markup {
    let lang = s.lang;
    let other = match lang {
        Lang::En => Lang::Fr,
        Lang::Fr => Lang::En,
    };
    let current = |n: Nav| (s.nav == n).then_some("page");
    html! {
        (DOCTYPE)
        html lang=(lang.as_str()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (s.title) " — " (t("site_title", lang)) }
                link rel="stylesheet" href=(assets::CSS.href());
                script src=(assets::JS.href()) defer {}
            }
            body {
                a.skip href="#main" { (t("skip_to_content", lang)) }
                header.site {
                    div.bar {
                        a.brand href=(url::with_lang("/dashboard", lang)) { (t("site_title", lang)) }
                        nav aria-label=(t("nav_label", lang)) {
                            ul {
                                @if s.viewer.is_some() {
                                    li { a href=(url::with_lang("/dashboard", lang)) aria-current=[current(Nav::Campaigns)] { (t("campaigns", lang)) } }
                                    li { a href=(url::with_lang("/dashboard/portfolio", lang)) aria-current=[current(Nav::Portfolio)] { (t("portfolio", lang)) } }
                                    li { a href=(url::with_lang("/dashboard/offices", lang)) aria-current=[current(Nav::Offices)] { (t("offices", lang)) } }
                                }
                                li { a href=(url::switch_lang(s.uri, other)) lang=(other.as_str()) hreflang=(other.as_str()) { (t("other_language", lang)) } }
                            }
                        }
                        @if let Some(v) = s.viewer {
                            form.signout method="post" action=(url::with_lang("/dashboard/sign-out", lang)) {
                                span { (fill("signed_in_as", lang, &[&v.0.name])) }
                                " "
                                button type="submit" { (t("sign_out", lang)) }
                            }
                        }
                    }
                }
                main #main tabindex="-1" {
                    h1 { (s.title) }
                    (main)
                }
                footer.site {
                    p { (fill("small_cells", lang, &[&s.disclosure.k().to_string()])) }
                    @if s.viewer.is_some_and(|c| !c.is_admin()) && s.disclosure.base() > 1 {
                        p { (fill("rounded_counts", lang, &[&s.disclosure.base().to_string()])) }
                    }
                }
                (ICONS)
            }
        }
    }
}

/// The status icons (shapes differ, so colour is never the only cue; the
/// badge's text says the status).
const ICONS: PreEscaped<&str> = PreEscaped(concat!(
    r##"<svg class="sprite" aria-hidden="true" focusable="false"><defs>"##,
    r##"<symbol id="i-met" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7.5" fill="currentColor"/><path d="M4.2 8.3l2.6 2.6 5-5.2" fill="none" stroke="#fff" stroke-width="2"/></symbol>"##,
    r##"<symbol id="i-on_track" viewBox="0 0 16 16"><circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" stroke-width="2"/><path d="M4.6 8.3l2.3 2.3 4.5-4.7" fill="none" stroke="currentColor" stroke-width="2"/></symbol>"##,
    r##"<symbol id="i-at_risk" viewBox="0 0 16 16"><path d="M8 .8L15.6 15H.4z" fill="currentColor"/><path d="M8 5.5v4.5M8 11.5v2" stroke="#fff" stroke-width="2"/></symbol>"##,
    r##"<symbol id="i-off_track" viewBox="0 0 16 16"><path d="M5 .5h6L15.5 5v6L11 15.5H5L.5 11V5z" fill="currentColor"/><path d="M5 5l6 6M11 5l-6 6" stroke="#fff" stroke-width="2"/></symbol>"##,
    r##"<symbol id="i-not_met" viewBox="0 0 16 16"><rect x=".5" y=".5" width="15" height="15" rx="2" fill="currentColor"/><path d="M5 5l6 6M11 5l-6 6" stroke="#fff" stroke-width="2"/></symbol>"##,
    r##"<symbol id="i-not_started" viewBox="0 0 16 16"><circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" stroke-width="2"/><path d="M8 4v4.5l3 2" fill="none" stroke="currentColor" stroke-width="2"/></symbol>"##,
    r##"</defs></svg>"##
));
