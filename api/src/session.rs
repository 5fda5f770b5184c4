//! The dashboard's session cookie. A browser cannot send a bearer header
//! when it follows a link, so the sign-in page stores the token the person
//! typed in an `HttpOnly`, `SameSite=Strict` cookie, and [`crate::caller`]
//! accepts it as the token, checked exactly like a bearer token on every
//! request (the tokens file stays the only authority: a token removed from
//! it stops working at the next start). The cookie is accepted on `GET`
//! and `HEAD` only, so it can never authorize a change, and `SameSite`
//! keeps other sites from sending it at all: no cross-site request can act
//! with it.

use axum::http::header::COOKIE;
use axum::http::{HeaderMap, HeaderValue};

/// The cookie's name.
pub const COOKIE_NAME: &str = "cmp_session";

/// How long a sign-in lasts (a working day), in seconds.
pub const MAX_AGE_SECS: u64 = 8 * 60 * 60;

/// The token in the request's session cookie, if any.
pub fn token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.trim_matches('"'))
        .filter(|v| !v.is_empty())
}

/// Whether a token can travel in a cookie value unchanged (RFC 6265
/// cookie-octets: visible ASCII but `"` `,` `;` `\`). Other tokens can only
/// be used as bearer tokens.
pub fn storable(token: &str) -> bool {
    !token.is_empty()
        && token.len() <= 512
        && token
            .bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b'"' | b',' | b';' | b'\\'))
}

/// The `Set-Cookie` value that signs the browser in (`token` must be
/// [`storable`]). `Secure` is set when the page was reached over HTTPS
/// (`secure`); browsers also keep it on `http://localhost`.
pub fn set(token: &str, secure: bool) -> Option<HeaderValue> {
    if !storable(token) {
        return None;
    }
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE_NAME}={token}; Path=/; Max-Age={MAX_AGE_SECS}; HttpOnly; SameSite=Strict{secure}"
    ))
    .ok()
}

/// The `Set-Cookie` value that signs the browser out.
pub fn clear() -> HeaderValue {
    HeaderValue::from_static("cmp_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(cookies: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for c in cookies {
            h.append(COOKIE, HeaderValue::from_str(c).expect("value"));
        }
        h
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        assert_eq!(token(&headers(&["a=1; cmp_session=t-1; b=2"])), Some("t-1"));
        assert_eq!(
            token(&headers(&["a=1", "cmp_session=\"t-2\""])),
            Some("t-2")
        );
        assert_eq!(token(&headers(&["cmp_sessionx=t; xcmp_session=t"])), None);
        assert_eq!(token(&headers(&["cmp_session="])), None);
        assert_eq!(token(&headers(&[])), None);
    }

    #[test]
    fn the_cookie_is_http_only_and_strict() {
        let v = set("demo-admin-token", false).expect("storable");
        let v = v.to_str().expect("ascii");
        assert!(
            v.starts_with("cmp_session=demo-admin-token; Path=/;"),
            "{v}"
        );
        assert!(
            v.contains("HttpOnly") && v.contains("SameSite=Strict"),
            "{v}"
        );
        assert!(!v.contains("Secure"));
        assert!(set("t", true).is_some_and(|v| v.to_str().is_ok_and(|s| s.ends_with("; Secure"))));
        for bad in ["", "a b", "a;b", "a\"b", "é", &"x".repeat(513)] {
            assert!(set(bad, false).is_none(), "{bad:?}");
        }
        assert!(clear().to_str().is_ok_and(|s| s.contains("Max-Age=0")));
    }
}
