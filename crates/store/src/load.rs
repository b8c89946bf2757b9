//! Bulk loading: demo data, and later the initial sync. One transaction, prepared
//! statements reused for every row.

use crate::codec::{json, ms, touchpoint_text};
use crate::{Store, StoreConfig, StoreError};
use jiff::Timestamp;
use rusqlite::{Connection, params};
use tideline_core::sla::{case_clocks, next_due};
use tideline_core::{Case, CaseEvent, Customer, Touchpoint};

/// `cases.due_key` of a case with no running clock: sorts after every real time and,
/// unlike `i64::MAX`, survives a round trip through a JavaScript number in a cursor.
pub const NO_DUE_KEY: i64 = 9_007_199_254_740_991;

const LOAD_CACHE_KIB: i64 = -512 * 1024;

/// Writes many rows in one transaction. Nothing is visible to readers until
/// [`Loader::finish`]; dropping the loader rolls everything back.
pub struct Loader<'s> {
    /// Inside `BEGIN IMMEDIATE` from `Store::loader` until `finish` or drop.
    conn: &'s Connection,
    config: &'s StoreConfig,
    now: Timestamp,
    committed: bool,
}

impl Store {
    /// Starts a bulk load. `now` is when SLA clocks are evaluated for the stored
    /// snapshot.
    pub fn loader(&mut self, now: Timestamp) -> Result<Loader<'_>, StoreError> {
        // A bulk load touches every index page; a 512 MiB cache keeps them resident
        // until the commit. `finish` puts the interactive size back.
        self.conn.pragma_update(None, "cache_size", LOAD_CACHE_KIB)?;
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        Ok(Loader { conn: &self.conn, config: &self.config, now, committed: false })
    }
}

impl Loader<'_> {
    pub fn customer(&mut self, c: &Customer) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("INSERT INTO customers (id, name, created_at) VALUES (?1, ?2, ?3)")?
            .execute(params![c.id.0, c.name, ms(c.created_at)])?;
        let mut ins =
            self.conn.prepare_cached("INSERT INTO identities (kind, value, customer_id) VALUES (?1, ?2, ?3)")?;
        for i in &c.identities {
            ins.execute(params![i.kind().as_str(), i.value(), c.id.0])?;
        }
        write_customer_fts(self.conn, c)?;
        Ok(())
    }

    pub fn case(&mut self, case: &Case) -> Result<(), StoreError> {
        write_case(self.conn, case, self.config, self.now, true)
    }

    /// A case event; its case must be loaded first.
    pub fn event(&mut self, e: &CaseEvent) -> Result<(), StoreError> {
        insert_event(self.conn, e).map(drop)
    }

    pub fn touchpoint(&mut self, t: &Touchpoint) -> Result<(), StoreError> {
        t.validate()?;
        write_touchpoint(self.conn, "", t)?;
        self.conn
            .prepare_cached("INSERT INTO touchpoints_fts (rowid, text) VALUES (?1, ?2)")?
            .execute(params![t.id.0, touchpoint_text(t)])?;
        Ok(())
    }

    /// A customer with their cases, case events and touchpoints, in the order the
    /// foreign keys need.
    pub fn bundle<'t>(
        &mut self,
        customer: &Customer,
        cases: &[Case],
        events: &[CaseEvent],
        touchpoints: impl IntoIterator<Item = &'t Touchpoint>,
    ) -> Result<(), StoreError> {
        self.customer(customer)?;
        for c in cases {
            self.case(c)?;
        }
        for e in events {
            self.event(e)?;
        }
        for t in touchpoints {
            self.touchpoint(t)?;
        }
        Ok(())
    }

    pub fn finish(mut self) -> Result<(), StoreError> {
        self.conn.execute_batch("COMMIT")?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Loader<'_> {
    fn drop(&mut self) {
        // Best effort: if these fail the connection is left in a transaction or with a
        // larger cache, and the next statement reports the error.
        if !self.committed {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        let _ = self.conn.pragma_update(None, "cache_size", crate::schema::CACHE_KIB);
    }
}

pub(crate) fn write_customer_fts(tx: &Connection, c: &Customer) -> Result<(), StoreError> {
    let mut text = c.name.clone();
    for i in &c.identities {
        text.push(' ');
        text.push_str(i.value());
    }
    tx.prepare_cached("DELETE FROM customers_fts WHERE rowid = ?1")?.execute([c.id.0])?;
    tx.prepare_cached("INSERT INTO customers_fts (rowid, text) VALUES (?1, ?2)")?.execute(params![c.id.0, text])?;
    Ok(())
}

/// Writes a case row, its SLA snapshot and its search text. `fresh` skips the deletes
/// a brand-new row does not need.
pub(crate) fn write_case(
    tx: &Connection,
    case: &Case,
    config: &StoreConfig,
    now: Timestamp,
    fresh: bool,
) -> Result<(), StoreError> {
    let clocks = case_clocks(case, &config.sla, now);
    let due_key = next_due(&clocks).and_then(|c| c.due_at).map(ms).unwrap_or(NO_DUE_KEY);
    tx.prepare_cached(
        "INSERT OR REPLACE INTO cases (id, customer_id, status, priority_rank, queue, assignee, channel, opened_at, \
         due_key, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        case.id.0,
        case.customer_id.0,
        case.status.as_str(),
        case.priority.rank(),
        case.queue,
        case.assignee,
        case.channel.as_str(),
        ms(case.opened_at),
        due_key,
        json(case),
    ])?;
    if !fresh {
        tx.prepare_cached("DELETE FROM sla_clocks WHERE case_id = ?1")?.execute([case.id.0])?;
        tx.prepare_cached("DELETE FROM cases_fts WHERE rowid = ?1")?.execute([case.id.0])?;
    }
    let mut ins = tx.prepare_cached(
        "INSERT INTO sla_clocks (case_id, clock, state, target_ms, elapsed_ms, due_at, evaluated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for c in &clocks {
        ins.execute(params![
            case.id.0,
            json(&c.kind).trim_matches('"'),
            json(&c.state).trim_matches('"'),
            c.target.as_millis() as i64,
            c.elapsed.as_millis() as i64,
            c.due_at.map(ms),
            ms(now),
        ])?;
    }
    let text = format!("{} {} {}", case.id, case.subject, case.reasons.join(" "));
    tx.prepare_cached("INSERT INTO cases_fts (rowid, text) VALUES (?1, ?2)")?.execute(params![case.id.0, text])?;
    Ok(())
}

pub(crate) fn insert_event(tx: &Connection, e: &CaseEvent) -> Result<i64, StoreError> {
    tx.prepare_cached(
        "INSERT INTO case_events (case_id, customer_id, at, actor, kind, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![e.case_id.0, e.customer_id.0, ms(e.at), json(&e.actor), e.kind.name(), json(&e.kind)])?;
    Ok(tx.last_insert_rowid())
}

/// Inserts a touchpoint's row; `on_conflict` (empty, or an `ON CONFLICT …` clause) says
/// what to do when it is already there.
pub(crate) fn write_touchpoint(conn: &Connection, on_conflict: &str, t: &Touchpoint) -> Result<(), StoreError> {
    conn.prepare_cached(&format!(
        "INSERT INTO touchpoints (id, customer_id, case_id, channel, direction, actor, occurred_at, \
         identity_kind, identity_value, summary, body, facts) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) {on_conflict}"
    ))?
    .execute(params![
        t.id.0,
        t.customer_id.map(|c| c.0),
        t.case_id.map(|c| c.0),
        t.channel.as_str(),
        t.direction.as_str(),
        json(&t.actor),
        ms(t.occurred_at),
        t.identity.as_ref().map(|i| i.kind().as_str()),
        t.identity.as_ref().map(|i| i.value()),
        t.summary,
        t.body,
        (!t.facts.is_empty()).then(|| json(&t.facts)),
    ])?;
    Ok(())
}
