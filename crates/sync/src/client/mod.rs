//! The console's sync engine (feature `client`).
//!
//! - [`check_server`]: is this URL a Tideline server we can talk to? Blocking.
//! - [`sign_in`] / [`sign_out`]: a session with `tideline serve`, blocking.
//! - [`SyncEngine`]: runs on its own thread with its own (current-thread) tokio runtime
//!   and its own [`tideline_store::Store`]. It keeps the live WebSocket open, and on
//!   connect, on every poke and on [`SyncEngine::sync_now`] it pushes the outbox, settles
//!   the answers, pulls the change log and rebases the cache. Offline, it retries with
//!   exponential backoff; the outbox keeps everything meanwhile.
//!
//! The engine never holds the store for longer than one transaction, so the console's
//! own connection to the same file keeps working (WAL and `busy_timeout`).

mod backoff;
mod check;
mod convert;
mod engine;
mod http;

pub use backoff::Backoff;
pub use check::{CheckError, check_server};
pub use engine::SyncEngine;
pub use http::{live_url, url};

use crate::protocol;
use tideline_core::{CaseId, CustomerId};

/// Where the server is and who we are to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    /// The server's base address, e.g. `http://127.0.0.1:7420`; or several instances of
    /// one back end separated by commas or spaces, in order of preference (see
    /// [`server_list`]).
    pub server: String,
    /// The bearer token from [`sign_in`].
    pub token: String,
}

/// The addresses in a server field: one, or several instances of the same back end
/// (`https://a.example, https://b.example`), each without a trailing slash. A session
/// is valid on every instance, so the engine moves to the next address when one stops
/// answering, and sign-in takes the first that answers.
pub fn server_list(server: &str) -> Vec<String> {
    server
        .split(|c: char| c == ',' || c.is_whitespace())
        .map(|s| s.trim().trim_end_matches('/'))
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// What the console shows about sync.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncStatus {
    /// The live connection to the server is up.
    pub online: bool,
    /// Local changes not yet answered by the server.
    pub pending: i64,
    /// The last thing that went wrong, in plain words; `None` once a cycle succeeds.
    pub last_error: Option<String>,
    /// The change-log position the cache is pulled up to.
    pub cursor: i64,
    /// The first full pull has finished: the cache holds the agent's whole scope.
    pub initial_sync_done: bool,
}

/// What the engine tells the console. Delivered on the engine's thread: keep the
/// handler short (forward it to the UI).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncEvent {
    Status(SyncStatus),
    /// These cases and customers changed in the cache: refresh what shows them.
    Changed {
        cases: Vec<CaseId>,
        customers: Vec<CustomerId>,
    },
    /// This many new notices were stored (read them with `Store::unseen_notices`).
    Notices(usize),
    /// Who else has this case open now.
    Presence {
        case_id: CaseId,
        people: Vec<protocol::PresenceEntry>,
    },
    /// The server answered 401: the token was revoked or has expired. The engine has
    /// stopped; sign in again.
    SignedOut,
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("cannot reach the server ({0}); your changes are kept and will be sent when it is back")]
    Offline(String),
    #[error("your session has ended; sign in again")]
    Unauthorized,
    #[error("{message}")]
    Server { code: String, message: String },
    #[error("the server sent a reply this console does not understand: {0}")]
    Protocol(String),
    #[error("sync has stopped")]
    Stopped,
    #[error(transparent)]
    Store(#[from] tideline_store::StoreError),
}

impl SyncError {
    /// The server could not be reached (as opposed to answering with an error).
    pub fn is_offline(&self) -> bool {
        matches!(self, SyncError::Offline(_))
    }
}

/// Signs in with a username and password. Blocking.
/// With several addresses, the first that answers signs the user in.
pub fn sign_in(server: &str, username: &str, password: &str) -> Result<protocol::Session, SyncError> {
    let mut api = http::Api::new(Connection { server: server.to_string(), token: String::new() })?;
    let sign_in = protocol::SignIn { username: username.to_string(), password: password.to_string() };
    let mut result = block_on(api.sign_in(&sign_in));
    for _ in 1..api.server_count() {
        if !matches!(&result, Err(e) if e.is_offline()) {
            break;
        }
        api.fail_over();
        result = block_on(api.sign_in(&sign_in));
    }
    result
}

/// Revokes the session's token. Blocking. Succeeds if it was revoked already.
pub fn sign_out(conn: &Connection) -> Result<(), SyncError> {
    let api = http::Api::new(conn.clone())?;
    match block_on(api.sign_out()) {
        Ok(()) | Err(SyncError::Unauthorized) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Runs a future to completion on a small current-thread runtime of its own, on a
/// thread of its own, so that it works whether or not the caller is inside a runtime.
fn block_on<T: Send>(fut: impl std::future::Future<Output = Result<T, SyncError>> + Send) -> Result<T, SyncError> {
    std::thread::scope(|s| {
        s.spawn(|| {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| SyncError::Offline(format!("cannot start the network runtime: {e}")))?;
            rt.block_on(fut)
        })
        .join()
        .unwrap_or(Err(SyncError::Stopped))
    })
}
