//! The batch path: a worker's new contacts in a fixed number of statements, however
//! many there are. It reads the customers' cases once, decides every contact in memory
//! with the same rules as the one-by-one path ([`contact::decide`]), then writes each
//! table with one statement, all sent at once.
//!
//! It takes only contacts whose key is new: a later report of a known contact, a second
//! report of one in the same batch, a delivery report and the like are left to the
//! one-by-one path, which the worker runs after this one. The caller holds the batch's
//! locks ([`contact::lock_batch`]) and wraps this in a savepoint: if a write fails,
//! every event goes one by one instead, so one bad event still cannot sink the rest.

use crate::db::changes::{ChangeBatch, Kind, NewChange, Positioned};
use crate::db::channels::ChannelKind;
use crate::error::ServerError;
use crate::ingest::contact::{self, Applied, Decision, IntakeRules, Owners};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use tideline_core::intake::Contact;
use tideline_core::{Case, CaseEvent, CaseId, CustomerId, Identity, Touchpoint, TouchpointId};
use tokio_postgres::GenericClient;
use tokio_postgres::types::ToSql;

type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

/// One event of the batch that carries a contact.
pub struct Item<'a> {
    pub inbox_id: i64,
    pub channel: &'a str,
    pub kind: ChannelKind,
    pub contact: &'a Contact,
    /// The sender, parsed once for the batch ([`contact::sender`]; phone numbers are
    /// costly to parse).
    pub identity: Option<Identity>,
}

/// What a contact does, decided in memory.
struct Plan {
    touchpoint: Touchpoint,
    queue: Option<String>,
    changed: Option<(Case, Vec<CaseEvent>)>,
    reply_route: Option<(CaseId, String)>,
}

/// Ids for what the plans create: placeholders while counting, then real ones.
#[derive(Default)]
struct Ids {
    touchpoints: Vec<i64>,
    cases: Vec<i64>,
    used_cases: usize,
}

impl Ids {
    fn case(&mut self) -> CaseId {
        let id = self.cases.get(self.used_cases).copied().unwrap_or(-1);
        self.used_cases += 1;
        CaseId(id)
    }
}

/// Runs the batch path over `items` (one tenant's, in inbox order). Writes the inbox
/// row of every event it took (done, or failed with its reason) and returns the inbox
/// ids of those it left for the one-by-one path.
pub async fn run<C: GenericClient>(
    tx: &C,
    tenant: &str,
    items: &[Item<'_>],
    owners: &Owners,
    rules: &IntakeRules,
) -> Result<HashSet<i64>, ServerError> {
    let keys: Vec<&str> = items.iter().map(|i| i.contact.key.as_str()).collect();
    let known: HashSet<String> = tx
        .query("SELECT key FROM contact_keys WHERE tenant_id = $1 AND key = ANY($2)", &[&tenant, &keys])
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut seen = HashSet::new();
    let (mine, left): (Vec<&Item>, Vec<&Item>) =
        items.iter().partition(|i| !known.contains(&i.contact.key) && seen.insert(i.contact.key.as_str()));
    let left: HashSet<i64> = left.iter().map(|i| i.inbox_id).collect();
    if mine.is_empty() {
        return Ok(left);
    }

    let customers = contact::customers(owners);
    let mut cases: HashMap<CustomerId, Vec<Case>> = HashMap::new();
    for r in
        tx.query("SELECT doc FROM cases WHERE tenant_id = $1 AND customer_id = ANY($2)", &[&tenant, &customers]).await?
    {
        let case: Case = serde_json::from_value(r.get(0))?;
        cases.entry(case.customer_id).or_default().push(case);
    }

    // Count what the plans create, then plan again with real ids (planning is pure).
    let mut counting = Ids::default();
    let counted = plan_all(&mine, cases.clone(), owners, rules, &mut counting);
    let events: usize = counted.iter().flatten().filter_map(|p| p.changed.as_ref()).map(|(_, e)| e.len()).sum();
    let row = tx
        .query_one(
            "SELECT (SELECT array_agg(nextval('touchpoint_ids')) FROM generate_series(1, $1::int)),
                    (SELECT array_agg(nextval('case_ids')) FROM generate_series(1, $2::int)),
                    (SELECT array_agg(nextval('case_events_id_seq')) FROM generate_series(1, $3::int))",
            &[&(mine.len() as i32), &(counting.used_cases as i32), &(events as i32)],
        )
        .await?;
    let unwrap = |v: Option<Vec<i64>>| v.unwrap_or_default();
    let mut ids = Ids { touchpoints: unwrap(row.get(0)), cases: unwrap(row.get(1)), used_cases: 0 };
    let mut event_ids = unwrap(row.get::<_, Option<Vec<i64>>>(2)).into_iter();
    let plans = plan_all(&mine, cases, owners, rules, &mut ids);

    let mut w = Writes::default();
    let mut changes = ChangeBatch::default();
    for (item, plan) in mine.iter().zip(plans) {
        match plan {
            Err(e) => w.inbox.push((item.inbox_id, "failed", e.to_string())),
            Ok(p) => {
                let applied = Applied::New {
                    touchpoint: p.touchpoint.id,
                    customer: p.touchpoint.customer_id,
                    case: p.touchpoint.case_id,
                };
                w.inbox.push((item.inbox_id, "done", applied.note()));
                w.add(&mut changes, item, p, &mut event_ids)?;
            }
        }
    }
    // Every lock is held by now, so positions can be given before the records are
    // written, and each record is written once, with its position.
    let positioned = changes.allocate(tx, tenant).await?;
    w.flush(tx, tenant, positioned.as_ref()).await?;
    Ok(left)
}

/// Decides each contact in order; each sees the cases as the ones before it left them.
fn plan_all(
    items: &[&Item],
    mut cases: HashMap<CustomerId, Vec<Case>>,
    owners: &Owners,
    rules: &IntakeRules,
    ids: &mut Ids,
) -> Vec<Result<Plan, ServerError>> {
    items
        .iter()
        .enumerate()
        .map(|(n, item)| {
            let c = item.contact;
            let identity = item.identity.clone();
            let customer =
                identity.as_ref().and_then(|i| owners.get(&(i.kind().as_str().to_string(), i.value().to_string())));
            let decision = match customer {
                Some(cu) => {
                    let theirs = cases.get(cu).map_or(&[][..], Vec::as_slice);
                    let new_id = if contact::opens_case(theirs, c, rules) { ids.case() } else { CaseId(0) };
                    contact::decide(theirs, *cu, item.channel, c, rules, new_id)?
                }
                None => Decision::Unthreaded,
            };
            let case = decision.case();
            let id = TouchpointId(ids.touchpoints.get(n).copied().unwrap_or(0));
            let touchpoint = contact::touchpoint(id, customer.copied(), case.map(|c| c.id), identity.clone(), c);
            touchpoint.validate().map_err(|e| ServerError::BadInput(format!("the touchpoint is not valid: {e}")))?;
            let reply_route = contact::reply_route(case, identity.as_ref(), item.kind, c);
            let queue = case.map(|c| c.queue.clone());
            let changed = match decision {
                Decision::Changed { case, events } => {
                    let theirs = cases.entry(case.customer_id).or_default();
                    match theirs.iter_mut().find(|o| o.id == case.id) {
                        Some(old) => *old = case.clone(),
                        None => theirs.push(case.clone()),
                    }
                    Some((case, events))
                }
                _ => None,
            };
            Ok(Plan { touchpoint, queue, changed, reply_route })
        })
        .collect()
}

/// The rows a batch writes, one statement per table.
#[derive(Default)]
struct Writes {
    /// Each case once, in its last state.
    cases: HashMap<i64, (Case, Value)>,
    events: Vec<(i64, CaseEvent, Value)>,
    touchpoints: Vec<(Touchpoint, Value)>,
    contact_keys: Vec<(String, i64, i64)>,
    reply_routes: HashMap<i64, (String, String)>,
    inbox: Vec<(i64, &'static str, String)>,
}

impl Writes {
    /// Adds a plan's rows, and its changes in the order the one-by-one path makes
    /// them: the case's events, the case, the touchpoint.
    fn add(
        &mut self,
        changes: &mut ChangeBatch,
        item: &Item,
        p: Plan,
        event_ids: &mut impl Iterator<Item = i64>,
    ) -> Result<(), ServerError> {
        if let Some((case, events)) = p.changed {
            for e in events {
                let id = event_ids.next().ok_or_else(|| ServerError::Invalid("too few event ids".into()))?;
                let doc = serde_json::to_value(&e)?;
                changes.push(change(Kind::Event, id, &case, doc.clone()));
                self.events.push((id, e, doc));
            }
            let doc = serde_json::to_value(&case)?;
            changes.push(change(Kind::Case, case.id.0, &case, doc.clone()));
            self.cases.insert(case.id.0, (case, doc));
        }
        let t = p.touchpoint;
        let doc = serde_json::to_value(&t)?;
        changes.push(NewChange {
            kind: Kind::Touchpoint,
            record_id: t.id.0,
            customer_id: t.customer_id.map(|c| c.0),
            queue: p.queue,
            doc: doc.clone(),
        });
        self.contact_keys.push((item.contact.key.clone(), t.id.0, item.contact.revision));
        if let Some((case, address)) = p.reply_route {
            self.reply_routes.insert(case.0, (item.channel.to_string(), address));
        }
        self.touchpoints.push((t, doc));
        Ok(())
    }

    /// One statement per table, all sent before the first answer is awaited.
    async fn flush<C: GenericClient>(
        self,
        tx: &C,
        tenant: &str,
        positioned: Option<&Positioned>,
    ) -> Result<(), ServerError> {
        let pos = |kind: Kind, id: i64| positioned.and_then(|p| p.of(kind, id));
        let cases: Vec<&(Case, Value)> = self.cases.values().collect();
        let case_ids: Vec<i64> = cases.iter().map(|(c, _)| c.id.0).collect();
        let case_customers: Vec<i64> = cases.iter().map(|(c, _)| c.customer_id.0).collect();
        let case_queues: Vec<&str> = cases.iter().map(|(c, _)| c.queue.as_str()).collect();
        let case_assignees: Vec<Option<&str>> = cases.iter().map(|(c, _)| c.assignee.as_deref()).collect();
        let case_statuses: Vec<&str> = cases.iter().map(|(c, _)| c.status.as_str()).collect();
        let case_docs: Vec<&Value> = cases.iter().map(|(_, d)| d).collect();
        let case_pos: Vec<Option<i64>> = case_ids.iter().map(|id| pos(Kind::Case, *id)).collect();
        let cases_params: Params = &[
            &tenant,
            &case_ids,
            &case_customers,
            &case_queues,
            &case_assignees,
            &case_statuses,
            &case_docs,
            &case_pos,
        ];
        let write_cases = tx.execute(
            "INSERT INTO cases (tenant_id, id, customer_id, queue, assignee, status, doc, pos)
             SELECT $1, * FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::jsonb[],
                 $8::bigint[])
             ON CONFLICT (tenant_id, id) DO UPDATE SET queue = excluded.queue, assignee = excluded.assignee,
                 status = excluded.status, doc = excluded.doc, pos = excluded.pos",
            cases_params,
        );

        let ev_ids: Vec<i64> = self.events.iter().map(|(id, _, _)| *id).collect();
        let ev_cases: Vec<i64> = self.events.iter().map(|(_, e, _)| e.case_id.0).collect();
        let ev_customers: Vec<i64> = self.events.iter().map(|(_, e, _)| e.customer_id.0).collect();
        let ev_actors: Vec<String> = self.events.iter().map(|(_, e, _)| e.actor.to_string()).collect();
        let ev_docs: Vec<&Value> = self.events.iter().map(|(_, _, d)| d).collect();
        let ev_pos: Vec<Option<i64>> = ev_ids.iter().map(|id| pos(Kind::Event, *id)).collect();
        let events_params: Params = &[&tenant, &ev_ids, &ev_cases, &ev_customers, &ev_actors, &ev_docs, &ev_pos];
        let write_events = tx.execute(
            "INSERT INTO case_events (tenant_id, id, case_id, customer_id, actor, doc, pos)
             SELECT $1, * FROM unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::jsonb[], $7::bigint[])",
            events_params,
        );

        let tp_ids: Vec<i64> = self.touchpoints.iter().map(|(t, _)| t.id.0).collect();
        let tp_customers: Vec<Option<i64>> = self.touchpoints.iter().map(|(t, _)| t.customer_id.map(|c| c.0)).collect();
        let tp_cases: Vec<Option<i64>> = self.touchpoints.iter().map(|(t, _)| t.case_id.map(|c| c.0)).collect();
        let tp_kinds: Vec<Option<&str>> =
            self.touchpoints.iter().map(|(t, _)| t.identity.as_ref().map(|i| i.kind().as_str())).collect();
        let tp_values: Vec<Option<&str>> =
            self.touchpoints.iter().map(|(t, _)| t.identity.as_ref().map(|i| i.value())).collect();
        let tp_docs: Vec<&Value> = self.touchpoints.iter().map(|(_, d)| d).collect();
        let tp_pos: Vec<Option<i64>> = tp_ids.iter().map(|id| pos(Kind::Touchpoint, *id)).collect();
        let touchpoints_params: Params =
            &[&tenant, &tp_ids, &tp_customers, &tp_cases, &tp_kinds, &tp_values, &tp_docs, &tp_pos];
        let write_touchpoints = tx.execute(
            "INSERT INTO touchpoints (tenant_id, id, customer_id, case_id, identity_kind, identity_value, doc, pos)
             SELECT $1, * FROM unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::jsonb[],
                 $8::bigint[])",
            touchpoints_params,
        );

        let ck_keys: Vec<&str> = self.contact_keys.iter().map(|(k, _, _)| k.as_str()).collect();
        let ck_touchpoints: Vec<i64> = self.contact_keys.iter().map(|(_, t, _)| *t).collect();
        let ck_revisions: Vec<i64> = self.contact_keys.iter().map(|(_, _, r)| *r).collect();
        let keys_params: Params = &[&tenant, &ck_keys, &ck_touchpoints, &ck_revisions];
        let write_keys = tx.execute(
            "INSERT INTO contact_keys (tenant_id, key, touchpoint_id, revision)
             SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::bigint[])",
            keys_params,
        );

        let rr_cases: Vec<i64> = self.reply_routes.keys().copied().collect();
        let rr_channels: Vec<&str> = self.reply_routes.values().map(|(c, _)| c.as_str()).collect();
        let rr_addresses: Vec<&str> = self.reply_routes.values().map(|(_, a)| a.as_str()).collect();
        let routes_params: Params = &[&tenant, &rr_cases, &rr_channels, &rr_addresses];
        let write_routes = tx.execute(
            "INSERT INTO case_reply_routes (tenant_id, case_id, channel, address)
             SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::text[])
             ON CONFLICT (tenant_id, case_id) DO UPDATE SET channel = excluded.channel, address = excluded.address",
            routes_params,
        );

        let in_ids: Vec<i64> = self.inbox.iter().map(|(id, _, _)| *id).collect();
        let in_states: Vec<&str> = self.inbox.iter().map(|(_, s, _)| *s).collect();
        let in_notes: Vec<&str> = self.inbox.iter().map(|(_, _, n)| n.as_str()).collect();
        let inbox_params: Params = &[&in_ids, &in_states, &in_notes];
        let write_inbox = tx.execute(
            "UPDATE inbox i SET state = u.state, attempts = i.attempts + 1, error = u.note,
                 processed_at = CASE WHEN u.state = 'done' THEN now() END
             FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(id, state, note) WHERE i.id = u.id",
            inbox_params,
        );

        tokio::try_join!(write_cases, write_events, write_touchpoints, write_keys, write_routes, write_inbox)?;
        Ok(())
    }
}

fn change(kind: Kind, id: i64, case: &Case, doc: Value) -> NewChange {
    NewChange { kind, record_id: id, customer_id: Some(case.customer_id.0), queue: Some(case.queue.clone()), doc }
}
