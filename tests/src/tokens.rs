//! API tokens files for tests: `(token, name, role, campaigns)` rows as the
//! TOML `CMP_API_TOKENS_FILE` holds them (only the SHA-256 of each token).

use cmp_api::tokens::sha256_hex;

/// The tokens file of `tokens`; `campaigns` is a TOML array, for managers.
pub fn tokens_toml(tokens: &[(&str, &str, &str, Option<&str>)]) -> String {
    tokens
        .iter()
        .map(|(token, name, role, campaigns)| {
            let campaigns = campaigns.map_or(String::new(), |c| format!("campaigns = {c}\n"));
            format!(
                "[[token]]\nname = \"{name}\"\nsha256 = \"{}\"\nrole = \"{role}\"\n{campaigns}\n",
                sha256_hex(token)
            )
        })
        .collect()
}
