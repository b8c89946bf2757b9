//! The change log: buffering the records a transaction wrote, then giving them their
//! positions *last*.
//!
//! **Never skip a change.** [`ChangeBatch::finish`] runs at the very end of a writing
//! transaction: `UPDATE tenants SET head = head + n … RETURNING head` allocates the
//! positions and takes the tenant row lock, which is held until commit. So a transaction
//! allocating later positions waits until every earlier one committed (or rolled back,
//! giving its positions back), and a reader that sees `head = H` in its snapshot sees
//! every change at or below `H`.

use crate::error::ServerError;
use serde_json::Value;
use std::collections::HashMap;
use tideline_sync::protocol::{Change, Record};
use tokio_postgres::GenericClient;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Customer,
    Case,
    Event,
    Touchpoint,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Customer => "customer",
            Kind::Case => "case",
            Kind::Event => "event",
            Kind::Touchpoint => "touchpoint",
        }
    }

    fn table(self) -> &'static str {
        match self {
            Kind::Customer => "customers",
            Kind::Case => "cases",
            Kind::Event => "case_events",
            Kind::Touchpoint => "touchpoints",
        }
    }
}

/// One record's new state, waiting for its position.
#[derive(Debug, Clone)]
pub struct NewChange {
    pub kind: Kind,
    pub record_id: i64,
    pub customer_id: Option<i64>,
    /// The queue of the case the record belongs to, if any (for agents' scope).
    pub queue: Option<String>,
    pub doc: Value,
}

/// The changes of one transaction, in the order they happened.
#[derive(Debug, Default)]
pub struct ChangeBatch {
    items: Vec<NewChange>,
}

impl ChangeBatch {
    /// Adds a change. A record changed twice in one transaction keeps one change with its
    /// last state, at the later place (events never repeat: each is a new record). The
    /// later place matters: a case's position must follow every event of it.
    pub fn push(&mut self, c: NewChange) {
        if c.kind != Kind::Event
            && let Some(at) = self.items.iter().position(|o| o.kind == c.kind && o.record_id == c.record_id)
        {
            self.items.remove(at);
        }
        self.items.push(c);
    }

    /// Adds every change of `other`, in order (a savepoint's changes once it held).
    pub fn extend(&mut self, other: ChangeBatch) {
        for c in other.items {
            self.push(c);
        }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Allocates positions, writes the change rows, stamps each record with its
    /// position and queues the poke (sent by PostgreSQL on commit). Must be the
    /// transaction's last write. Returns the new head, or `None` if nothing changed.
    pub async fn finish<C: GenericClient>(self, tx: &C, tenant: &str) -> Result<Option<i64>, ServerError> {
        let Some(positioned) = self.allocate(tx, tenant).await? else {
            return Ok(None);
        };
        for kind in [Kind::Customer, Kind::Case, Kind::Event, Kind::Touchpoint] {
            let (ids, pos): (Vec<i64>, Vec<i64>) =
                positioned.of.iter().filter(|((k, _), _)| *k == kind).map(|((_, id), p)| (*id, *p)).unzip();
            if ids.is_empty() {
                continue;
            }
            let sql = format!(
                "UPDATE {} t SET pos = u.pos FROM unnest($2::bigint[], $3::bigint[]) AS u(id, pos)
                 WHERE t.tenant_id = $1 AND t.id = u.id",
                kind.table()
            );
            tx.execute(&sql, &[&tenant, &ids, &pos]).await?;
        }
        Ok(Some(positioned.head))
    }

    /// As [`ChangeBatch::finish`], for a writer that has not written its records yet:
    /// allocates positions, writes the change rows and queues the poke, and returns
    /// each record's position for the writer to store with it (one write per record
    /// instead of an insert and an update). The tenant row lock it takes is held to
    /// commit, so the writer should have every other lock it needs by now.
    pub async fn allocate<C: GenericClient>(self, tx: &C, tenant: &str) -> Result<Option<Positioned>, ServerError> {
        if self.items.is_empty() {
            return Ok(None);
        }
        let n = self.items.len() as i64;
        let head: i64 = tx
            .query_one("UPDATE tenants SET head = head + $2 WHERE id = $1 RETURNING head", &[&tenant, &n])
            .await?
            .get(0);
        let first = head - n + 1;
        let positions: Vec<i64> = (first..=head).collect();
        insert_changes(tx, tenant, &positions, &self.items).await?;
        let payload = format!("{tenant}:{head}");
        tx.execute("SELECT pg_notify('tideline_changes', $1)", &[&payload]).await?;
        let of = self.items.iter().zip(positions).map(|(c, p)| ((c.kind, c.record_id), p)).collect();
        Ok(Some(Positioned { head, of }))
    }
}

/// Positions given to a batch's records.
pub struct Positioned {
    pub head: i64,
    /// (kind, record id) → position; a record appears once.
    pub of: HashMap<(Kind, i64), i64>,
}

impl Positioned {
    pub fn of(&self, kind: Kind, id: i64) -> Option<i64> {
        self.of.get(&(kind, id)).copied()
    }
}

/// Writes change rows with the given positions in one statement.
pub async fn insert_changes<C: GenericClient>(
    tx: &C,
    tenant: &str,
    positions: &[i64],
    items: &[NewChange],
) -> Result<(), ServerError> {
    let kinds: Vec<&str> = items.iter().map(|c| c.kind.as_str()).collect();
    let ids: Vec<i64> = items.iter().map(|c| c.record_id).collect();
    let customers: Vec<Option<i64>> = items.iter().map(|c| c.customer_id).collect();
    let queues: Vec<Option<&str>> = items.iter().map(|c| c.queue.as_deref()).collect();
    let docs: Vec<&Value> = items.iter().map(|c| &c.doc).collect();
    tx.execute(
        "INSERT INTO changes (tenant_id, pos, kind, record_id, customer_id, queue, doc)
         SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::bigint[], $5::bigint[], $6::text[], $7::jsonb[])",
        &[&tenant, &positions, &kinds, &ids, &customers, &queues, &docs],
    )
    .await?;
    Ok(())
}

/// Rebuilds a wire [`Record`] from a stored kind, id and document.
pub fn record(kind: &str, id: i64, doc: Value) -> Result<Record, ServerError> {
    Ok(match kind {
        "customer" => Record::Customer { customer: serde_json::from_value(doc)? },
        "case" => Record::Case { case: serde_json::from_value(doc)? },
        "event" => Record::Event { id, event: serde_json::from_value(doc)? },
        "touchpoint" => Record::Touchpoint { touchpoint: serde_json::from_value(doc)? },
        other => return Err(ServerError::Corrupt(format!("unknown change kind `{other}`"))),
    })
}

/// A change from a row of `(pos, kind, record_id, doc)`.
pub fn change_from_row(r: &tokio_postgres::Row) -> Result<Change, ServerError> {
    let kind: &str = r.get(1);
    Ok(Change { pos: r.get(0), record: record(kind, r.get(2), r.get(3))? })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(kind: Kind, id: i64) -> NewChange {
        NewChange { kind, record_id: id, customer_id: None, queue: None, doc: serde_json::json!({ "v": id }) }
    }

    #[test]
    fn a_record_saved_twice_keeps_its_last_state_after_the_events_between() {
        let mut b = ChangeBatch::default();
        b.push(change(Kind::Event, 1));
        b.push(change(Kind::Case, 7));
        b.push(change(Kind::Event, 2));
        let mut last = change(Kind::Case, 7);
        last.doc = serde_json::json!({ "v": "last" });
        b.push(last);
        let order: Vec<(Kind, i64)> = b.items.iter().map(|c| (c.kind, c.record_id)).collect();
        assert_eq!(order, [(Kind::Event, 1), (Kind::Event, 2), (Kind::Case, 7)]);
        assert_eq!(b.items[2].doc, serde_json::json!({ "v": "last" }));
    }
}
