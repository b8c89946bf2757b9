//! One contact into the records: match, thread, route, write.
//!
//! - **Match.** The sender's identifier is normalised ([`Identity::parse`]) and looked
//!   up exactly. One owner: linked. No owner, or an identifier that does not parse:
//!   the touchpoint waits on the unlinked list. Nothing is matched by a name.
//! - **Later reports** of the same provider thing (a call's status callbacks) update
//!   its one touchpoint, in revision order; a stale report changes nothing.
//! - **Thread and route** through `tideline_core::intake`, under the customer's lock
//!   and the locks of their cases (the same case locks pushes take), so a contact and
//!   an agent's action on the same case never overwrite each other.

use crate::db::changes::ChangeBatch;
use crate::db::channels::ChannelKind;
use crate::db::locks::{LOCK_CASE, LOCK_CONTACT, LOCK_CUSTOMER, lock, lock_key, string_key};
use crate::db::records;
use crate::error::ServerError;
use tideline_core::intake::{self, Contact, RoutingRule, ThreadingPolicy};
use tideline_core::{
    Actor, Case, CaseId, ClosureCatalogue, CustomerId, Direction, Identity, IdentityContext, Touchpoint, TouchpointId,
};
use tokio_postgres::GenericClient;

/// What intake needs to know about the tenant, loaded once per batch.
#[derive(Debug, Clone)]
pub struct IntakeRules {
    pub routing: Vec<RoutingRule>,
    pub threading: ThreadingPolicy,
    pub catalogue: ClosureCatalogue,
    pub identities: IdentityContext,
}

/// What happened to a contact, for the inbox row's note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// A new touchpoint; `case` is the case it joined or opened.
    New { touchpoint: TouchpointId, customer: Option<CustomerId>, case: Option<CaseId> },
    /// A later report of a known contact updated its touchpoint.
    Updated(TouchpointId),
    /// An older report than one already applied.
    Stale,
}

pub async fn apply<C: GenericClient>(
    tx: &C,
    changes: &mut ChangeBatch,
    tenant: &str,
    channel: (&str, ChannelKind),
    contact: &Contact,
    rules: &IntakeRules,
) -> Result<Applied, ServerError> {
    // Without it two workers could both find no key and race to create the touchpoint.
    lock(tx, lock_key(LOCK_CONTACT, string_key(&format!("{tenant}/{}", contact.key)))).await?;
    let known = tx
        .query_opt(
            "SELECT touchpoint_id, revision FROM contact_keys WHERE tenant_id = $1 AND key = $2 FOR UPDATE",
            &[&tenant, &contact.key],
        )
        .await?;
    if let Some(row) = known {
        let (id, revision): (i64, i64) = (row.get(0), row.get(1));
        if contact.revision <= revision {
            return Ok(Applied::Stale);
        }
        return update(tx, changes, tenant, id, contact).await;
    }

    let identity = contact.sender.as_ref().and_then(|(kind, raw)| Identity::parse(*kind, raw, &rules.identities).ok());
    let customer = match &identity {
        Some(i) => tx
            .query_opt(
                "SELECT customer_id FROM identities WHERE tenant_id = $1 AND kind = $2 AND value = $3",
                &[&tenant, &i.kind().as_str(), &i.value()],
            )
            .await?
            .map(|r| CustomerId(r.get(0))),
        None => None,
    };
    let case = match customer {
        Some(c) => thread(tx, changes, tenant, channel.0, c, contact, rules).await?,
        None => None,
    };
    let id = TouchpointId(tx.query_one("SELECT nextval('touchpoint_ids')", &[]).await?.get(0));
    let touchpoint = Touchpoint {
        id,
        customer_id: customer,
        case_id: case.as_ref().map(|c| c.id),
        channel: contact.channel,
        direction: contact.direction,
        actor: if contact.direction == Direction::Inbound { Actor::Customer } else { Actor::System },
        occurred_at: contact.occurred_at,
        identity: identity.clone(),
        summary: contact.summary.clone(),
        body: contact.body.clone(),
        facts: contact.facts.clone(),
    };
    records::save_touchpoint(tx, changes, tenant, &touchpoint, case.as_ref().map(|c| c.queue.as_str())).await?;
    tx.execute(
        "INSERT INTO contact_keys (tenant_id, key, touchpoint_id, revision) VALUES ($1, $2, $3, $4)",
        &[&tenant, &contact.key, &id.0, &contact.revision],
    )
    .await?;
    // Replies on the case go back the way the customer last wrote, where we can send.
    if let (Some(case), Some(identity), ChannelKind::TwilioSms) = (&case, &identity, channel.1)
        && contact.from_customer()
    {
        tx.execute(
            "INSERT INTO case_reply_routes (tenant_id, case_id, channel, address) VALUES ($1, $2, $3, $4)
             ON CONFLICT (tenant_id, case_id) DO UPDATE SET channel = excluded.channel, address = excluded.address",
            &[&tenant, &case.id.0, &channel.0, &identity.value()],
        )
        .await?;
    }
    Ok(Applied::New { touchpoint: id, customer, case: case.map(|c| c.id) })
}

/// A later report: the touchpoint takes the newer summary, body and facts; who and
/// which case stay as first decided.
async fn update<C: GenericClient>(
    tx: &C,
    changes: &mut ChangeBatch,
    tenant: &str,
    id: i64,
    contact: &Contact,
) -> Result<Applied, ServerError> {
    let Some(mut t) = records::load_touchpoint(tx, tenant, id).await? else {
        return Err(ServerError::Corrupt(format!("contact key {} names a missing touchpoint", contact.key)));
    };
    t.summary = contact.summary.clone();
    if contact.body.is_some() {
        t.body = contact.body.clone();
    }
    t.facts = contact.facts.clone();
    let queue = match t.case_id {
        Some(c) => records::load_case(tx, tenant, c.0).await?.map(|c| c.queue),
        None => None,
    };
    records::save_touchpoint(tx, changes, tenant, &t, queue.as_deref()).await?;
    tx.execute(
        "UPDATE contact_keys SET revision = $3 WHERE tenant_id = $1 AND key = $2",
        &[&tenant, &contact.key, &contact.revision],
    )
    .await?;
    Ok(Applied::Updated(t.id))
}

/// Threads a matched contact onto the customer's cases; returns the case it belongs to.
async fn thread<C: GenericClient>(
    tx: &C,
    changes: &mut ChangeBatch,
    tenant: &str,
    channel_name: &str,
    customer: CustomerId,
    contact: &Contact,
    rules: &IntakeRules,
) -> Result<Option<Case>, ServerError> {
    lock(tx, lock_key(LOCK_CUSTOMER, customer.0)).await?;
    let mut ids: Vec<i64> = tx
        .query("SELECT id FROM cases WHERE tenant_id = $1 AND customer_id = $2", &[&tenant, &customer.0])
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    ids.sort_unstable();
    for id in &ids {
        lock(tx, lock_key(LOCK_CASE, *id)).await?;
    }
    let rows = tx.query("SELECT doc FROM cases WHERE tenant_id = $1 AND id = ANY($2)", &[&tenant, &ids]).await?;
    let cases = rows.iter().map(|r| serde_json::from_value::<Case>(r.get(0))).collect::<Result<Vec<_>, _>>()?;
    let threading = intake::thread(&cases, contact.occurred_at, &rules.threading);
    if !contact.from_customer() {
        // Our own outbound call: on the timeline of the active case, no clock moves.
        return Ok(match threading {
            intake::Threading::Continue(id) => cases.into_iter().find(|c| c.id == id),
            _ => None,
        });
    }
    let existing = match threading {
        intake::Threading::Continue(id) | intake::Threading::Reopen(id) => cases.iter().find(|c| c.id == id),
        intake::Threading::Open { .. } => None,
    };
    let new_id = match existing {
        Some(c) => c.id,
        None => CaseId(tx.query_one("SELECT nextval('case_ids')", &[]).await?.get(0)),
    };
    let route = intake::route(&rules.routing, contact.channel, channel_name);
    let done = intake::apply(contact, threading, existing, new_id, customer, &route, &rules.catalogue)
        .map_err(|e| ServerError::BadInput(format!("the contact cannot join its case: {e}")))?;
    // Events first, so the case's change position is its version (no event of it is
    // newer: the traffic cop relies on that).
    for e in &done.events {
        records::add_event(tx, changes, tenant, &done.case, e).await?;
    }
    records::save_case(tx, changes, tenant, &done.case).await?;
    Ok(Some(done.case))
}
