//! Outbound: an agent's reply leaves through the channel the customer wrote on.
//!
//! - [`queue_reply`] runs inside the push transaction that writes the reply event: it
//!   adds an outbound touchpoint (delivery `queued`) and an `outbound` row, so a reply
//!   is either recorded *and* queued, or neither.
//! - [`sender`] sends due rows with retries and jittered backoff (`SKIP LOCKED`, so two
//!   instances never send one row).
//! - [`apply_status`] takes the provider's delivery reports; [`retry`] is the agent's
//!   Retry on a failed send.
//!
//! Every state change rewrites the touchpoint's `facts.delivery`, so the console shows
//! queued, sent, delivered or failed (with the provider's reason) on the timeline.

pub mod sender;

use crate::db::changes::ChangeBatch;
use crate::db::records;
use crate::error::ServerError;
use jiff::Timestamp;
use tideline_core::{Actor, Case, ChannelFacts, Delivery, Direction, Identity, IdentityKind, Touchpoint, TouchpointId};
use tokio_postgres::GenericClient;

/// The longest reply sent as one SMS conversation turn (Twilio's limit is 1,600).
pub const MAX_SMS_CHARS: usize = 1_600;

/// Queues `body` to the customer if the case has a reply route. Returns the new
/// touchpoint, or `None` when the case's channel is not one we send on (the reply then
/// stays a case event, as before).
pub async fn queue_reply<C: GenericClient>(
    tx: &C,
    changes: &mut ChangeBatch,
    tenant: &str,
    case: &Case,
    body: &str,
    actor: &Actor,
    at: Timestamp,
) -> Result<Option<TouchpointId>, ServerError> {
    let route = tx
        .query_opt(
            "SELECT r.channel, r.address FROM case_reply_routes r
             JOIN channels c ON c.tenant_id = r.tenant_id AND c.name = r.channel AND c.kind = 'twilio_sms'
             WHERE r.tenant_id = $1 AND r.case_id = $2",
            &[&tenant, &case.id.0],
        )
        .await?;
    let Some(route) = route else { return Ok(None) };
    let (channel, address): (String, String) = (route.get(0), route.get(1));
    let id = TouchpointId(tx.query_one("SELECT nextval('touchpoint_ids')", &[]).await?.get(0));
    let summary: String = body.chars().take(120).collect();
    let touchpoint = Touchpoint {
        id,
        customer_id: Some(case.customer_id),
        case_id: Some(case.id),
        channel: tideline_core::Channel::Sms,
        direction: Direction::Outbound,
        actor: actor.clone(),
        occurred_at: at,
        identity: Identity::parse(IdentityKind::Phone, &address, &Default::default()).ok(),
        summary: format!("SMS reply: {summary}"),
        body: Some(body.to_string()),
        facts: ChannelFacts { delivery: Some(Delivery::Queued), ..Default::default() },
    };
    records::save_touchpoint(tx, changes, tenant, &touchpoint, Some(&case.queue)).await?;
    let key = format!("{tenant}-{}", id.0);
    tx.execute(
        "INSERT INTO outbound (tenant_id, channel, touchpoint_id, address, body, idempotency_key)
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[&tenant, &channel, &id.0, &address, &body, &key],
    )
    .await?;
    Ok(Some(id))
}

/// Sets a touchpoint's delivery state and emits its change.
pub async fn set_delivery<C: GenericClient>(
    tx: &C,
    changes: &mut ChangeBatch,
    tenant: &str,
    touchpoint: i64,
    delivery: &Delivery,
) -> Result<(), ServerError> {
    let Some(mut t) = records::load_touchpoint(tx, tenant, touchpoint).await? else {
        return Err(ServerError::Corrupt(format!("outbound row names a missing touchpoint T-{touchpoint}")));
    };
    t.facts.delivery = Some(delivery.clone());
    let queue = match t.case_id {
        Some(c) => records::load_case(tx, tenant, c.0).await?.map(|c| c.queue),
        None => None,
    };
    records::save_touchpoint(tx, changes, tenant, &t, queue.as_deref()).await
}

fn state_of(d: &Delivery) -> &'static str {
    d.label()
}

/// A provider's delivery report for the message it knows as `provider_id`. Reports
/// arrive out of order: a state never moves back. Returns the inbox note.
pub async fn apply_status<C: GenericClient>(
    tx: &C,
    changes: &mut ChangeBatch,
    tenant: &str,
    provider_id: &str,
    delivery: &Delivery,
) -> Result<String, ServerError> {
    let row = tx
        .query_opt(
            "SELECT id, touchpoint_id FROM outbound WHERE tenant_id = $1 AND provider_id = $2 FOR UPDATE",
            &[&tenant, &provider_id],
        )
        .await?;
    let Some(row) = row else {
        return Err(ServerError::NotFound(format!("no message we sent has the provider id {provider_id}")));
    };
    let (id, tp): (i64, i64) = (row.get(0), row.get(1));
    let current = records::load_touchpoint(tx, tenant, tp).await?.and_then(|t| t.facts.delivery);
    if current.as_ref().is_some_and(|c| c.rank() >= delivery.rank()) {
        return Ok(format!("ignored: {provider_id} is already {}", current.map_or("", |c| c.label())));
    }
    let error = match delivery {
        Delivery::Failed { reason, .. } => Some(reason.clone()),
        _ => None,
    };
    tx.execute(
        "UPDATE outbound SET state = $2, last_error = coalesce($3, last_error), updated_at = now() WHERE id = $1",
        &[&id, &state_of(delivery), &error],
    )
    .await?;
    set_delivery(tx, changes, tenant, tp, delivery).await?;
    Ok(format!("{provider_id} {}", delivery.label()))
}

/// The agent's Retry on a failed send: back in line at once, attempts counted afresh.
pub async fn retry<C: GenericClient>(
    tx: &C,
    changes: &mut ChangeBatch,
    tenant: &str,
    touchpoint: TouchpointId,
) -> Result<Result<(), String>, ServerError> {
    let n = tx
        .execute(
            "UPDATE outbound SET state = 'queued', attempts = 0, next_attempt_at = now(), updated_at = now()
             WHERE tenant_id = $1 AND touchpoint_id = $2 AND state = 'failed'",
            &[&tenant, &touchpoint.0],
        )
        .await?;
    if n == 0 {
        return Ok(Err(format!("{touchpoint} is not a failed message, so there is nothing to retry.")));
    }
    set_delivery(tx, changes, tenant, touchpoint.0, &Delivery::Queued).await?;
    Ok(Ok(()))
}
