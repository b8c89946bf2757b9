//! Types that exist only at the IPC boundary. Everything else the UI sees is a core or
//! store type, serialised as is.

use serde::{Deserialize, Serialize};
use tideline_core::insight::ChannelHop;
use tideline_core::sla::ClockStatus;
use tideline_core::{Case, CaseId, Customer, CustomerId};
use tideline_sync::protocol::{PresenceEntry, Role, UserInfo};

/// The one error shape the UI receives: a sentence for the agent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ApiError {
    pub message: String,
}

impl ApiError {
    pub fn new(message: impl Into<String>) -> Self {
        ApiError { message: message.into() }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}

impl From<tideline_store::StoreError> for ApiError {
    fn from(e: tideline_store::StoreError) -> Self {
        ApiError::new(e.to_string())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct AppStatus {
    /// Whether the server is reachable (the live connection is up). Never in the demo.
    pub online: bool,
    /// Local changes waiting to be sent.
    pub pending: i64,
    pub user: String,
    /// Running on the local demo data, with no back end configured.
    pub demo: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ClosureCode {
    pub code: String,
    pub label: String,
}

/// Lists the UI offers in pickers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ReferenceData {
    pub closure_codes: Vec<ClosureCode>,
    pub agents: Vec<String>,
    pub queues: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct CaseSummary {
    pub case: Case,
    /// As of the moment of the call; the UI ticks them on from `due_at`.
    pub clocks: Vec<ClockStatus>,
    /// The case's server version in the cache when this was read (`None` before its
    /// first sync, and in the demo). Sent back as the `basis` of an action, and to
    /// `traffic_check`.
    pub version: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct CustomerOverview {
    pub customer: Customer,
    /// Newest first.
    pub cases: Vec<CaseSummary>,
    pub hops: Vec<ChannelHop>,
    /// Touchpoints on record, all channels.
    pub touchpoints: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum SessionMode {
    /// Local demo data, no server.
    Demo,
    SignedIn,
    /// The sign-in screen.
    SignedOut,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct SessionInfo {
    pub mode: SessionMode,
    /// The server signed in to.
    pub server: Option<String>,
    pub user: Option<UserInfo>,
    pub role: Option<Role>,
    /// What the sign-in form starts with: the last server and username (never a secret).
    pub last_server: Option<String>,
    pub last_username: Option<String>,
    /// The server this machine's IT team configured: sign-in goes there, unasked.
    pub configured_server: Option<String>,
    /// Why the console is signed out when the agent did not choose it (the session
    /// ended, no keyring, automatic sign-in failed).
    pub message: Option<String>,
}

/// A server that answered as Tideline (`check_server`): where, and which release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ServerCheck {
    pub server: String,
    pub version: String,
}

/// The view a reply is written against: the case's version and when it was loaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct TrafficSince {
    pub version: Option<i64>,
    #[ts(type = "string")]
    pub at: jiff::Timestamp,
}

/// `sync:changed`: refresh what shows these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ChangedEvent {
    pub cases: Vec<CaseId>,
    pub customers: Vec<CustomerId>,
    /// Too much changed to list (a first sync): refresh everything on screen.
    pub everything: bool,
}

impl ChangedEvent {
    /// Ids listed in one event at most (about 60 KB of JSON, the IPC budget).
    pub const MAX_IDS: usize = 5_000;

    pub fn new(cases: Vec<CaseId>, customers: Vec<CustomerId>) -> Self {
        if cases.len() + customers.len() > Self::MAX_IDS {
            ChangedEvent { cases: Vec::new(), customers: Vec::new(), everything: true }
        } else {
            ChangedEvent { cases, customers, everything: false }
        }
    }
}

/// `sync:presence`: everyone else on the case now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct PresenceEvent {
    pub case_id: CaseId,
    pub people: Vec<PresenceEntry>,
}

/// `sync:signed_out`: the server ended the session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct SignedOutEvent {
    pub message: String,
}
