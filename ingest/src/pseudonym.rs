//! Pseudonymisation of `client_id`: HMAC-SHA-256 under the configured key,
//! so the clear identifier never leaves this process, while the same client
//! still counts once toward reach.

use cmp_config::Secret;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The keyed hash, ready to apply.
#[derive(Clone)]
pub struct Pseudonymiser {
    /// Keyed state cloned per use (cheaper than re-keying).
    keyed: Hmac<Sha256>,
}

impl std::fmt::Debug for Pseudonymiser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pseudonymiser([redacted])")
    }
}

impl Pseudonymiser {
    pub fn new(key: &Secret) -> Self {
        // HMAC accepts keys of any length, so this cannot fail.
        let keyed = <Hmac<Sha256> as Mac>::new_from_slice(key.expose().as_bytes())
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        Self { keyed }
    }

    /// Lower-case hex of HMAC-SHA-256(key, client_id).
    pub fn pseudonym(&self, client_id: &str) -> String {
        let mut mac = self.keyed.clone();
        mac.update(client_id.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_rfc4231_test_case_2() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let p = Pseudonymiser::new(&Secret::new("Jefe"));
        assert_eq!(
            p.pseudonym("what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn depends_on_the_key_and_never_shows_it() {
        let a = Pseudonymiser::new(&Secret::new("key-a"));
        let b = Pseudonymiser::new(&Secret::new("key-b"));
        assert_ne!(a.pseudonym("ga:1"), b.pseudonym("ga:1"));
        assert_eq!(a.pseudonym("ga:1"), a.pseudonym("ga:1"));
        assert!(!format!("{a:?}").contains("key-a"));
    }
}
