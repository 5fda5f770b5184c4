//! Bearer tokens and their rights, from the TOML file `CMP_API_TOKENS_FILE`
//! names (contract/API.md, "Tokens and roles"). Only the SHA-256 of each
//! token is stored; a presented token is hashed and compared with every
//! stored hash in constant time, so neither the file nor the timing of a
//! refusal tells anything about a valid token. A file that does not parse
//! or breaks a rule stops the API at start with a message naming the token
//! entry and the field.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Deserialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// What a token may do (contract/API.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Reads and changes its own campaigns and their targets.
    Manager,
    /// Reads every campaign and the portfolio; changes nothing.
    Executive,
    /// Everything, and sees unsuppressed small cells.
    Admin,
}

impl Role {
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Manager => "manager",
            Role::Executive => "executive",
            Role::Admin => "admin",
        }
    }
}

/// The campaigns a manager owns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// `["*"]`.
    All,
    Only(BTreeSet<String>),
}

impl Scope {
    fn covers(&self, campaign_id: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Only(ids) => ids.contains(campaign_id),
        }
    }
}

/// The holder of a valid token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The token's name (the audit log's `token`).
    pub name: String,
    pub role: Role,
    /// Managers only; `All` for the other roles.
    pub scope: Scope,
    /// A manager's or executive's organisation: it reads (and a manager
    /// changes) only the campaigns that organisation owns.
    pub organisation: Option<String>,
}

impl Principal {
    /// Whether the campaign's owner is within the holder's organisation
    /// (always, without one).
    pub fn covers_owner(&self, owner: &str) -> bool {
        self.organisation.as_deref().is_none_or(|o| o == owner)
    }

    /// May read the campaign (its targets, performance, history, live feed),
    /// as far as its id tells (the owner is checked once it is loaded,
    /// [`Principal::covers_owner`]).
    pub fn can_read(&self, campaign_id: &str) -> bool {
        match self.role {
            Role::Admin | Role::Executive => true,
            Role::Manager => self.scope.covers(campaign_id),
        }
    }

    /// May create or change the campaign and its targets.
    pub fn can_write(&self, campaign_id: &str) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Executive => false,
            Role::Manager => self.scope.covers(campaign_id),
        }
    }

    /// Sees small cells unsuppressed.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// The tokens the API accepts.
pub struct Tokens {
    entries: Vec<([u8; 32], Principal)>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.entries.iter().map(|(_, p)| p.name.as_str()).collect();
        f.debug_struct("Tokens").field("names", &names).finish()
    }
}

/// The tokens file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TokensError {
    #[error("cannot read CMP_API_TOKENS_FILE {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("CMP_API_TOKENS_FILE {path}: {reason}")]
    Invalid { path: String, reason: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    token: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: String,
    sha256: String,
    role: String,
    campaigns: Option<Vec<String>>,
    organisation: Option<String>,
}

/// The built-in token of the local demo (`CMP_DEMO=true` without a tokens
/// file): public, so never for production.
pub const DEMO_TOKEN: &str = "demo-admin-token";

/// The SHA-256 of a token, as the tokens file stores it (lower-case hex).
pub fn sha256_hex(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl Tokens {
    /// Reads and checks the tokens file.
    pub fn load(path: &Path) -> Result<Tokens, TokensError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| TokensError::Read {
            path: shown.clone(),
            source,
        })?;
        Tokens::parse(&text).map_err(|reason| TokensError::Invalid {
            path: shown,
            reason,
        })
    }

    /// The demo's one admin token, [`DEMO_TOKEN`].
    pub fn demo() -> Tokens {
        let digest: [u8; 32] = Sha256::digest(DEMO_TOKEN.as_bytes()).into();
        Tokens {
            entries: vec![(
                digest,
                Principal {
                    name: "demo-admin".into(),
                    role: Role::Admin,
                    scope: Scope::All,
                    organisation: None,
                },
            )],
        }
    }

    /// Parses the TOML text; the error names the entry and the rule.
    pub fn parse(text: &str) -> Result<Tokens, String> {
        let file: File = toml::from_str(text).map_err(|e| format!("is not valid: {e}"))?;
        if file.token.is_empty() {
            return Err("defines no [[token]]".into());
        }
        let mut entries: Vec<([u8; 32], Principal)> = Vec::with_capacity(file.token.len());
        for (i, e) in file.token.into_iter().enumerate() {
            let at = format!("token {} ({:?})", i + 1, e.name);
            let fail = |field: &str, rule: &str| format!("{at}: `{field}` {rule}");
            if e.name.trim().is_empty() || e.name.len() > 100 {
                return Err(fail("name", "must be 1-100 characters"));
            }
            if entries.iter().any(|(_, p)| p.name == e.name) {
                return Err(fail("name", "is used by an earlier token"));
            }
            let digest = parse_digest(&e.sha256).ok_or_else(|| {
                fail(
                    "sha256",
                    "must be the 64 hex digits of the token's SHA-256 (e.g. `printf %s TOKEN | sha256sum`)",
                )
            })?;
            if entries.iter().any(|(d, _)| *d == digest) {
                return Err(fail("sha256", "is the hash of an earlier token"));
            }
            let role = match e.role.as_str() {
                "manager" => Role::Manager,
                "executive" => Role::Executive,
                "admin" => Role::Admin,
                _ => return Err(fail("role", "must be manager, executive or admin")),
            };
            let scope = match (role, e.campaigns) {
                (Role::Manager, None) => {
                    return Err(fail(
                        "campaigns",
                        "is required for a manager: the campaign ids it owns, or [\"*\"]",
                    ));
                }
                (Role::Manager, Some(ids)) => scope(&ids).map_err(|r| fail("campaigns", &r))?,
                (_, Some(_)) => {
                    return Err(fail(
                        "campaigns",
                        "is for managers only (executives and admins read every campaign)",
                    ));
                }
                (_, None) => Scope::All,
            };
            let organisation = match (role, e.organisation) {
                (Role::Admin, Some(_)) => {
                    return Err(fail(
                        "organisation",
                        "is for managers and executives only (admins read every organisation's campaigns)",
                    ));
                }
                (_, Some(o)) if !cmp_model::rules::is_slug(&o) => {
                    return Err(fail("organisation", "must be a slug such as `ircc`"));
                }
                (_, o) => o,
            };
            entries.push((
                digest,
                Principal {
                    name: e.name,
                    role,
                    scope,
                    organisation,
                },
            ));
        }
        Ok(Tokens { entries })
    }

    /// The holder of `token`, if any. Every stored hash is compared, in
    /// constant time, whatever matches.
    pub fn authenticate(&self, token: &str) -> Option<&Principal> {
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let mut found = None;
        for (stored, principal) in &self.entries {
            if bool::from(stored.ct_eq(&digest)) {
                found = Some(principal);
            }
        }
        found
    }
}

fn parse_digest(text: &str) -> Option<[u8; 32]> {
    let bytes = hex::decode(text).ok()?;
    bytes.try_into().ok()
}

fn scope(ids: &[String]) -> Result<Scope, String> {
    if ids.is_empty() {
        return Err("must list at least one campaign id, or \"*\"".into());
    }
    if ids.iter().any(|i| i == "*") {
        return if ids.len() == 1 {
            Ok(Scope::All)
        } else {
            Err("must be [\"*\"] alone or a list of campaign ids".into())
        };
    }
    if let Some(bad) = ids.iter().find(|i| !cmp_model::rules::is_slug(i)) {
        return Err(format!("has {bad:?}, which is not a campaign id"));
    }
    Ok(Scope::Only(ids.iter().cloned().collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, token: &str, role: &str, campaigns: Option<&str>) -> String {
        let campaigns = campaigns.map_or(String::new(), |c| format!("campaigns = {c}\n"));
        format!(
            "[[token]]\nname = \"{name}\"\nsha256 = \"{}\"\nrole = \"{role}\"\n{campaigns}",
            sha256_hex(token)
        )
    }

    #[test]
    fn the_contract_example_authenticates_by_hash() {
        let text = [
            entry(
                "oas-team",
                "t-oas",
                "manager",
                Some("[\"oas-online-2026\"]"),
            ),
            entry("adm", "t-adm", "executive", None),
            entry("ops", "t-ops", "admin", None),
            entry("all", "t-all", "manager", Some("[\"*\"]")),
        ]
        .join("\n");
        let tokens = Tokens::parse(&text).expect("valid");
        let oas = tokens.authenticate("t-oas").expect("known");
        assert_eq!((oas.name.as_str(), oas.role), ("oas-team", Role::Manager));
        assert!(oas.can_read("oas-online-2026") && oas.can_write("oas-online-2026"));
        assert!(!oas.can_read("ei-2026") && !oas.can_write("ei-2026"));
        let adm = tokens.authenticate("t-adm").expect("known");
        assert!(adm.can_read("ei-2026") && !adm.can_write("ei-2026") && !adm.is_admin());
        let ops = tokens.authenticate("t-ops").expect("known");
        assert!(ops.can_write("anything") && ops.is_admin());
        let all = tokens.authenticate("t-all").expect("known");
        assert!(all.can_write("new-campaign") && !all.is_admin());
        for unknown in ["", "t-oa", "t-oas ", "T-OAS", &sha256_hex("t-oas")] {
            assert!(tokens.authenticate(unknown).is_none(), "{unknown:?}");
        }
        // Upper-case hex is the same hash.
        let upper = entry("u", "t-u", "admin", None)
            .replace(&sha256_hex("t-u"), &sha256_hex("t-u").to_uppercase());
        assert!(
            Tokens::parse(&upper)
                .expect("valid")
                .authenticate("t-u")
                .is_some()
        );
        let shown = format!("{tokens:?}");
        assert!(!shown.contains(&sha256_hex("t-oas")), "{shown}");
    }

    #[test]
    fn invalid_files_name_the_problem() {
        let good = entry("a", "t", "admin", None);
        #[rustfmt::skip]
        let table: Vec<(String, &str)> = vec![
            (String::new(), "defines no [[token]]"),
            ("[[token]]\nname = \"a\"\n".into(), "missing field `sha256`"),
            ("not toml at all [".into(), "is not valid"),
            (good.replace("admin", "root"), "`role` must be manager, executive or admin"),
            (good.replace(&sha256_hex("t"), "9f86d0"), "`sha256` must be the 64 hex digits"),
            (good.replace(&sha256_hex("t"), &"z".repeat(64)), "`sha256`"),
            (good.replace("name = \"a\"", "name = \"\""), "`name` must be 1-100"),
            (format!("{good}\nextra = 1\n"), "unknown field `extra`"),
            (entry("m", "t", "manager", None), "`campaigns` is required for a manager"),
            (entry("m", "t", "manager", Some("[]")), "at least one campaign"),
            (entry("m", "t", "manager", Some("[\"*\", \"x\"]")), "alone"),
            (entry("m", "t", "manager", Some("[\"Bad Id\"]")), "\"Bad Id\""),
            (entry("e", "t", "executive", Some("[\"x\"]")), "for managers only"),
            (format!("{good}\n{}", entry("a", "u", "admin", None)), "token 2 (\"a\"): `name` is used"),
            (format!("{good}\n{}", entry("b", "t", "admin", None)), "token 2 (\"b\"): `sha256` is the hash of an earlier token"),
            (format!("{good}organisation = \"ircc\"\n"), "`organisation` is for managers and executives only"),
            (format!("{}organisation = \"IRCC\"\n", entry("e", "t", "executive", None)), "`organisation` must be a slug"),
        ];
        for (text, want) in table {
            let err = Tokens::parse(&text)
                .err()
                .unwrap_or_else(|| panic!("accepted: {text}"));
            assert!(err.contains(want), "{err} (wanted {want})");
        }
    }

    #[test]
    fn an_organisation_narrows_to_its_own_campaigns() {
        let text = format!(
            "{}organisation = \"ircc\"\n\n{}organisation = \"ircc\"\n",
            entry("ircc-adm", "t-e", "executive", None),
            entry("ircc-team", "t-m", "manager", Some("[\"*\"]"))
        );
        let tokens = Tokens::parse(&text).expect("valid");
        for t in ["t-e", "t-m"] {
            let p = tokens.authenticate(t).expect("known");
            assert!(p.covers_owner("ircc") && !p.covers_owner("esdc"), "{t}");
        }
        let plain = Tokens::parse(&entry("adm", "t", "executive", None)).expect("valid");
        assert!(plain.authenticate("t").expect("known").covers_owner("esdc"));
    }

    #[test]
    fn load_names_the_file() {
        let err = Tokens::load(Path::new("/nonexistent/tokens.toml")).expect_err("missing");
        assert!(
            err.to_string()
                .starts_with("cannot read CMP_API_TOKENS_FILE /nonexistent/tokens.toml")
        );
        assert!(
            Tokens::demo()
                .authenticate(DEMO_TOKEN)
                .is_some_and(Principal::is_admin)
        );
    }
}
