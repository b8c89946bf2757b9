//! The server's HTTP API, one method per route, and the live socket's address.

use super::{Connection, SyncError};
use crate::protocol::{CustomerRef, ErrorBody, PullResponse, PushRequest, PushResponse, Session, SignIn};
use std::time::Duration;
use tideline_core::CustomerId;

/// A request that has not finished by then is taken as the server being unreachable.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// `{server}/v1/{path}`, whatever slashes the server address ends with.
pub fn url(server: &str, path: &str) -> String {
    format!("{}/v1/{}", server.trim_end_matches('/'), path.trim_start_matches('/'))
}

/// The live WebSocket's address: `ws://` for `http://`, `wss://` for `https://`, with
/// the token in the query (browsers' WebSocket API cannot set headers, so the server
/// reads it there).
pub fn live_url(server: &str, token: &str) -> String {
    let server = server.trim_end_matches('/');
    let server = if let Some(rest) = server.strip_prefix("https://") {
        format!("wss://{rest}")
    } else if let Some(rest) = server.strip_prefix("http://") {
        format!("ws://{rest}")
    } else {
        server.to_string()
    };
    format!("{server}/v1/live?token={}", percent_encode(token))
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub(crate) struct Api {
    client: reqwest::Client,
    pub(crate) conn: Connection,
    /// `conn.server` as a list, and the one in use now.
    servers: Vec<String>,
    current: usize,
}

impl Api {
    pub(crate) fn new(conn: Connection) -> Result<Self, SyncError> {
        // Every request says which protocol this console speaks, so a server that needs a
        // newer one can say so in words.
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(crate::protocol::PROTOCOL_HEADER, crate::protocol::PROTOCOL.into());
        let client = reqwest::Client::builder()
            .default_headers(headers)
            .timeout(REQUEST_TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .build()
            .map_err(|e| SyncError::Offline(format!("cannot set up the network client: {e}")))?;
        let mut servers = super::server_list(&conn.server);
        if servers.is_empty() {
            servers.push(conn.server.clone());
        }
        Ok(Api { client, conn, servers, current: 0 })
    }

    fn url(&self, path: &str) -> String {
        url(self.server(), path)
    }

    /// The address in use now.
    pub(crate) fn server(&self) -> &str {
        &self.servers[self.current % self.servers.len()]
    }

    pub(crate) fn server_count(&self) -> usize {
        self.servers.len()
    }

    /// Moves to the next address (after this one stopped answering); false when there
    /// is no other.
    pub(crate) fn fail_over(&mut self) -> bool {
        if self.servers.len() < 2 {
            return false;
        }
        self.current = (self.current + 1) % self.servers.len();
        true
    }

    fn authed(&self, b: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        b.bearer_auth(&self.conn.token)
    }

    pub(crate) async fn sign_in(&self, body: &SignIn) -> Result<Session, SyncError> {
        let r = self.client.post(self.url("session")).json(body).send().await.map_err(offline)?;
        // A 401 here means a wrong name or password, not an ended session.
        if r.status() == reqwest::StatusCode::UNAUTHORIZED {
            return Err(server_error(r).await);
        }
        json(r).await
    }

    pub(crate) async fn sign_out(&self) -> Result<(), SyncError> {
        let r = self.authed(self.client.delete(self.url("session"))).send().await.map_err(offline)?;
        check(r).await.map(drop)
    }

    pub(crate) async fn push(&self, body: &PushRequest) -> Result<PushResponse, SyncError> {
        let r = self.authed(self.client.post(self.url("push"))).json(body).send().await.map_err(offline)?;
        json(check(r).await?).await
    }

    pub(crate) async fn pull(&self, cursor: i64, limit: usize) -> Result<PullResponse, SyncError> {
        let r = self
            .authed(self.client.get(self.url("pull")))
            .query(&[("cursor", cursor.to_string()), ("limit", limit.to_string())])
            .send()
            .await
            .map_err(offline)?;
        json(check(r).await?).await
    }

    pub(crate) async fn history(&self, id: CustomerId, cursor: i64, limit: usize) -> Result<PullResponse, SyncError> {
        let r = self
            .authed(self.client.get(self.url(&format!("customers/{}/history", id.0))))
            .query(&[("cursor", cursor.to_string()), ("limit", limit.to_string())])
            .send()
            .await
            .map_err(offline)?;
        json(check(r).await?).await
    }

    pub(crate) async fn find(&self, identity: &str) -> Result<Vec<CustomerRef>, SyncError> {
        let r = self
            .authed(self.client.get(self.url("customers")))
            .query(&[("identity", identity)])
            .send()
            .await
            .map_err(offline)?;
        json(check(r).await?).await
    }
}

fn offline(e: reqwest::Error) -> SyncError {
    let what = if e.is_timeout() {
        "no answer in time".to_string()
    } else if e.is_connect() {
        "connection refused or no route".to_string()
    } else {
        e.to_string()
    };
    SyncError::Offline(what)
}

async fn check(r: reqwest::Response) -> Result<reqwest::Response, SyncError> {
    if r.status().is_success() {
        Ok(r)
    } else if r.status() == reqwest::StatusCode::UNAUTHORIZED {
        Err(SyncError::Unauthorized)
    } else {
        Err(server_error(r).await)
    }
}

async fn server_error(r: reqwest::Response) -> SyncError {
    let status = r.status();
    let text = r.text().await.unwrap_or_default();
    match serde_json::from_str::<ErrorBody>(&text) {
        Ok(b) => SyncError::Server { code: b.error.code, message: b.error.message },
        Err(_) => {
            SyncError::Server { code: status.as_u16().to_string(), message: format!("the server answered {status}") }
        }
    }
}

async fn json<T: serde::de::DeserializeOwned>(r: reqwest::Response) -> Result<T, SyncError> {
    let bytes = r.bytes().await.map_err(offline)?;
    serde_json::from_slice(&bytes).map_err(|e| SyncError::Protocol(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_built_from_the_server_address() {
        assert_eq!(url("http://127.0.0.1:7420", "pull"), "http://127.0.0.1:7420/v1/pull");
        assert_eq!(url("http://127.0.0.1:7420/", "/push"), "http://127.0.0.1:7420/v1/push");
        assert_eq!(live_url("http://127.0.0.1:7420/", "abc"), "ws://127.0.0.1:7420/v1/live?token=abc");
        assert_eq!(live_url("https://tide.example", "a+b/c="), "wss://tide.example/v1/live?token=a%2Bb%2Fc%3D");
    }
}
