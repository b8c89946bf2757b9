//! Bulk loading: demo data, and later the initial sync. One transaction, prepared
//! statements reused for every row.

use crate::codec::{json, ms, touchpoint_text};
use crate::{Store, StoreConfig, StoreError};
use jiff::Timestamp;
use rusqlite::{Transaction, params};
use tideline_core::sla::{case_clocks, next_due};
use tideline_core::{Case, CaseEvent, Customer, Touchpoint};

/// Writes many rows in one transaction. Nothing is visible to readers until
/// [`Loader::finish`]; dropping the loader rolls everything back.
pub struct Loader<'s> {
    tx: Transaction<'s>,
    config: &'s StoreConfig,
    now: Timestamp,
}

impl Store {
    /// Starts a bulk load. `now` is when SLA clocks are evaluated for the stored
    /// snapshot.
    pub fn loader(&mut self, now: Timestamp) -> Result<Loader<'_>, StoreError> {
        let tx = self.conn.transaction()?;
        Ok(Loader { tx, config: &self.config, now })
    }
}

impl Loader<'_> {
    pub fn customer(&mut self, c: &Customer) -> Result<(), StoreError> {
        self.tx
            .prepare_cached("INSERT INTO customers (id, name, created_at) VALUES (?1, ?2, ?3)")?
            .execute(params![c.id.0, c.name, ms(c.created_at)])?;
        let mut ins =
            self.tx.prepare_cached("INSERT INTO identities (kind, value, customer_id) VALUES (?1, ?2, ?3)")?;
        for i in &c.identities {
            ins.execute(params![i.kind().as_str(), i.value(), c.id.0])?;
        }
        write_customer_fts(&self.tx, c)?;
        Ok(())
    }

    pub fn case(&mut self, case: &Case) -> Result<(), StoreError> {
        write_case(&self.tx, case, self.config, self.now, true)
    }

    /// A case event; its case must be loaded first.
    pub fn event(&mut self, e: &CaseEvent) -> Result<(), StoreError> {
        insert_event(&self.tx, e).map(drop)
    }

    pub fn touchpoint(&mut self, t: &Touchpoint) -> Result<(), StoreError> {
        t.validate()?;
        self.tx
            .prepare_cached(
                "INSERT INTO touchpoints (id, customer_id, case_id, channel, direction, actor, occurred_at, \
                 identity_kind, identity_value, summary, body, facts) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?
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
        self.tx
            .prepare_cached("INSERT INTO touchpoints_fts (rowid, text) VALUES (?1, ?2)")?
            .execute(params![t.id.0, touchpoint_text(t)])?;
        Ok(())
    }

    pub fn finish(self) -> Result<(), StoreError> {
        self.tx.commit()?;
        Ok(())
    }
}

pub(crate) fn write_customer_fts(tx: &Transaction<'_>, c: &Customer) -> Result<(), StoreError> {
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
    tx: &Transaction<'_>,
    case: &Case,
    config: &StoreConfig,
    now: Timestamp,
    fresh: bool,
) -> Result<(), StoreError> {
    let clocks = case_clocks(case, &config.sla, now);
    let due_key = next_due(&clocks).and_then(|c| c.due_at).map(ms).unwrap_or(i64::MAX);
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

pub(crate) fn insert_event(tx: &Transaction<'_>, e: &CaseEvent) -> Result<i64, StoreError> {
    tx.prepare_cached(
        "INSERT INTO case_events (case_id, customer_id, at, actor, kind, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![e.case_id.0, e.customer_id.0, ms(e.at), json(&e.actor), e.kind.name(), json(&e.kind)])?;
    Ok(tx.last_insert_rowid())
}
