//! Types that exist only at the IPC boundary. Everything else the UI sees is a core or
//! store type, serialised as is.

use serde::{Deserialize, Serialize};
use tideline_core::insight::ChannelHop;
use tideline_core::sla::ClockStatus;
use tideline_core::{Case, Customer};

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
    /// Whether a back end is reachable. Always false until sync exists.
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
