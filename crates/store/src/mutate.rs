//! Local mutations. Each one is validated by the core, applied to the cache and recorded
//! in the outbox inside a single transaction: after a crash either both are there or
//! neither is.

use crate::codec::{json, ms};
use crate::load::{insert_event, write_case, write_customer_fts};
use crate::{Store, StoreError, load_case, read_customer};
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use tideline_core::customer::customer_name;
use tideline_core::mutation::Mutation;
use tideline_core::{Actor, CaseEvent, CustomerId, Identity, TouchpointId};

/// What a mutation did, for the caller to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Applied {
    /// The outbox sequence number: the client's id for this change when it syncs.
    pub seq: i64,
    /// The customer a link or a new customer concerns.
    pub customer_id: Option<CustomerId>,
    pub event: Option<CaseEvent>,
    /// Touchpoints a link attached to (or an undo took back from) the customer.
    pub touchpoints: Vec<TouchpointId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OutboxEntry {
    pub seq: i64,
    pub mutation: Mutation,
    pub actor: Actor,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub created_at: Timestamp,
}

impl Store {
    /// Applies `m`, done by `actor` at `at`, and queues it for sync.
    /// The basis is the case's server version in the cache now: what the agent acted on.
    pub fn apply(&mut self, m: &Mutation, actor: &Actor, at: Timestamp) -> Result<Applied, StoreError> {
        let basis = match m {
            Mutation::Case { case_id, .. } => self.case_version(*case_id)?,
            _ => None,
        };
        self.apply_with_basis(m, actor, at, basis)
    }

    /// As [`Store::apply`], recording `basis`: the case's server version
    /// ([`Store::case_version`]) that the agent's view was based on, so the server can
    /// tell them what changed since.
    pub fn apply_with_basis(
        &mut self,
        m: &Mutation,
        actor: &Actor,
        at: Timestamp,
        basis: Option<i64>,
    ) -> Result<Applied, StoreError> {
        let tx = self.conn.transaction()?;
        tx.prepare_cached("INSERT INTO outbox (name, mutation, actor, created_at, basis) VALUES (?1, ?2, ?3, ?4, ?5)")?
            .execute(params![m.name(), json(m), json(actor), ms(at), basis])?;
        let seq = tx.last_insert_rowid();
        let (event, customer_id, touchpoints) = apply_in(&tx, m, actor, at, &self.config, seq, Mode::Fresh)?;
        if let (Mutation::CreateCustomer { .. }, Some(id)) = (m, customer_id) {
            tx.execute("UPDATE outbox SET customer_id = ?1 WHERE seq = ?2", [id.0, seq])?;
        }
        tx.commit()?;
        Ok(Applied { seq, customer_id, event, touchpoints })
    }

    /// Mutations not yet acknowledged by the server, oldest first.
    pub fn outbox(&self, limit: usize) -> Result<Vec<OutboxEntry>, StoreError> {
        let mut stmt =
            self.conn.prepare_cached("SELECT seq, mutation, actor, created_at FROM outbox ORDER BY seq LIMIT ?1")?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, i64>(3)?))
        })?;
        rows.map(|r| {
            let (seq, m, a, at) = r?;
            Ok(OutboxEntry {
                seq,
                mutation: crate::codec::parse_json("outbox mutation", &m)?,
                actor: crate::codec::parse_json("outbox actor", &a)?,
                created_at: crate::codec::from_ms(at)?,
            })
        })
        .collect()
    }
}

/// How a mutation meets the cache: as the agent makes it, or re-applied on top of newer
/// server state during a rebase, where customer-level changes already in place are kept
/// rather than refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Fresh,
    /// Re-applied by a rebase; CreateCustomer re-makes the customer under this id.
    Reapply {
        provisional: Option<CustomerId>,
    },
}

type Effect = (Option<CaseEvent>, Option<CustomerId>, Vec<TouchpointId>);

/// Applies one mutation inside `tx` as outbox row `seq`: optimistic case events carry
/// `seq`, and a case's server state is kept in `shadow_cases` before its first
/// optimistic change.
pub(crate) fn apply_in(
    tx: &Connection,
    m: &Mutation,
    actor: &Actor,
    at: Timestamp,
    config: &crate::StoreConfig,
    seq: i64,
    mode: Mode,
) -> Result<Effect, StoreError> {
    Ok(match m {
        Mutation::Case { case_id, action } => {
            let case = load_case(tx, *case_id)?;
            let (next, event) = case.apply(action, actor, at, &config.closure_codes)?;
            tx.prepare_cached("INSERT OR IGNORE INTO shadow_cases (id, doc) SELECT id, doc FROM cases WHERE id = ?1")?
                .execute([case_id.0])?;
            write_case(tx, &next, config, at, false)?;
            let row = insert_event(tx, &event)?;
            tx.prepare_cached("UPDATE case_events SET outbox_seq = ?1 WHERE id = ?2")?.execute([seq, row])?;
            (Some(event), Some(next.customer_id), Vec::new())
        }
        Mutation::LinkIdentity { touchpoint_id, customer_id } => {
            let customer_id = crate::sync::resolve_customer(tx, *customer_id)?;
            let lenient = matches!(mode, Mode::Reapply { .. });
            (None, Some(customer_id), link(tx, *touchpoint_id, customer_id, actor, at, config, lenient)?)
        }
        Mutation::CreateCustomer { touchpoint_id, name } => {
            let name = customer_name(name)?;
            let id = match mode {
                Mode::Reapply { provisional: Some(id) } => id,
                // Provisional ids count down from below every id the cache has seen, so
                // they never collide with the server's (positive) ids.
                _ => CustomerId(tx.query_row(
                    "SELECT min(0, coalesce((SELECT min(id) FROM customers), 0), \
                     coalesce((SELECT min(provisional) FROM customer_map), 0), \
                     coalesce((SELECT min(customer_id) FROM outbox), 0)) - 1",
                    [],
                    |r| r.get(0),
                )?),
            };
            tx.execute(
                "INSERT OR REPLACE INTO customers (id, name, created_at) VALUES (?1, ?2, ?3)",
                params![id.0, name, ms(at)],
            )?;
            let lenient = matches!(mode, Mode::Reapply { .. });
            (None, Some(id), link(tx, *touchpoint_id, id, actor, at, config, lenient)?)
        }
        Mutation::UnlinkIdentity { identity, customer_id } => {
            let customer_id = crate::sync::resolve_customer(tx, *customer_id)?;
            if matches!(mode, Mode::Reapply { .. }) {
                let owner: Option<i64> = tx
                    .query_row(
                        "SELECT customer_id FROM identities WHERE kind = ?1 AND value = ?2",
                        (identity.kind().as_str(), identity.value()),
                        |r| r.get(0),
                    )
                    .optional()?;
                if owner != Some(customer_id.0) {
                    // Already gone (the server's record says so): nothing left to undo.
                    return Ok((None, Some(customer_id), Vec::new()));
                }
            }
            (None, Some(customer_id), unlink(tx, identity, customer_id, actor, at, config)?)
        }
        Mutation::RetryDelivery { touchpoint_id } => {
            retry_delivery(tx, *touchpoint_id, matches!(mode, Mode::Reapply { .. }))?;
            (None, None, vec![*touchpoint_id])
        }
    })
}

/// Shows a failed message as queued again at once; the server's record of it follows.
fn retry_delivery(tx: &Connection, id: TouchpointId, lenient: bool) -> Result<(), StoreError> {
    let facts: Option<Option<String>> =
        tx.query_row("SELECT facts FROM touchpoints WHERE id = ?1", [id.0], |r| r.get(0)).optional()?;
    let facts = facts.ok_or_else(|| StoreError::NotFound { what: "touchpoint", id: id.to_string() })?;
    let mut facts: tideline_core::ChannelFacts = match facts {
        Some(f) => crate::codec::parse_json("facts", &f)?,
        None => Default::default(),
    };
    match facts.delivery {
        Some(tideline_core::Delivery::Failed { .. }) => {}
        _ if lenient => return Ok(()),
        _ => return Err(StoreError::NotRetryable(id)),
    }
    facts.delivery = Some(tideline_core::Delivery::Queued);
    tx.execute("UPDATE touchpoints SET facts = ?1 WHERE id = ?2", params![json(&facts), id.0])?;
    Ok(())
}

/// Gives the touchpoint's identity to the customer and attaches every unlinked
/// touchpoint from that identity.
fn link(
    tx: &Connection,
    touchpoint_id: TouchpointId,
    customer_id: CustomerId,
    actor: &Actor,
    at: Timestamp,
    config: &crate::StoreConfig,
    lenient: bool,
) -> Result<Vec<TouchpointId>, StoreError> {
    let row: Option<(Option<i64>, Option<String>, Option<String>)> = tx
        .query_row(
            "SELECT customer_id, identity_kind, identity_value FROM touchpoints WHERE id = ?1",
            [touchpoint_id.0],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let (owner, kind, value) =
        row.ok_or_else(|| StoreError::NotFound { what: "touchpoint", id: touchpoint_id.to_string() })?;
    // A rebase re-applies a link the server may already have made (its records carry
    // the identity and the touchpoint): what is already in place is kept.
    if owner.is_some_and(|o| !(lenient && o == customer_id.0)) {
        return Err(StoreError::AlreadyLinked(touchpoint_id));
    }
    let (Some(kind), Some(value)) = (kind, value) else {
        return Err(StoreError::NoIdentity(touchpoint_id));
    };
    let identity = crate::codec::stored_identity(&kind, &value, &config.identities)?;
    let mut customer = read_customer(tx, customer_id, &config.identities)?;
    let taken: Option<i64> = tx
        .query_row("SELECT customer_id FROM identities WHERE kind = ?1 AND value = ?2", (&kind, &value), |r| r.get(0))
        .optional()?;
    let already = lenient && taken == Some(customer_id.0);
    if let Some(owner) = taken.filter(|_| !already) {
        return Err(StoreError::IdentityTaken { identity, owner: CustomerId(owner) });
    }
    if !already {
        tx.execute(
            "INSERT INTO identities (kind, value, customer_id) VALUES (?1, ?2, ?3)",
            (&kind, &value, customer_id.0),
        )?;
    }
    let open_link: Option<i64> = if lenient {
        tx.query_row(
            "SELECT id FROM identity_links WHERE kind = ?1 AND value = ?2 AND customer_id = ?3 AND undone_at IS NULL \
             ORDER BY id DESC LIMIT 1",
            params![kind, value, customer_id.0],
            |r| r.get(0),
        )
        .optional()?
    } else {
        None
    };
    let link_id = match open_link {
        Some(id) => id,
        None => {
            tx.execute(
                "INSERT INTO identity_links (kind, value, customer_id, linked_at, linked_by) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![kind, value, customer_id.0, ms(at), actor.to_string()],
            )?;
            tx.last_insert_rowid()
        }
    };
    let attached = ids(
        tx,
        "UPDATE touchpoints SET customer_id = ?1, link_id = ?2 \
         WHERE customer_id IS NULL AND identity_kind = ?3 AND identity_value = ?4 RETURNING id",
        params![customer_id.0, link_id, kind, value],
    )?;
    if !already {
        customer.identities.push(identity);
    }
    write_customer_fts(tx, &customer)?;
    Ok(attached)
}

/// Undoes the latest link of `identity` to the customer: the identity leaves the
/// customer and the touchpoints the link attached go back to the unlinked list.
fn unlink(
    tx: &Connection,
    identity: &Identity,
    customer_id: CustomerId,
    actor: &Actor,
    at: Timestamp,
    config: &crate::StoreConfig,
) -> Result<Vec<TouchpointId>, StoreError> {
    let (kind, value) = (identity.kind().as_str(), identity.value());
    let link_id: Option<i64> = tx
        .query_row(
            "SELECT id FROM identity_links WHERE kind = ?1 AND value = ?2 AND customer_id = ?3 AND undone_at IS NULL \
             ORDER BY id DESC LIMIT 1",
            params![kind, value, customer_id.0],
            |r| r.get(0),
        )
        .optional()?;
    let link_id =
        link_id.ok_or_else(|| StoreError::NoLinkToUndo { identity: identity.clone(), customer: customer_id })?;
    tx.execute(
        "DELETE FROM identities WHERE kind = ?1 AND value = ?2 AND customer_id = ?3",
        params![kind, value, customer_id.0],
    )?;
    tx.execute(
        "UPDATE identity_links SET undone_at = ?1, undone_by = ?2 WHERE id = ?3",
        params![ms(at), actor.to_string(), link_id],
    )?;
    let detached = ids(
        tx,
        "UPDATE touchpoints SET customer_id = NULL, case_id = NULL, link_id = NULL WHERE link_id = ?1 RETURNING id",
        params![link_id],
    )?;
    write_customer_fts(tx, &read_customer(tx, customer_id, &config.identities)?)?;
    Ok(detached)
}

fn ids(tx: &Connection, sql: &str, p: impl rusqlite::Params) -> Result<Vec<TouchpointId>, StoreError> {
    let mut stmt = tx.prepare(sql)?;
    let mut v: Vec<TouchpointId> = stmt.query_map(p, |r| r.get(0).map(TouchpointId))?.collect::<Result<_, _>>()?;
    v.sort();
    Ok(v)
}
