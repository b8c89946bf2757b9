//! The cache's side of sync: the outbox as the engine pushes it, the server's answers
//! (`settle`), and the server's records (`apply_remote`, the rebase).
//!
//! The cache holds the server's state with the agent's optimistic changes on top. Every
//! pull undoes those changes (optimistic events are deleted, shadowed cases restored,
//! provisional customers removed), writes the server's records, and re-applies what is
//! still in the outbox — all in one transaction, so a reader never sees a half-rebased
//! cache.
//!
//! The types here mirror the wire protocol's (`tideline_sync::protocol`): the store
//! depends on the core only, and the engine converts.

use crate::codec::{from_ms, json, ms, parse_json, touchpoint_text};
use crate::load::{write_case, write_customer_fts};
use crate::mutate::{Mode, apply_in};
use crate::{Store, StoreConfig, StoreError, read_customer};
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use std::collections::BTreeSet;
use tideline_core::mutation::Mutation;
use tideline_core::{Actor, Case, CaseEvent, CaseId, Customer, CustomerId, Touchpoint};

const CURSOR_KEY: &str = "sync_cursor";
const CLIENT_ID_KEY: &str = "client_id";
const INITIAL_DONE_KEY: &str = "initial_sync_done";
/// Secondary indexes dropped for an initial sync, kept here until they are rebuilt.
const DEFERRED_INDEXES_KEY: &str = "deferred_indexes";

/// One server change: a record's whole current state at change-log position `pos`.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteChange {
    pub pos: i64,
    pub record: RemoteRecord,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RemoteRecord {
    Customer(Customer),
    Case(Case),
    /// `id` is the server's event id.
    Event {
        id: i64,
        event: CaseEvent,
    },
    Touchpoint(Touchpoint),
}

/// An outbox row as the engine pushes it. Provisional customer ids the server has
/// already mapped are replaced by the server's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingMutation {
    pub seq: i64,
    pub mutation: Mutation,
    pub at: Timestamp,
    pub basis: Option<i64>,
}

/// The server's answer to one pushed mutation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    pub seq: i64,
    pub outcome: SettleOutcome,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettleOutcome {
    Applied { customer_id: Option<CustomerId>, notice: Option<String> },
    Transformed { into: Mutation, message: String },
    Rejected { message: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// Applied, with something the agent should know.
    Notice,
    /// Applied as something else (e.g. a reply kept as a note).
    Transformed,
    /// Not applied.
    Rejected,
}

impl NoticeKind {
    fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Notice => "notice",
            NoticeKind::Transformed => "transformed",
            NoticeKind::Rejected => "rejected",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        match s {
            "notice" => Ok(NoticeKind::Notice),
            "transformed" => Ok(NoticeKind::Transformed),
            "rejected" => Ok(NoticeKind::Rejected),
            _ => Err(StoreError::Corrupt(format!("unknown notice kind `{s}`"))),
        }
    }
}

/// Something the agent must be told about their synced work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Notice {
    pub id: i64,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub at: Timestamp,
    pub case_id: Option<CaseId>,
    pub customer_id: Option<CustomerId>,
    pub kind: NoticeKind,
    pub message: String,
    pub seen: bool,
}

/// What a pull changed, for the console to refresh.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RemoteApplied {
    pub cases: Vec<CaseId>,
    pub customers: Vec<CustomerId>,
    /// Customers that cases or touchpoints refer to but the cache does not hold yet:
    /// fetch their history.
    pub missing_customers: Vec<CustomerId>,
    /// Notices stored by this call.
    pub notices: usize,
}

#[derive(Default)]
struct Touched {
    cases: BTreeSet<i64>,
    customers: BTreeSet<i64>,
    notices: usize,
}

impl Store {
    /// This cache's client id: random, made on first use and kept in the cache.
    pub fn client_id(&self) -> Result<String, StoreError> {
        if let Some(id) = self.meta(CLIENT_ID_KEY)? {
            return Ok(id);
        }
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(|e| StoreError::Corrupt(format!("no randomness for a client id: {e}")))?;
        let id: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        // Another connection may have made one meanwhile: the first one written wins.
        self.conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)", [CLIENT_ID_KEY, &id])?;
        Ok(self.meta(CLIENT_ID_KEY)?.unwrap_or(id))
    }

    /// The change-log position of the newest server record of the case: the version an
    /// agent's view is based on.
    pub fn case_version(&self, case_id: CaseId) -> Result<Option<i64>, StoreError> {
        version(&self.conn, "case", case_id.0)
    }

    /// Where the next pull starts; 0 before the first.
    pub fn sync_cursor(&self) -> Result<i64, StoreError> {
        Ok(self.meta(CURSOR_KEY)?.and_then(|v| v.parse().ok()).unwrap_or(0))
    }

    /// True once a first pull has run to its end ([`Store::finish_initial`]).
    pub fn initial_sync_done(&self) -> Result<bool, StoreError> {
        Ok(self.meta(INITIAL_DONE_KEY)?.is_some())
    }

    /// True when the cache holds any record that came from the server.
    pub fn has_server_data(&self) -> Result<bool, StoreError> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM versions) OR EXISTS (SELECT 1 FROM case_events WHERE server_id IS NOT NULL)",
            [],
            |r| r.get(0),
        )?)
    }

    /// How many mutations wait for the server.
    pub fn pending_count(&self) -> Result<i64, StoreError> {
        Ok(self.conn.query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))?)
    }

    /// The oldest `limit` outbox rows, ready to push. The batch stops before a mutation
    /// that names a customer created here whose server id is not known yet: it goes in
    /// the next batch, once the creation is answered.
    pub fn pending(&self, limit: usize) -> Result<Vec<PendingMutation>, StoreError> {
        let mut stmt =
            self.conn.prepare_cached("SELECT seq, mutation, created_at, basis FROM outbox ORDER BY seq LIMIT ?1")?;
        let rows = stmt
            .query_map([limit as i64], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?, r.get::<_, Option<i64>>(3)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut out = Vec::with_capacity(rows.len());
        for (seq, m, at, basis) in rows {
            let mut mutation: Mutation = parse_json("outbox mutation", &m)?;
            if let Some(c) = mutation_customer_mut(&mut mutation)
                && c.0 < 0
            {
                match mapped(&self.conn, *c)? {
                    Some(server) => *c = server,
                    None => {
                        let created_here: bool = self.conn.query_row(
                            "SELECT EXISTS (SELECT 1 FROM outbox WHERE customer_id = ?1 AND seq < ?2)",
                            [c.0, seq],
                            |r| r.get(0),
                        )?;
                        if created_here {
                            break;
                        }
                    }
                }
            }
            out.push(PendingMutation { seq, mutation, at: from_ms(at)?, basis });
        }
        Ok(out)
    }

    /// Records the server's answers, in one transaction: settled mutations leave the
    /// outbox, customers made here get their server ids, and every answer with a
    /// message becomes a notice. Answers for mutations no longer in the outbox (a
    /// retried push) change nothing. Returns the number of notices stored.
    pub fn settle(&mut self, results: &[Settlement], at: Timestamp) -> Result<usize, StoreError> {
        let tx = self.conn.transaction()?;
        let mut notices = 0;
        for r in results {
            let row: Option<(String, Option<i64>)> = tx
                .query_row("SELECT mutation, customer_id FROM outbox WHERE seq = ?1", [r.seq], |row| {
                    Ok((row.get(0)?, row.get(1)?))
                })
                .optional()?;
            let Some((m, provisional)) = row else { continue };
            let mutation: Mutation = parse_json("outbox mutation", &m)?;
            tx.execute("DELETE FROM outbox WHERE seq = ?1", [r.seq])?;
            if let (SettleOutcome::Applied { customer_id: Some(server), .. }, Some(p)) = (&r.outcome, provisional) {
                tx.execute("INSERT OR REPLACE INTO customer_map (provisional, server) VALUES (?1, ?2)", [p, server.0])?;
            }
            let (kind, message) = match &r.outcome {
                SettleOutcome::Applied { notice: Some(n), .. } => (NoticeKind::Notice, n),
                SettleOutcome::Applied { notice: None, .. } => continue,
                SettleOutcome::Transformed { message, .. } => (NoticeKind::Transformed, message),
                SettleOutcome::Rejected { message } => (NoticeKind::Rejected, message),
            };
            let customer = match mutation_customer(&mutation).or(provisional.map(CustomerId)) {
                Some(c) => Some(resolve_customer(&tx, c)?),
                None => None,
            };
            notices += insert_notice(&tx, at, mutation_case(&mutation), customer, kind, message, r.seq)?;
        }
        tx.commit()?;
        Ok(notices)
    }

    /// Applies a page of server changes and rebases the outbox on top, in one
    /// transaction, then stores `cursor`. Applying the same page twice leaves the same
    /// cache. `now` is when SLA clocks are evaluated for the stored snapshot.
    pub fn apply_remote(
        &mut self,
        changes: &[RemoteChange],
        cursor: i64,
        now: Timestamp,
    ) -> Result<RemoteApplied, StoreError> {
        self.rebase(changes, Some(cursor), now)
    }

    /// As [`Store::apply_remote`] for records fetched outside the change log (a
    /// customer's history opened on demand): the sync cursor is left alone.
    pub fn apply_fetched(&mut self, changes: &[RemoteChange], now: Timestamp) -> Result<RemoteApplied, StoreError> {
        self.rebase(changes, None, now)
    }

    fn rebase(
        &mut self,
        changes: &[RemoteChange],
        cursor: Option<i64>,
        now: Timestamp,
    ) -> Result<RemoteApplied, StoreError> {
        // Server records arrive in change-log order, so an event can come a page before
        // its case. Referential integrity is the server's: checks are off while its
        // records are written (the pragma only takes effect outside a transaction).
        self.conn.execute_batch("PRAGMA foreign_keys = OFF")?;
        let r = rebase_tx(&mut self.conn, &self.config, changes, cursor, now);
        let on = self.conn.execute_batch("PRAGMA foreign_keys = ON");
        let r = r?;
        on?;
        Ok(r)
    }

    /// The bulk path for a first sync into a cache with no server data: each page in
    /// one transaction with reused statements, the secondary and search indexes left
    /// out until [`Store::finish_initial`]. Pages may repeat records; the newest wins.
    pub fn apply_initial(
        &mut self,
        changes: &[RemoteChange],
        cursor: i64,
        now: Timestamp,
    ) -> Result<RemoteApplied, StoreError> {
        if self.meta(DEFERRED_INDEXES_KEY)?.is_none() {
            if self.has_server_data()? || self.pending_count()? > 0 {
                return self.apply_remote(changes, cursor, now);
            }
            drop_secondary_indexes(&self.conn)?;
        }
        self.conn.execute_batch("PRAGMA foreign_keys = OFF")?;
        self.conn.pragma_update(None, "cache_size", -512 * 1024)?;
        let r = initial_tx(&mut self.conn, &self.config, changes, cursor, now);
        let on = self.conn.execute_batch("PRAGMA foreign_keys = ON");
        self.conn.pragma_update(None, "cache_size", crate::schema::CACHE_KIB)?;
        let r = r?;
        on?;
        Ok(r)
    }

    /// Ends a first sync: rebuilds the indexes [`Store::apply_initial`] left out, fills
    /// the search indexes, adds placeholders for customers not delivered, and marks the
    /// initial sync done. Cheap when there is nothing to rebuild.
    pub fn finish_initial(&mut self) -> Result<Vec<CustomerId>, StoreError> {
        let tx = self.conn.transaction()?;
        rebuild_deferred(&tx)?;
        // Customers referred to but not delivered get a placeholder row until fetched.
        tx.execute_batch(
            "INSERT OR IGNORE INTO missing_customers (id)
                 SELECT customer_id FROM cases WHERE customer_id NOT IN (SELECT id FROM customers)
                 UNION SELECT customer_id FROM touchpoints
                     WHERE customer_id IS NOT NULL AND customer_id NOT IN (SELECT id FROM customers)
                 UNION SELECT customer_id FROM case_events WHERE customer_id NOT IN (SELECT id FROM customers);
             INSERT OR IGNORE INTO customers (id, name, created_at)
                 SELECT id, 'C-' || id, 0 FROM missing_customers;",
        )?;
        tx.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, '1')", [INITIAL_DONE_KEY])?;
        let missing = missing(&tx)?;
        tx.commit()?;
        Ok(missing)
    }

    /// Customers held only as placeholders: their history is still to be fetched.
    pub fn missing_customers(&self) -> Result<Vec<CustomerId>, StoreError> {
        missing(&self.conn)
    }

    /// Notices not yet shown, oldest first.
    pub fn unseen_notices(&self, limit: usize) -> Result<Vec<Notice>, StoreError> {
        notices(&self.conn, "WHERE seen = 0 ORDER BY id LIMIT ?1", [limit as i64])
    }

    pub fn mark_notices_seen(&self, ids: &[i64]) -> Result<(), StoreError> {
        let mut stmt = self.conn.prepare_cached("UPDATE notices SET seen = 1 WHERE id = ?1")?;
        for id in ids {
            stmt.execute([id])?;
        }
        Ok(())
    }

    /// Every notice about a case, oldest first.
    pub fn notices_for_case(&self, case_id: CaseId) -> Result<Vec<Notice>, StoreError> {
        notices(&self.conn, "WHERE case_id = ?1 ORDER BY id", [case_id.0])
    }
}

fn notices(conn: &Connection, tail: &str, p: impl rusqlite::Params) -> Result<Vec<Notice>, StoreError> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT id, at, case_id, customer_id, kind, message, seen FROM notices {tail}"))?;
    let rows = stmt.query_map(p, |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, Option<i64>>(2)?,
            r.get::<_, Option<i64>>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, bool>(6)?,
        ))
    })?;
    rows.map(|r| {
        let (id, at, case_id, customer_id, kind, message, seen) = r?;
        Ok(Notice {
            id,
            at: from_ms(at)?,
            case_id: case_id.map(CaseId),
            customer_id: customer_id.map(CustomerId),
            kind: NoticeKind::parse(&kind)?,
            message,
            seen,
        })
    })
    .collect()
}

/// Stores a notice unless the same one (same outbox row, kind and message) is there
/// already, so a repeated rebase does not repeat it. Returns 1 if stored.
fn insert_notice(
    tx: &Connection,
    at: Timestamp,
    case_id: Option<CaseId>,
    customer_id: Option<CustomerId>,
    kind: NoticeKind,
    message: &str,
    seq: i64,
) -> Result<usize, StoreError> {
    Ok(tx
        .prepare_cached(
            "INSERT INTO notices (at, case_id, customer_id, kind, message, outbox_seq) \
             SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE NOT EXISTS \
             (SELECT 1 FROM notices WHERE outbox_seq = ?6 AND kind = ?4 AND message = ?5)",
        )?
        .execute(params![ms(at), case_id.map(|c| c.0), customer_id.map(|c| c.0), kind.as_str(), message, seq])?)
}

fn mutation_case(m: &Mutation) -> Option<CaseId> {
    match m {
        Mutation::Case { case_id, .. } => Some(*case_id),
        _ => None,
    }
}

fn mutation_customer(m: &Mutation) -> Option<CustomerId> {
    match m {
        Mutation::LinkIdentity { customer_id, .. } | Mutation::UnlinkIdentity { customer_id, .. } => Some(*customer_id),
        _ => None,
    }
}

fn mutation_customer_mut(m: &mut Mutation) -> Option<&mut CustomerId> {
    match m {
        Mutation::LinkIdentity { customer_id, .. } | Mutation::UnlinkIdentity { customer_id, .. } => Some(customer_id),
        _ => None,
    }
}

fn mapped(conn: &Connection, provisional: CustomerId) -> Result<Option<CustomerId>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT server FROM customer_map WHERE provisional = ?1")?
        .query_row([provisional.0], |r| r.get(0))
        .optional()?
        .map(CustomerId))
}

/// The id a customer is held under now: a provisional id the server has mapped, once
/// the server's customer is in the cache, becomes the server's id.
pub(crate) fn resolve_customer(conn: &Connection, id: CustomerId) -> Result<CustomerId, StoreError> {
    if id.0 >= 0 {
        return Ok(id);
    }
    match mapped(conn, id)? {
        Some(server) => {
            let there: bool =
                conn.query_row("SELECT EXISTS (SELECT 1 FROM customers WHERE id = ?1)", [server.0], |r| r.get(0))?;
            Ok(if there { server } else { id })
        }
        None => Ok(id),
    }
}

fn version(conn: &Connection, kind: &str, id: i64) -> Result<Option<i64>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT pos FROM versions WHERE kind = ?1 AND id = ?2")?
        .query_row(params![kind, id], |r| r.get(0))
        .optional()?)
}

/// Whether a record at `pos` is at least as new as the stored one; if so, records it.
fn newer(conn: &Connection, kind: &str, id: i64, pos: i64) -> Result<bool, StoreError> {
    if version(conn, kind, id)?.is_some_and(|stored| stored > pos) {
        return Ok(false);
    }
    conn.prepare_cached("INSERT OR REPLACE INTO versions (kind, id, pos) VALUES (?1, ?2, ?3)")?
        .execute(params![kind, id, pos])?;
    Ok(true)
}

fn missing(conn: &Connection) -> Result<Vec<CustomerId>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT id FROM missing_customers ORDER BY id")?;
    Ok(stmt.query_map([], |r| r.get(0).map(CustomerId))?.collect::<Result<_, _>>()?)
}

/// A placeholder for a customer that a server record refers to but the cache lacks.
fn ensure_customer(tx: &Connection, id: CustomerId) -> Result<(), StoreError> {
    let added = tx
        .prepare_cached("INSERT OR IGNORE INTO customers (id, name, created_at) VALUES (?1, ?2, 0)")?
        .execute(params![id.0, id.to_string()])?;
    if added > 0 {
        tx.prepare_cached("INSERT OR IGNORE INTO missing_customers (id) VALUES (?1)")?.execute([id.0])?;
    }
    Ok(())
}

fn rebase_tx(
    conn: &mut Connection,
    config: &StoreConfig,
    changes: &[RemoteChange],
    cursor: Option<i64>,
    now: Timestamp,
) -> Result<RemoteApplied, StoreError> {
    let tx = conn.transaction()?;
    let mut touched = Touched::default();
    undo_optimistic(&tx, config, now, &mut touched)?;
    // Customers first, then cases, then their events and touchpoints; by position within
    // each kind.
    let mut order: Vec<&RemoteChange> = changes.iter().collect();
    order.sort_by_key(|c| (kind_rank(&c.record), c.pos));
    for c in order {
        upsert(&tx, config, c, now, &mut touched)?;
    }
    reapply_outbox(&tx, config, now, &mut touched)?;
    if let Some(cursor) = cursor {
        tx.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
            params![CURSOR_KEY, cursor.to_string()],
        )?;
    }
    let missing = missing(&tx)?;
    tx.commit()?;
    Ok(RemoteApplied {
        cases: touched.cases.into_iter().map(CaseId).collect(),
        customers: touched.customers.into_iter().map(CustomerId).collect(),
        missing_customers: missing,
        notices: touched.notices,
    })
}

fn kind_rank(r: &RemoteRecord) -> u8 {
    match r {
        RemoteRecord::Customer(_) => 0,
        RemoteRecord::Case(_) => 1,
        RemoteRecord::Event { .. } => 2,
        RemoteRecord::Touchpoint(_) => 3,
    }
}

/// Step 1 of a rebase: back to the server's state.
fn undo_optimistic(tx: &Connection, config: &StoreConfig, now: Timestamp, t: &mut Touched) -> Result<(), StoreError> {
    {
        let mut stmt =
            tx.prepare("SELECT DISTINCT case_id, customer_id FROM case_events WHERE outbox_seq IS NOT NULL")?;
        for r in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))? {
            let (case, customer) = r?;
            t.cases.insert(case);
            t.customers.insert(customer);
        }
    }
    tx.execute("DELETE FROM case_events WHERE outbox_seq IS NOT NULL", [])?;
    let shadows: Vec<String> = tx
        .prepare("SELECT doc FROM shadow_cases ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for doc in shadows {
        let case: Case = parse_json("shadowed case", &doc)?;
        write_case(tx, &case, config, now, false)?;
        t.cases.insert(case.id.0);
    }
    tx.execute("DELETE FROM shadow_cases", [])?;

    // Provisional customers: those the server has mapped move to the server's id;
    // the others go, and are made again below if their creation is still pending.
    let provisional: Vec<i64> =
        tx.prepare("SELECT id FROM customers WHERE id < 0")?.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    for p in provisional {
        t.customers.insert(p);
        tx.execute("DELETE FROM customers_fts WHERE rowid = ?1", [p])?;
        match mapped(tx, CustomerId(p))? {
            Some(s) => {
                let s = s.0;
                t.customers.insert(s);
                let there: bool =
                    tx.query_row("SELECT EXISTS (SELECT 1 FROM customers WHERE id = ?1)", [s], |r| r.get(0))?;
                if there {
                    tx.execute("DELETE FROM customers WHERE id = ?1", [p])?;
                } else {
                    tx.execute("UPDATE customers SET id = ?1 WHERE id = ?2", [s, p])?;
                }
                tx.execute("UPDATE OR IGNORE identities SET customer_id = ?1 WHERE customer_id = ?2", [s, p])?;
                tx.execute("DELETE FROM identities WHERE customer_id = ?1", [p])?;
                tx.execute("UPDATE touchpoints SET customer_id = ?1 WHERE customer_id = ?2", [s, p])?;
                tx.execute("UPDATE identity_links SET customer_id = ?1 WHERE customer_id = ?2", [s, p])?;
                let c = read_customer(tx, CustomerId(s), &config.identities)?;
                write_customer_fts(tx, &c)?;
            }
            None => {
                tx.execute("UPDATE touchpoints SET customer_id = NULL, link_id = NULL WHERE customer_id = ?1", [p])?;
                tx.execute("DELETE FROM identities WHERE customer_id = ?1", [p])?;
                tx.execute("DELETE FROM identity_links WHERE customer_id = ?1", [p])?;
                tx.execute("DELETE FROM customers WHERE id = ?1", [p])?;
            }
        }
    }
    Ok(())
}

/// Step 2: one server record, unless an equal or newer one is stored.
fn upsert(
    tx: &Connection,
    config: &StoreConfig,
    c: &RemoteChange,
    now: Timestamp,
    t: &mut Touched,
) -> Result<(), StoreError> {
    match &c.record {
        RemoteRecord::Customer(cu) => {
            if !newer(tx, "customer", cu.id.0, c.pos)? {
                return Ok(());
            }
            t.customers.insert(cu.id.0);
            tx.prepare_cached(
                "INSERT INTO customers (id, name, created_at) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, created_at = excluded.created_at",
            )?
            .execute(params![cu.id.0, cu.name, ms(cu.created_at)])?;
            tx.prepare_cached("DELETE FROM identities WHERE customer_id = ?1")?.execute([cu.id.0])?;
            let mut ins =
                tx.prepare_cached("INSERT OR REPLACE INTO identities (kind, value, customer_id) VALUES (?1, ?2, ?3)")?;
            for i in &cu.identities {
                ins.execute(params![i.kind().as_str(), i.value(), cu.id.0])?;
            }
            write_customer_fts(tx, cu)?;
            tx.prepare_cached("DELETE FROM missing_customers WHERE id = ?1")?.execute([cu.id.0])?;
        }
        RemoteRecord::Case(case) => {
            if !newer(tx, "case", case.id.0, c.pos)? {
                return Ok(());
            }
            t.cases.insert(case.id.0);
            t.customers.insert(case.customer_id.0);
            ensure_customer(tx, case.customer_id)?;
            write_case(tx, case, config, now, false)?;
        }
        RemoteRecord::Event { id, event } => {
            ensure_customer(tx, event.customer_id)?;
            if insert_server_event(tx, *id, event)? > 0 {
                t.cases.insert(event.case_id.0);
                t.customers.insert(event.customer_id.0);
            }
        }
        RemoteRecord::Touchpoint(tp) => {
            if !newer(tx, "touchpoint", tp.id.0, c.pos)? {
                return Ok(());
            }
            if let Some(cu) = tp.customer_id {
                ensure_customer(tx, cu)?;
                t.customers.insert(cu.0);
            }
            upsert_touchpoint(tx, tp)?;
            tx.prepare_cached("DELETE FROM touchpoints_fts WHERE rowid = ?1")?.execute([tp.id.0])?;
            tx.prepare_cached("INSERT INTO touchpoints_fts (rowid, text) VALUES (?1, ?2)")?
                .execute(params![tp.id.0, touchpoint_text(tp)])?;
        }
    }
    Ok(())
}

fn insert_server_event(tx: &Connection, id: i64, e: &CaseEvent) -> Result<usize, StoreError> {
    Ok(tx
        .prepare_cached(
            "INSERT OR IGNORE INTO case_events (case_id, customer_id, at, actor, kind, doc, server_id) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![e.case_id.0, e.customer_id.0, ms(e.at), json(&e.actor), e.kind.name(), json(&e.kind), id])?)
}

/// Writes a touchpoint's columns; an agent's link (`link_id`) is kept while the
/// touchpoint stays with the same customer.
fn upsert_touchpoint(tx: &Connection, t: &Touchpoint) -> Result<(), StoreError> {
    crate::load::write_touchpoint(
        tx,
        "ON CONFLICT (id) DO UPDATE SET customer_id = excluded.customer_id, case_id = excluded.case_id, \
         channel = excluded.channel, direction = excluded.direction, actor = excluded.actor, \
         occurred_at = excluded.occurred_at, identity_kind = excluded.identity_kind, \
         identity_value = excluded.identity_value, summary = excluded.summary, body = excluded.body, \
         facts = excluded.facts, \
         link_id = CASE WHEN touchpoints.customer_id IS excluded.customer_id THEN touchpoints.link_id END",
        t,
    )?;
    Ok(())
}

/// Step 3: every mutation still in the outbox, in order, on top of the server's state.
/// One that no longer applies stays in the outbox for the server to answer, and the
/// agent is told.
fn reapply_outbox(tx: &Connection, config: &StoreConfig, now: Timestamp, t: &mut Touched) -> Result<(), StoreError> {
    let rows: Vec<(i64, String, String, i64, Option<i64>)> = tx
        .prepare("SELECT seq, mutation, actor, created_at, customer_id FROM outbox ORDER BY seq")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<Result<_, _>>()?;
    for (seq, m, actor, at, provisional) in rows {
        let m: Mutation = parse_json("outbox mutation", &m)?;
        let actor: Actor = parse_json("outbox actor", &actor)?;
        let at = from_ms(at)?;
        tx.execute_batch("SAVEPOINT reapply")?;
        let mode = Mode::Reapply { provisional: provisional.map(CustomerId) };
        match apply_in(tx, &m, &actor, at, config, seq, mode) {
            Ok((event, customer, _)) => {
                tx.execute_batch("RELEASE reapply")?;
                if let Some(e) = event {
                    t.cases.insert(e.case_id.0);
                }
                if let Some(c) = customer {
                    t.customers.insert(c.0);
                }
            }
            Err(StoreError::Sqlite(e)) => return Err(StoreError::Sqlite(e)),
            Err(e) => {
                tx.execute_batch("ROLLBACK TO reapply; RELEASE reapply")?;
                let case = mutation_case(&m);
                let customer = mutation_customer(&m).or(provisional.map(CustomerId));
                let what = match case {
                    Some(c) => format!("Your {} on {c}", m.name().replace('_', " ")),
                    None => format!("Your {}", m.name().replace('_', " ")),
                };
                let message = format!(
                    "{what} no longer fits the latest changes ({e}); it is kept and will be checked by the server."
                );
                t.notices += insert_notice(tx, now, case, customer, NoticeKind::Notice, &message, seq)?;
            }
        }
    }
    Ok(())
}

/// The secondary indexes an initial sync builds at the end rather than row by row.
/// The ones a load itself needs (primary keys, the server event id) stay.
const KEPT_INDEXES: &[&str] = &["case_events_by_server_id", "case_events_optimistic"];

/// Rebuilds what [`Store::apply_initial`] left out, if anything: also run when a cache
/// is opened, so an initial sync cut short never leaves a cache without its indexes.
pub(crate) fn rebuild_deferred(tx: &Connection) -> Result<(), StoreError> {
    let Some(sqls) = tx
        .query_row("SELECT value FROM meta WHERE key = ?1", [DEFERRED_INDEXES_KEY], |r| r.get::<_, String>(0))
        .optional()?
    else {
        return Ok(());
    };
    let sqls: Vec<String> = parse_json("deferred indexes", &sqls)?;
    for sql in &sqls {
        tx.execute_batch(sql)?;
    }
    tx.execute_batch(
        "INSERT INTO touchpoints_fts (touchpoints_fts) VALUES ('delete-all');
         INSERT INTO touchpoints_fts (rowid, text)
             SELECT id, CASE WHEN body IS NULL THEN summary ELSE summary || char(10) || body END
             FROM touchpoints;
         INSERT INTO customers_fts (customers_fts) VALUES ('delete-all');
         INSERT INTO customers_fts (rowid, text)
             SELECT c.id, c.name || coalesce(' ' || (SELECT group_concat(value, ' ') FROM identities i
                                                     WHERE i.customer_id = c.id), '')
             FROM customers c;",
    )?;
    tx.execute("DELETE FROM meta WHERE key = ?1", [DEFERRED_INDEXES_KEY])?;
    Ok(())
}

fn drop_secondary_indexes(conn: &Connection) -> Result<(), StoreError> {
    let tx = conn.unchecked_transaction()?;
    let indexes: Vec<(String, String)> = tx
        .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut sqls = Vec::new();
    for (name, sql) in indexes.into_iter().filter(|(n, _)| !KEPT_INDEXES.contains(&n.as_str())) {
        tx.execute_batch(&format!("DROP INDEX \"{name}\""))?;
        sqls.push(sql);
    }
    tx.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)", params![DEFERRED_INDEXES_KEY, json(&sqls)])?;
    tx.commit()?;
    Ok(())
}

fn initial_tx(
    conn: &mut Connection,
    config: &StoreConfig,
    changes: &[RemoteChange],
    cursor: i64,
    now: Timestamp,
) -> Result<RemoteApplied, StoreError> {
    let tx = conn.transaction()?;
    let mut touched = Touched::default();
    {
        let mut cu = tx.prepare_cached(
            "INSERT INTO customers (id, name, created_at) VALUES (?1, ?2, ?3) \
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, created_at = excluded.created_at",
        )?;
        let mut del_ids = tx.prepare_cached("DELETE FROM identities WHERE customer_id = ?1")?;
        let mut ids =
            tx.prepare_cached("INSERT OR REPLACE INTO identities (kind, value, customer_id) VALUES (?1, ?2, ?3)")?;
        for c in changes {
            match &c.record {
                RemoteRecord::Customer(x) => {
                    let seen = version(&tx, "customer", x.id.0)?;
                    if !newer(&tx, "customer", x.id.0, c.pos)? {
                        continue;
                    }
                    touched.customers.insert(x.id.0);
                    cu.execute(params![x.id.0, x.name, ms(x.created_at)])?;
                    if seen.is_some() {
                        del_ids.execute([x.id.0])?;
                    }
                    for i in &x.identities {
                        ids.execute(params![i.kind().as_str(), i.value(), x.id.0])?;
                    }
                }
                RemoteRecord::Case(x) => {
                    let seen = version(&tx, "case", x.id.0)?;
                    if !newer(&tx, "case", x.id.0, c.pos)? {
                        continue;
                    }
                    touched.cases.insert(x.id.0);
                    write_case(&tx, x, config, now, seen.is_none())?;
                }
                RemoteRecord::Event { id, event } => {
                    insert_server_event(&tx, *id, event)?;
                }
                RemoteRecord::Touchpoint(x) => {
                    if !newer(&tx, "touchpoint", x.id.0, c.pos)? {
                        continue;
                    }
                    upsert_touchpoint(&tx, x)?;
                }
            }
        }
    }
    tx.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)", params![CURSOR_KEY, cursor.to_string()])?;
    tx.commit()?;
    Ok(RemoteApplied {
        cases: touched.cases.into_iter().map(CaseId).collect(),
        customers: touched.customers.into_iter().map(CustomerId).collect(),
        missing_customers: Vec::new(),
        notices: 0,
    })
}
