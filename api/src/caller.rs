//! The caller of an `/api/` route: the holder of the bearer token in
//! `Authorization`, or a `401`. Rights are checked by the data functions
//! with [`Caller::read`] and [`Caller::write`] (by campaign id, before
//! anything is read) and [`Caller::owns`] (the organisation that owns a
//! loaded campaign), which give the `403`s.
//! Without an `Authorization` header, a `GET` or `HEAD` may carry the
//! token in the dashboard's session cookie ([`crate::session`]); nothing
//! else may, so a cookie never authorizes a change.

use std::sync::Arc;

use axum::extract::{FromRef, FromRequestParts};
use axum::http::Method;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use crate::error::ApiError;
use crate::session;
use crate::tokens::{Principal, Role, Tokens};

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller(pub Principal);

impl Caller {
    /// `403` unless the caller may read the campaign.
    pub fn read(&self, campaign_id: &str) -> Result<(), ApiError> {
        if self.0.can_read(campaign_id) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "token `{}` may not read campaign `{campaign_id}`",
                self.0.name
            )))
        }
    }

    /// `403` unless the caller may change the campaign.
    pub fn write(&self, campaign_id: &str) -> Result<(), ApiError> {
        if self.0.can_write(campaign_id) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "token `{}` ({}) may not change campaign `{campaign_id}`",
                self.0.name,
                self.0.role.as_str()
            )))
        }
    }

    /// Sees small cells unsuppressed.
    pub fn is_admin(&self) -> bool {
        self.0.is_admin()
    }

    /// `403` unless the campaign's owner is the caller's organisation (any
    /// owner for a caller without one).
    pub fn owns(&self, c: &cmp_store::Campaign) -> Result<(), ApiError> {
        if self.0.covers_owner(&c.owner) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "token `{}` reads and changes only campaigns of organisation `{}`",
                self.0.name,
                self.0.organisation.as_deref().unwrap_or_default()
            )))
        }
    }

    /// Reads every campaign and program by role (admins, executives without
    /// an organisation), whatever campaigns a manager's list names.
    pub fn reads_everything(&self) -> bool {
        matches!(self.0.role, Role::Admin | Role::Executive) && self.0.organisation.is_none()
    }

    /// One audit line for a change: who, with which role, did what to which
    /// campaign. Never the token itself.
    pub fn audit(&self, action: &'static str, campaign_id: &str) {
        tracing::info!(
            target: "cmp_api::audit",
            token = %self.0.name,
            role = self.0.role.as_str(),
            action,
            campaign = campaign_id,
            "audit"
        );
    }

    /// The audit line of a change to a program (its unit costs).
    pub fn audit_program(&self, action: &'static str, program: &str) {
        tracing::info!(
            target: "cmp_api::audit",
            token = %self.0.name,
            role = self.0.role.as_str(),
            action,
            program,
            "audit"
        );
    }
}

/// From any state that hands out the tokens (`FromRef`), so this module
/// needs nothing of the handlers' state.
impl<S> FromRequestParts<S> for Caller
where
    S: Send + Sync,
    Arc<Tokens>: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        authenticate(parts, &Arc::<Tokens>::from_ref(state)).ok_or(ApiError::Unauthorized)
    }
}

/// The holder of the request's bearer token (one `Authorization` header
/// only) or, on a `GET` or `HEAD` without one, of its session cookie's token.
pub fn authenticate(parts: &Parts, tokens: &Tokens) -> Option<Caller> {
    let mut given = parts.headers.get_all(AUTHORIZATION).iter();
    let token = match (given.next(), given.next()) {
        // Two headers are ambiguous: neither is believed.
        (Some(_), Some(_)) => return None,
        (Some(v), None) => bearer(v.to_str().ok()?)?,
        (None, _) if matches!(parts.method, Method::GET | Method::HEAD) => {
            session::token(&parts.headers)?
        }
        (None, _) => return None,
    };
    tokens.authenticate(token).cloned().map(Caller)
}

/// The token of an `Authorization` value of the `Bearer` scheme, whose
/// name is case-insensitive (RFC 7235 §2.1).
fn bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::bearer;

    #[test]
    fn the_bearer_scheme_is_case_insensitive_and_the_token_is_not_empty() {
        assert_eq!(bearer("Bearer t-1"), Some("t-1"));
        assert_eq!(bearer("bearer t-1"), Some("t-1"));
        assert_eq!(bearer("BEARER  t-1 "), Some("t-1"));
        assert_eq!(bearer("Basic dDox"), None);
        assert_eq!(bearer("Bearer "), None);
        assert_eq!(bearer("Bearer"), None);
        assert_eq!(bearer("Bearert-1"), None);
    }
}
