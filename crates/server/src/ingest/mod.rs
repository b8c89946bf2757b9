//! Intake: one path for every channel.
//!
//! 1. A webhook handler (`http::webhooks`) verifies the provider's signature over the
//!    raw bytes and parses the body into typed values (`tideline-channels`).
//! 2. [`acceptor`] stores the raw event in `inbox`, keyed by (channel, provider event
//!    id), many events to a commit; only then does the provider get its 2xx. A retry of the same event hits the
//!    key and changes nothing, so from that 2xx on the event cannot be lost.
//! 3. [`worker`] drains the inbox in batches on any number of instances
//!    (`FOR UPDATE SKIP LOCKED`): [`parse`] re-reads the stored bytes, [`contact`]
//!    matches, threads, routes and writes the touchpoint, case events and change rows
//!    in the batch's transaction; [`batch`] does that for all of a batch's new
//!    contacts with one statement per table.
//! 4. An event that cannot be processed is kept as `failed` with its reason; admins
//!    list and replay them ([`failed`], [`retry`]).

pub mod acceptor;
pub mod batch;
pub mod channel_cache;
pub mod contact;
pub mod import;
pub mod parse;
pub mod worker;

use crate::error::ServerError;
use jiff::Timestamp;
use std::time::SystemTime;
use tokio_postgres::GenericClient;

/// Whether an event was new.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepted {
    Stored,
    /// The provider sent it before: nothing changed.
    Duplicate,
}

/// Stores a verified event durably (the caller answers 2xx only after this returns).
/// Webhooks go through [`acceptor::Acceptor`], which stores many in one commit.
pub async fn accept<C: GenericClient>(
    client: &C,
    tenant: &str,
    channel: &str,
    kind: &str,
    event_id: &str,
    payload: &[u8],
) -> Result<Accepted, ServerError> {
    let n = client
        .execute(
            "INSERT INTO inbox (tenant_id, channel, kind, event_id, payload) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (tenant_id, channel, event_id) DO NOTHING",
            &[&tenant, &channel, &kind, &event_id, &payload],
        )
        .await?;
    Ok(if n == 1 { Accepted::Stored } else { Accepted::Duplicate })
}

/// An event that could not be processed.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FailedEvent {
    pub id: i64,
    pub channel: String,
    pub kind: String,
    pub event_id: String,
    pub received_at: Timestamp,
    pub attempts: i32,
    pub error: String,
}

pub async fn failed<C: GenericClient>(client: &C, tenant: &str) -> Result<Vec<FailedEvent>, ServerError> {
    let rows = client
        .query(
            "SELECT id, channel, kind, event_id, received_at, attempts, coalesce(error, '') FROM inbox
             WHERE tenant_id = $1 AND state = 'failed' ORDER BY id",
            &[&tenant],
        )
        .await?;
    rows.iter()
        .map(|r| {
            let at: SystemTime = r.get(4);
            Ok(FailedEvent {
                id: r.get(0),
                channel: r.get(1),
                kind: r.get(2),
                event_id: r.get(3),
                received_at: Timestamp::try_from(at).map_err(|e| ServerError::Corrupt(e.to_string()))?,
                attempts: r.get(5),
                error: r.get(6),
            })
        })
        .collect()
}

/// Puts a failed event back in line. Errors if there is no failed event `id`.
pub async fn retry<C: GenericClient>(client: &C, tenant: &str, id: i64) -> Result<(), ServerError> {
    let n = client
        .execute(
            "UPDATE inbox SET state = 'pending', error = NULL WHERE tenant_id = $1 AND id = $2 AND state = 'failed'",
            &[&tenant, &id],
        )
        .await?;
    if n == 0 {
        return Err(ServerError::NotFound(format!("there is no failed inbox event {id}")));
    }
    Ok(())
}
