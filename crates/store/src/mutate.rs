//! Local mutations. Each one is validated by the core, applied to the cache and recorded
//! in the outbox inside a single transaction: after a crash either both are there or
//! neither is.

use crate::codec::{json, ms};
use crate::load::{insert_event, write_case, write_customer_fts};
use crate::{Store, StoreError, load_case, read_customer};
use jiff::Timestamp;
use rusqlite::{OptionalExtension, Transaction, params};
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
    pub fn apply(&mut self, m: &Mutation, actor: &Actor, at: Timestamp) -> Result<Applied, StoreError> {
        let tx = self.conn.transaction()?;
        let (event, customer_id, touchpoints) = match m {
            Mutation::Case { case_id, action } => {
                let case = load_case(&tx, *case_id)?;
                let (next, event) = case.apply(action, actor, at, &self.config.closure_codes)?;
                write_case(&tx, &next, &self.config, at, false)?;
                insert_event(&tx, &event)?;
                (Some(event), Some(next.customer_id), Vec::new())
            }
            Mutation::LinkIdentity { touchpoint_id, customer_id } => {
                (None, Some(*customer_id), link(&tx, *touchpoint_id, *customer_id, actor, at, &self.config)?)
            }
            Mutation::CreateCustomer { touchpoint_id, name } => {
                let name = customer_name(name)?;
                // Local ids count up from the highest known; the server assigns final ids
                // when sync lands (see ARCHITECTURE.md).
                let id: i64 = tx.query_row("SELECT coalesce(max(id), 0) + 1 FROM customers", [], |r| r.get(0))?;
                tx.execute(
                    "INSERT INTO customers (id, name, created_at) VALUES (?1, ?2, ?3)",
                    params![id, name, ms(at)],
                )?;
                let id = CustomerId(id);
                (None, Some(id), link(&tx, *touchpoint_id, id, actor, at, &self.config)?)
            }
            Mutation::UnlinkIdentity { identity, customer_id } => {
                (None, Some(*customer_id), unlink(&tx, identity, *customer_id, actor, at, &self.config)?)
            }
        };
        tx.prepare_cached("INSERT INTO outbox (name, mutation, actor, created_at) VALUES (?1, ?2, ?3, ?4)")?
            .execute(params![m.name(), json(m), json(actor), ms(at)])?;
        let seq = tx.last_insert_rowid();
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

/// Gives the touchpoint's identity to the customer and attaches every unlinked
/// touchpoint from that identity.
fn link(
    tx: &Transaction<'_>,
    touchpoint_id: TouchpointId,
    customer_id: CustomerId,
    actor: &Actor,
    at: Timestamp,
    config: &crate::StoreConfig,
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
    if owner.is_some() {
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
    if let Some(owner) = taken {
        return Err(StoreError::IdentityTaken { identity, owner: CustomerId(owner) });
    }
    tx.execute(
        "INSERT INTO identities (kind, value, customer_id) VALUES (?1, ?2, ?3)",
        (&kind, &value, customer_id.0),
    )?;
    tx.execute(
        "INSERT INTO identity_links (kind, value, customer_id, linked_at, linked_by) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![kind, value, customer_id.0, ms(at), actor.to_string()],
    )?;
    let link_id = tx.last_insert_rowid();
    let attached = ids(
        tx,
        "UPDATE touchpoints SET customer_id = ?1, link_id = ?2 \
         WHERE customer_id IS NULL AND identity_kind = ?3 AND identity_value = ?4 RETURNING id",
        params![customer_id.0, link_id, kind, value],
    )?;
    customer.identities.push(identity);
    write_customer_fts(tx, &customer)?;
    Ok(attached)
}

/// Undoes the latest link of `identity` to the customer: the identity leaves the
/// customer and the touchpoints the link attached go back to the unlinked list.
fn unlink(
    tx: &Transaction<'_>,
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

fn ids(tx: &Transaction<'_>, sql: &str, p: impl rusqlite::Params) -> Result<Vec<TouchpointId>, StoreError> {
    let mut stmt = tx.prepare(sql)?;
    let mut v: Vec<TouchpointId> = stmt.query_map(p, |r| r.get(0).map(TouchpointId))?.collect::<Result<_, _>>()?;
    v.sort();
    Ok(v)
}
