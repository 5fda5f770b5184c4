//! What a test's `cmp-api` needs besides the services: an address to serve
//! on, a tokens file (removed when the test ends) and the variables naming
//! both; and a wait until it answers.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::{free_addr, http_get, wait_until};

/// The address, tokens file and variables of one test's API.
#[derive(Debug)]
pub struct ApiEnv {
    pub addr: SocketAddr,
    pub vars: Vec<(String, String)>,
    tokens_file: PathBuf,
}

impl ApiEnv {
    /// `vars` with `CMP_API_ADDR` set to a free address and
    /// `CMP_API_TOKENS_FILE` to a file of `tokens` (see
    /// [`crate::tokens::tokens_toml`]) written for `test`.
    pub fn new(test: &str, vars: &[(String, String)], tokens: &str) -> Self {
        let tokens_file =
            std::env::temp_dir().join(format!("cmp-{test}-{}.toml", std::process::id()));
        std::fs::write(&tokens_file, tokens).expect("tokens file");
        let addr = free_addr();
        let mut vars: Vec<_> = vars
            .iter()
            .filter(|(k, _)| k != "CMP_API_ADDR" && k != "CMP_API_TOKENS_FILE")
            .cloned()
            .collect();
        vars.push(("CMP_API_ADDR".into(), addr.to_string()));
        vars.push((
            "CMP_API_TOKENS_FILE".into(),
            tokens_file.display().to_string(),
        ));
        ApiEnv {
            addr,
            vars,
            tokens_file,
        }
    }

    /// Returns once the API at this address answers /healthz with 200.
    pub async fn wait_until_answering(&self) {
        wait_until("the API answers", Duration::from_secs(30), || async {
            match http_get(self.addr, "/healthz").await {
                Some((200, _)) => Ok(()),
                other => Err(format!("{other:?}")),
            }
        })
        .await;
    }
}

impl Drop for ApiEnv {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.tokens_file);
    }
}
