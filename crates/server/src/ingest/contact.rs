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
use crate::db::locks::{LOCK_CASE, LOCK_CONTACT, LOCK_CUSTOMER, lock, lock_all, lock_key, string_key};
use crate::db::records;
use crate::error::ServerError;
use std::collections::HashMap;
use tideline_core::intake::{self, Contact, RoutingRule, ThreadingPolicy};
use tideline_core::{
    Actor, Case, CaseEvent, CaseId, ClosureCatalogue, CustomerId, Direction, Identity, IdentityContext, Touchpoint,
    TouchpointId,
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

fn contact_lock(tenant: &str, contact: &Contact) -> i64 {
    lock_key(LOCK_CONTACT, string_key(&format!("{tenant}/{}", contact.key)))
}

/// Who owns the identities a batch's contacts came from: (kind, value) → customer.
pub type Owners = HashMap<(String, String), CustomerId>;

/// The distinct customers of `owners`, in id order.
pub fn customers(owners: &Owners) -> Vec<i64> {
    let mut ids: Vec<i64> = owners.values().map(|c| c.0).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Takes, in one sorted step before a batch runs, every lock its contacts will need:
/// each contact's, and each matched customer's with all their cases'. A worker holds
/// its locks until the batch commits, so without this two workers whose batches share
/// customers would take them in different orders and deadlock. A lock missed here (an
/// identity linked meanwhile) is still taken by [`apply`]; the rare deadlock that can
/// then cause is retried by the worker. Returns the owners it found.
pub async fn lock_batch<C: GenericClient>(
    tx: &C,
    tenant: &str,
    items: &[crate::ingest::batch::Item<'_>],
) -> Result<Owners, ServerError> {
    let mut keys: Vec<i64> = items.iter().map(|i| contact_lock(tenant, i.contact)).collect();
    let (kinds, values): (Vec<&str>, Vec<&str>) =
        items.iter().filter_map(|i| i.identity.as_ref()).map(|i| (i.kind().as_str(), i.value())).unzip();
    let owners: Owners = tx
        .query(
            "SELECT i.kind, i.value, i.customer_id FROM identities i
             JOIN (SELECT DISTINCT * FROM unnest($2::text[], $3::text[])) AS s(kind, value)
               ON i.kind = s.kind AND i.value = s.value
             WHERE i.tenant_id = $1",
            &[&tenant, &kinds, &values],
        )
        .await?
        .iter()
        .map(|r| ((r.get(0), r.get(1)), CustomerId(r.get(2))))
        .collect();
    let customers = customers(&owners);
    keys.extend(customers.iter().map(|c| lock_key(LOCK_CUSTOMER, *c)));
    let cases =
        tx.query("SELECT id FROM cases WHERE tenant_id = $1 AND customer_id = ANY($2)", &[&tenant, &customers]).await?;
    keys.extend(cases.iter().map(|r| lock_key(LOCK_CASE, r.get(0))));
    lock_all(tx, &keys).await?;
    Ok(owners)
}

impl Applied {
    /// The note kept on the event's inbox row.
    pub fn note(&self) -> String {
        match self {
            Applied::New { touchpoint, customer: Some(cu), case: Some(ca) } => format!("{touchpoint} for {cu} on {ca}"),
            Applied::New { touchpoint, customer: Some(cu), case: None } => format!("{touchpoint} for {cu}"),
            Applied::New { touchpoint, .. } => format!("{touchpoint} unlinked"),
            Applied::Updated(t) => format!("updated {t}"),
            Applied::Stale => "ignored: an older report than one already applied".into(),
        }
    }
}

/// The sender as an identity we can match, if it parses.
pub fn sender(contact: &Contact, identities: &IdentityContext) -> Option<Identity> {
    contact.sender.as_ref().and_then(|(kind, raw)| Identity::parse(*kind, raw, identities).ok())
}

/// What threading does with a matched contact. Pure, so the one-by-one path
/// ([`apply`]) and the batch path (`ingest::batch`) decide alike.
#[derive(Debug, Clone)]
pub enum Decision {
    /// Our own outbound contact with no active case: on the timeline only.
    Unthreaded,
    /// Our own outbound contact: shown on this case, which does not change.
    Shown(Case),
    /// The customer's contact moved (or opened) this case through these events.
    Changed { case: Case, events: Vec<CaseEvent> },
}

impl Decision {
    pub fn case(&self) -> Option<&Case> {
        match self {
            Decision::Unthreaded => None,
            Decision::Shown(c) | Decision::Changed { case: c, .. } => Some(c),
        }
    }
}

/// Whether [`decide`] will open a case (so it needs a new id).
pub fn opens_case(cases: &[Case], contact: &Contact, rules: &IntakeRules) -> bool {
    contact.from_customer()
        && match intake::thread(cases, contact.occurred_at, &rules.threading) {
            intake::Threading::Continue(id) | intake::Threading::Reopen(id) => !cases.iter().any(|c| c.id == id),
            intake::Threading::Open { .. } => true,
        }
}

/// Threads and routes a matched contact onto `cases` (all the customer's cases).
/// `new_id` is used only when [`opens_case`] said so.
pub fn decide(
    cases: &[Case],
    customer: CustomerId,
    channel_name: &str,
    contact: &Contact,
    rules: &IntakeRules,
    new_id: CaseId,
) -> Result<Decision, ServerError> {
    let threading = intake::thread(cases, contact.occurred_at, &rules.threading);
    if !contact.from_customer() {
        return Ok(match threading {
            intake::Threading::Continue(id) => {
                cases.iter().find(|c| c.id == id).cloned().map_or(Decision::Unthreaded, Decision::Shown)
            }
            _ => Decision::Unthreaded,
        });
    }
    let existing = match threading {
        intake::Threading::Continue(id) | intake::Threading::Reopen(id) => cases.iter().find(|c| c.id == id),
        intake::Threading::Open { .. } => None,
    };
    let route = intake::route(&rules.routing, contact.channel, channel_name);
    let done = intake::apply(contact, threading, existing, new_id, customer, &route, &rules.catalogue)
        .map_err(|e| ServerError::BadInput(format!("the contact cannot join its case: {e}")))?;
    Ok(Decision::Changed { case: done.case, events: done.events })
}

/// The new touchpoint a contact makes.
pub fn touchpoint(
    id: TouchpointId,
    customer: Option<CustomerId>,
    case: Option<CaseId>,
    identity: Option<Identity>,
    contact: &Contact,
) -> Touchpoint {
    Touchpoint {
        id,
        customer_id: customer,
        case_id: case,
        channel: contact.channel,
        direction: contact.direction,
        actor: if contact.direction == Direction::Inbound { Actor::Customer } else { Actor::System },
        occurred_at: contact.occurred_at,
        identity,
        summary: contact.summary.clone(),
        body: contact.body.clone(),
        facts: contact.facts.clone(),
    }
}

/// Replies on the case go back the way the customer last wrote, where we can send:
/// the (case, address) to remember, if any.
pub fn reply_route(
    case: Option<&Case>,
    identity: Option<&Identity>,
    kind: ChannelKind,
    contact: &Contact,
) -> Option<(CaseId, String)> {
    match (case, identity, kind) {
        (Some(case), Some(identity), ChannelKind::TwilioSms) if contact.from_customer() => {
            Some((case.id, identity.value().to_string()))
        }
        _ => None,
    }
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
    lock(tx, contact_lock(tenant, contact)).await?;
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

    let identity = sender(contact, &rules.identities);
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
    let t = touchpoint(id, customer, case.as_ref().map(|c| c.id), identity.clone(), contact);
    records::save_touchpoint(tx, changes, tenant, &t, case.as_ref().map(|c| c.queue.as_str())).await?;
    tx.execute(
        "INSERT INTO contact_keys (tenant_id, key, touchpoint_id, revision) VALUES ($1, $2, $3, $4)",
        &[&tenant, &contact.key, &id.0, &contact.revision],
    )
    .await?;
    if let Some((case_id, address)) = reply_route(case.as_ref(), identity.as_ref(), channel.1, contact) {
        tx.execute(
            "INSERT INTO case_reply_routes (tenant_id, case_id, channel, address) VALUES ($1, $2, $3, $4)
             ON CONFLICT (tenant_id, case_id) DO UPDATE SET channel = excluded.channel, address = excluded.address",
            &[&tenant, &case_id.0, &channel.0, &address],
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
    let new_id = if opens_case(&cases, contact, rules) {
        CaseId(tx.query_one("SELECT nextval('case_ids')", &[]).await?.get(0))
    } else {
        CaseId(0) // unused: `decide` opens no case
    };
    Ok(match decide(&cases, customer, channel_name, contact, rules, new_id)? {
        Decision::Unthreaded => None,
        Decision::Shown(case) => Some(case),
        Decision::Changed { case, events } => {
            // Events first, so the case's change position is its version (no event of
            // it is newer: the traffic cop relies on that).
            for e in &events {
                records::add_event(tx, changes, tenant, &case, e).await?;
            }
            records::save_case(tx, changes, tenant, &case).await?;
            Some(case)
        }
    })
}
