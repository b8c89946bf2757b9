//! [`check_server`]: does a URL answer as a Tideline server this console can talk to?
//! Asked before a password is, so a mistyped address, a broken certificate or the wrong
//! service gets its own sentence instead of a failed sign-in.

use super::http::url;
use crate::protocol::{MIN_PROTOCOL, PRODUCT, PROTOCOL, ServerVersion};
use std::error::Error as _;
use std::time::Duration;

const CHECK_TIMEOUT: Duration = Duration::from_secs(8);

/// Why a URL is not a server to sign in to, each in words for the agent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    #[error("`{0}` is not a server address: it starts with http:// or https://")]
    NotAnAddress(String),
    #[error(
        "Nothing answers at {server} ({detail}). Check the address, and that this computer is on the network (or the VPN)."
    )]
    NoAnswer { server: String, detail: String },
    #[error("{server} answered, but its certificate cannot be trusted ({detail}). Do not sign in; ask your IT team.")]
    Certificate { server: String, detail: String },
    #[error("{server} answered, but it is not a Tideline server ({detail}). Check the address.")]
    NotTideline { server: String, detail: String },
    #[error(
        "The server at {server} is too old for this console (it speaks protocol {theirs}; this console needs {MIN_PROTOCOL} or newer). Ask your IT team to update it."
    )]
    ServerTooOld { server: String, theirs: u32 },
    #[error(
        "This console is too old for the server at {server} (it speaks protocol {PROTOCOL}; the server needs {needs} or newer). Update Tideline, or ask your IT team to."
    )]
    ConsoleTooOld { server: String, needs: u32 },
}

/// Reads `{server}/v1/version` and checks that it names Tideline and a protocol both
/// sides speak. With several addresses ([`super::server_list`]), each must be an
/// address, and the first that answers is the one checked. Blocking.
pub fn check_server(server: &str) -> Result<ServerVersion, CheckError> {
    let servers = super::server_list(server);
    if servers.is_empty() {
        return Err(CheckError::NotAnAddress(server.trim().to_string()));
    }
    if let Some(bad) = servers.iter().find(|s| !(s.starts_with("http://") || s.starts_with("https://"))) {
        return Err(CheckError::NotAnAddress(bad.clone()));
    }
    let mut last = None;
    for server in servers {
        let found = super::block_on(async { Ok(fetch(&server).await) })
            .map_err(|e| CheckError::NoAnswer { server: server.clone(), detail: e.to_string() })?;
        match found {
            Ok(v) => return compatible(&server, v),
            Err(e @ CheckError::NoAnswer { .. }) => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.expect("at least one address was tried"))
}

async fn fetch(server: &str) -> Result<ServerVersion, CheckError> {
    let client = reqwest::Client::builder()
        .timeout(CHECK_TIMEOUT)
        .connect_timeout(CHECK_TIMEOUT)
        .build()
        .map_err(|e| CheckError::NoAnswer { server: server.into(), detail: e.to_string() })?;
    let r = client.get(url(server, "version")).header(crate::protocol::PROTOCOL_HEADER, PROTOCOL).send().await;
    let r = r.map_err(|e| unreachable(server, &e))?;
    let not_tideline = |detail: String| CheckError::NotTideline { server: server.into(), detail };
    if !r.status().is_success() {
        return Err(not_tideline(format!("it answered {} to /v1/version", r.status())));
    }
    let bytes = r.bytes().await.map_err(|e| unreachable(server, &e))?;
    let version: ServerVersion = serde_json::from_slice(&bytes)
        .map_err(|_| not_tideline("its answer to /v1/version is not Tideline's".into()))?;
    if version.product != PRODUCT {
        return Err(not_tideline(format!("it says it is `{}`", version.product)));
    }
    Ok(version)
}

/// Both sides must speak a protocol the other accepts.
fn compatible(server: &str, v: ServerVersion) -> Result<ServerVersion, CheckError> {
    if v.protocol < MIN_PROTOCOL {
        return Err(CheckError::ServerTooOld { server: server.into(), theirs: v.protocol });
    }
    if PROTOCOL < v.min_protocol {
        return Err(CheckError::ConsoleTooOld { server: server.into(), needs: v.min_protocol });
    }
    Ok(v)
}

/// A failed request, sorted: a certificate problem is worth its own warning.
fn unreachable(server: &str, e: &reqwest::Error) -> CheckError {
    let mut chain = Vec::new();
    let mut source = e.source();
    while let Some(s) = source {
        chain.push(s.to_string());
        source = s.source();
    }
    if let Some(cert) = chain.iter().find(|s| s.to_ascii_lowercase().contains("certificate")) {
        return CheckError::Certificate { server: server.into(), detail: cert.clone() };
    }
    let detail = if e.is_timeout() {
        "no answer in time".to_string()
    } else if e.is_connect() {
        "connection refused or no route".to_string()
    } else {
        chain.last().cloned().unwrap_or_else(|| e.to_string())
    };
    CheckError::NoAnswer { server: server.into(), detail }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(protocol: u32, min_protocol: u32) -> ServerVersion {
        ServerVersion { product: PRODUCT.into(), version: "9.9.9".into(), protocol, min_protocol }
    }

    #[test]
    fn a_server_must_speak_a_protocol_this_console_accepts_and_accept_this_console() {
        assert!(compatible("s", version(PROTOCOL, MIN_PROTOCOL)).is_ok());
        assert_eq!(
            compatible("s", version(MIN_PROTOCOL - 1, 0)),
            Err(CheckError::ServerTooOld { server: "s".into(), theirs: MIN_PROTOCOL - 1 })
        );
        assert_eq!(
            compatible("s", version(PROTOCOL + 1, PROTOCOL + 1)),
            Err(CheckError::ConsoleTooOld { server: "s".into(), needs: PROTOCOL + 1 })
        );
    }

    #[test]
    fn an_address_without_a_scheme_is_refused_before_any_request() {
        assert_eq!(check_server(" example.org "), Err(CheckError::NotAnAddress("example.org".into())));
        assert_eq!(
            check_server("https://a.example, b.example"),
            Err(CheckError::NotAnAddress("b.example".into())),
            "every address of a list"
        );
    }

    #[test]
    fn a_server_field_may_list_several_instances() {
        let list = crate::client::server_list(" https://a.example/, https://b.example:7420  http://c ");
        assert_eq!(list, ["https://a.example", "https://b.example:7420", "http://c"]);
        assert!(crate::client::server_list(" , ").is_empty());
    }
}
