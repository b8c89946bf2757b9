//! `POST /v1/push`: a batch of a client's outbox, applied in one transaction.
//!
//! 1. Lock, in a fixed order: the client (so a retry racing its original waits), then
//!    every case the batch touches by id, then (for identity changes) the tenant's
//!    identity lock. Sorted advisory locks cannot deadlock.
//! 2. Per mutation: a `(client_id, seq)` already applied returns its stored outcome and
//!    changes nothing (exactly once, also after a crash, since a crashed transaction
//!    rolled back). Otherwise check rights, settle it with [`tideline_sync::decide`]
//!    (actor: always the signed-in user; time: the server's), write the records, store
//!    the outcome and audit it.
//! 3. Last, [`ChangeBatch::finish`] allocates change positions; then commit.

use crate::db::audit::{self, Subject};
use crate::db::catalogue;
use crate::db::changes::{ChangeBatch, Kind, NewChange};
use crate::db::locks::{LOCK_CASE, LOCK_CLIENT, LOCK_IDENTITIES, lock_key, string_key};
use crate::domain::links;
use crate::domain::scope;
use crate::domain::user::User;
use crate::error::ServerError;
use deadpool_postgres::Pool;
use jiff::Timestamp;
use std::collections::HashMap;
use tideline_core::mutation::Mutation;
use tideline_core::{Actor, Case, CaseEvent, CaseId, ClosureCatalogue};
use tideline_sync::decide::{Context, Decision, decide};
use tideline_sync::protocol::{MAX_PUSH_BATCH, Outcome, PushMutation, PushRequest, PushResponse, PushResult};
use tokio_postgres::Transaction;

pub async fn push(pool: &Pool, user: &User, req: PushRequest) -> Result<PushResponse, ServerError> {
    if req.mutations.len() > MAX_PUSH_BATCH {
        return Err(ServerError::TooLarge(format!(
            "A push carries at most {MAX_PUSH_BATCH} mutations; this one has {}. Send the rest in another push.",
            req.mutations.len()
        )));
    }
    if req.client_id.trim().is_empty() || req.client_id.len() > 200 {
        return Err(ServerError::BadInput("`client_id` must be 1 to 200 characters.".into()));
    }
    let now = Timestamp::now();
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    let tenant = user.tenant.as_str();

    let mut keys: Vec<i64> = req
        .mutations
        .iter()
        .map(|m| match &m.mutation {
            Mutation::Case { case_id, .. } => lock_key(LOCK_CASE, case_id.0),
            _ => lock_key(LOCK_IDENTITIES, 0),
        })
        .collect();
    keys.sort_unstable();
    keys.dedup();
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&lock_key(LOCK_CLIENT, string_key(&req.client_id))]).await?;
    for k in &keys {
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[k]).await?;
    }

    let defs = catalogue::load(&*tx, tenant).await?;
    let mut cx = Batch {
        tx: &tx,
        user,
        now,
        catalogue: catalogue::catalogue(&defs),
        names: None,
        changes: ChangeBatch::default(),
    };
    let mut results = Vec::with_capacity(req.mutations.len());
    for m in &req.mutations {
        let outcome = cx.one(&req.client_id, m).await?;
        results.push(PushResult { seq: m.seq, outcome });
    }
    let changes = std::mem::take(&mut cx.changes);
    let head = match changes.finish(&*tx, tenant).await? {
        Some(h) => h,
        None => tx.query_one("SELECT head FROM tenants WHERE id = $1", &[&tenant]).await?.get(0),
    };
    tx.commit().await?;
    Ok(PushResponse { results, head })
}

struct Batch<'a, 't> {
    tx: &'a Transaction<'t>,
    user: &'a User,
    now: Timestamp,
    catalogue: ClosureCatalogue,
    /// Display names by username, loaded when a notice first needs them.
    names: Option<HashMap<String, String>>,
    changes: ChangeBatch,
}

impl Batch<'_, '_> {
    async fn one(&mut self, client_id: &str, m: &PushMutation) -> Result<Outcome, ServerError> {
        let tenant = self.user.tenant.as_str();
        let done = self
            .tx
            .query_opt(
                "SELECT user_id, outcome FROM applied_mutations WHERE tenant_id = $1 AND client_id = $2 AND seq = $3",
                &[&tenant, &client_id, &m.seq],
            )
            .await?;
        if let Some(row) = done {
            let by: i64 = row.get(0);
            if by != self.user.id {
                return Ok(Outcome::Rejected {
                    message: format!("Change {} of this cache was already sent by another user.", m.seq),
                });
            }
            return Ok(serde_json::from_value(row.get(1))?);
        }
        let (outcome, subject) = match &m.mutation {
            Mutation::Case { case_id, action } => {
                (self.case(*case_id, action, m).await?, Subject { case_id: Some(*case_id), customer_id: None })
            }
            Mutation::LinkIdentity { touchpoint_id, customer_id } => {
                let o = links::link(self.tx, &mut self.changes, self.user, *touchpoint_id, *customer_id).await?;
                (o, Subject { case_id: None, customer_id: Some(*customer_id) })
            }
            Mutation::CreateCustomer { touchpoint_id, name } => {
                let o = links::create_customer(self.tx, &mut self.changes, self.user, *touchpoint_id, name, self.now)
                    .await?;
                let customer_id = match &o {
                    Outcome::Applied { customer_id, .. } => *customer_id,
                    _ => None,
                };
                (o, Subject { case_id: None, customer_id })
            }
            Mutation::RetryDelivery { touchpoint_id } => {
                (self.retry(*touchpoint_id).await?, Subject { case_id: None, customer_id: None })
            }
            Mutation::UnlinkIdentity { identity, customer_id } => {
                let o = links::unlink(self.tx, &mut self.changes, self.user, identity, *customer_id).await?;
                (o, Subject { case_id: None, customer_id: Some(*customer_id) })
            }
        };
        self.tx
            .execute(
                "INSERT INTO applied_mutations (tenant_id, client_id, seq, user_id, outcome)
                 VALUES ($1, $2, $3, $4, $5)",
                &[&tenant, &client_id, &m.seq, &self.user.id, &serde_json::to_value(&outcome)?],
            )
            .await?;
        let detail = match &outcome {
            Outcome::Applied { notice, .. } => notice.clone().unwrap_or_default(),
            Outcome::Transformed { message, .. } => format!("transformed: {message}"),
            Outcome::Rejected { message } => format!("rejected: {message}"),
        };
        audit::record(self.tx, tenant, &self.user.username, m.mutation.name(), subject, &detail).await?;
        Ok(outcome)
    }

    /// The agent's Retry on a failed message of a case they may change.
    async fn retry(&mut self, touchpoint_id: tideline_core::TouchpointId) -> Result<Outcome, ServerError> {
        let tenant = self.user.tenant.as_str();
        let refused = || Outcome::Rejected { message: format!("You cannot retry {touchpoint_id}.") };
        let Some(t) = crate::db::records::load_touchpoint(self.tx, tenant, touchpoint_id.0).await? else {
            return Ok(refused());
        };
        let case = match t.case_id {
            Some(c) => crate::db::records::load_case(self.tx, tenant, c.0).await?,
            None => None,
        };
        if !case.is_some_and(|c| scope::may_change_case(self.user, &c)) {
            return Ok(refused());
        }
        Ok(match crate::outbound::retry(self.tx, &mut self.changes, tenant, touchpoint_id).await? {
            Ok(()) => Outcome::Applied { customer_id: None, notice: None },
            Err(message) => Outcome::Rejected { message },
        })
    }

    async fn case(
        &mut self,
        case_id: CaseId,
        action: &tideline_core::CaseAction,
        m: &PushMutation,
    ) -> Result<Outcome, ServerError> {
        let tenant = self.user.tenant.as_str();
        let row =
            self.tx.query_opt("SELECT doc FROM cases WHERE tenant_id = $1 AND id = $2", &[&tenant, &case_id.0]).await?;
        let Some(row) = row else {
            let message = if self.user.role.sees_everything() {
                format!("There is no case {case_id}.")
            } else {
                scope::not_yours(case_id)
            };
            return Ok(Outcome::Rejected { message });
        };
        let case: Case = serde_json::from_value(row.get(0))?;
        if !scope::may_change_case(self.user, &case) {
            return Ok(Outcome::Rejected { message: scope::not_yours(case_id) });
        }
        let actor = Actor::Agent(self.user.username.clone());
        let since = match m.basis {
            Some(basis) => self.events_since(case_id, basis, &actor).await?,
            None => Vec::new(),
        };
        if !since.is_empty() && self.names.is_none() {
            let rows =
                self.tx.query("SELECT username, display_name FROM users WHERE tenant_id = $1", &[&tenant]).await?;
            self.names = Some(rows.iter().map(|r| (r.get(0), r.get(1))).collect());
        }
        let names = self.names.clone().unwrap_or_default();
        let name = move |u: &str| names.get(u).cloned().unwrap_or_else(|| u.to_string());
        let decision = {
            let cx =
                Context { catalogue: &self.catalogue, now: self.now, acted_at: m.at, since_basis: &since, name: &name };
            decide(&case, action, &actor, &cx)
        };
        match decision {
            Decision::Apply { case, event, notice } => {
                self.write(&case, &event).await?;
                if let tideline_core::CaseEventKind::Replied { body } = &event.kind {
                    let tenant = self.user.tenant.as_str();
                    crate::outbound::queue_reply(self.tx, &mut self.changes, tenant, &case, body, &actor, self.now)
                        .await?;
                }
                Ok(Outcome::Applied { customer_id: None, notice })
            }
            Decision::Transform { into, case, event, message } => {
                self.write(&case, &event).await?;
                Ok(Outcome::Transformed { into: Mutation::Case { case_id, action: into }, message })
            }
            Decision::Reject { message } => Ok(Outcome::Rejected { message }),
        }
    }

    /// Events on the case after `basis` by anyone but `me`, oldest first.
    async fn events_since(&self, case_id: CaseId, basis: i64, me: &Actor) -> Result<Vec<CaseEvent>, ServerError> {
        let rows = self
            .tx
            .query(
                "SELECT doc FROM case_events WHERE tenant_id = $1 AND case_id = $2 AND pos > $3 ORDER BY pos, id",
                &[&self.user.tenant, &case_id.0, &basis],
            )
            .await?;
        let mut events = Vec::with_capacity(rows.len());
        for r in rows {
            let e: CaseEvent = serde_json::from_value(r.get(0))?;
            if e.actor != *me {
                events.push(e);
            }
        }
        Ok(events)
    }

    async fn write(&mut self, case: &Case, event: &CaseEvent) -> Result<(), ServerError> {
        let tenant = self.user.tenant.as_str();
        let case_doc = serde_json::to_value(case)?;
        self.tx
            .execute(
                "UPDATE cases SET queue = $3, assignee = $4, status = $5, doc = $6, pos = NULL
                 WHERE tenant_id = $1 AND id = $2",
                &[&tenant, &case.id.0, &case.queue, &case.assignee, &case.status.as_str(), &case_doc],
            )
            .await?;
        let event_doc = serde_json::to_value(event)?;
        let event_id: i64 = self
            .tx
            .query_one(
                "INSERT INTO case_events (tenant_id, case_id, customer_id, actor, doc) VALUES ($1, $2, $3, $4, $5)
                 RETURNING id",
                &[&tenant, &case.id.0, &case.customer_id.0, &event.actor.to_string(), &event_doc],
            )
            .await?
            .get(0);
        let queue = Some(case.queue.clone());
        let customer_id = Some(case.customer_id.0);
        // The event's change comes first, so the case's position is its version: no event
        // of it is newer (the basis of the traffic cop).
        self.changes.push(NewChange {
            kind: Kind::Event,
            record_id: event_id,
            customer_id,
            queue: queue.clone(),
            doc: event_doc,
        });
        self.changes.push(NewChange { kind: Kind::Case, record_id: case.id.0, customer_id, queue, doc: case_doc });
        Ok(())
    }
}
