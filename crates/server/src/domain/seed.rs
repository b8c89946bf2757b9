//! Loading records in bulk: the demo contact centre for `tideline serve --demo`, and
//! [`load_bundles`] for benchmarks (about a million rows).
//!
//! Rows go in with one multi-row `INSERT … SELECT FROM unnest(…)` per table per chunk,
//! each record with its change row; positions are allocated first, under the tenant row
//! lock, so the log stays gap-free and in order.

use crate::db::changes::{Kind, NewChange, insert_changes};
use crate::db::channels::{self, ChannelConfig, ChannelKind, ChannelSettings};
use crate::db::config;
use crate::domain::users::{self, DEFAULT_TENANT, NewUser};
use crate::error::ServerError;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use tideline_core::Priority;
use tideline_core::intake::RoutingRule;
use tideline_demo::{CustomerBundle, DemoConfig};
use tideline_sync::protocol::Role;
use tokio_postgres::GenericClient;

/// Bundles per round trip.
const CHUNK: usize = 500;
/// The demo users' password.
pub const DEMO_PASSWORD: &str = "demo";

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeedCounts {
    pub customers: usize,
    pub cases: usize,
    pub events: usize,
    pub touchpoints: usize,
}

impl SeedCounts {
    pub fn records(&self) -> usize {
        self.customers + self.cases + self.events + self.touchpoints
    }
}

/// Loads `bundles` into `tenant` as records with change rows. Run it inside a
/// transaction; it holds the tenant row lock from its first chunk on.
pub async fn load_bundles<C: GenericClient>(
    client: &C,
    tenant: &str,
    bundles: impl IntoIterator<Item = CustomerBundle>,
) -> Result<SeedCounts, ServerError> {
    let mut counts = SeedCounts::default();
    let mut chunk = Vec::with_capacity(CHUNK);
    for b in bundles {
        chunk.push(b);
        if chunk.len() == CHUNK {
            load_chunk(client, tenant, &chunk, &mut counts).await?;
            chunk.clear();
        }
    }
    if !chunk.is_empty() {
        load_chunk(client, tenant, &chunk, &mut counts).await?;
    }
    client
        .batch_execute(
            "SELECT setval('customer_ids', greatest((SELECT max(id) FROM customers), 1));
             SELECT setval('case_ids', greatest((SELECT max(id) FROM cases), 1));
             SELECT setval('touchpoint_ids', greatest((SELECT max(id) FROM touchpoints), 1));",
        )
        .await?;
    // Fresh statistics: without them the planner reads a just-loaded change log by a
    // sequential scan per pull page (seen in the sync benchmark: 77 s instead of 9 s).
    client.batch_execute("ANALYZE customers, identities, cases, case_events, touchpoints, changes").await?;
    let head: i64 = client.query_one("SELECT head FROM tenants WHERE id = $1", &[&tenant]).await?.get(0);
    client.execute("SELECT pg_notify('tideline_changes', $1)", &[&format!("{tenant}:{head}")]).await?;
    Ok(counts)
}

#[derive(Default)]
struct Rows {
    changes: Vec<NewChange>,
    identities: (Vec<String>, Vec<String>, Vec<i64>),
    case_cols: (Vec<String>, Vec<Option<String>>, Vec<String>),
    event_actors: Vec<String>,
    tp_cols: TouchpointColumns,
}

#[derive(Default)]
struct TouchpointColumns {
    case_ids: Vec<Option<i64>>,
    kinds: Vec<Option<String>>,
    values: Vec<Option<String>>,
}

/// The columns every record table shares, for one kind.
#[derive(Default)]
struct Columns<'a> {
    ids: Vec<i64>,
    pos: Vec<i64>,
    customers: Vec<Option<i64>>,
    docs: Vec<&'a Value>,
}

async fn load_chunk<C: GenericClient>(
    client: &C,
    tenant: &str,
    chunk: &[CustomerBundle],
    counts: &mut SeedCounts,
) -> Result<(), ServerError> {
    let n_events: usize = chunk.iter().map(|b| b.events.len()).sum();
    let event_ids: Vec<i64> = client
        .query("SELECT nextval('case_events_id_seq') FROM generate_series(1, $1::bigint)", &[&(n_events as i64)])
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut event_ids = event_ids.into_iter();
    let mut rows = Rows::default();
    for b in chunk {
        let cid = b.customer.id.0;
        rows.changes.push(NewChange {
            kind: Kind::Customer,
            record_id: cid,
            customer_id: Some(cid),
            queue: None,
            doc: serde_json::to_value(&b.customer)?,
        });
        for i in &b.customer.identities {
            rows.identities.0.push(i.kind().as_str().into());
            rows.identities.1.push(i.value().into());
            rows.identities.2.push(cid);
        }
        let queues: HashMap<i64, &str> = b.cases.iter().map(|c| (c.id.0, c.queue.as_str())).collect();
        // A case's change comes after its events', so the case's position is its version:
        // no event of it is newer (the basis of the traffic cop).
        for e in &b.events {
            let id = event_ids.next().ok_or_else(|| ServerError::Invalid("ran out of event ids".into()))?;
            rows.changes.push(NewChange {
                kind: Kind::Event,
                record_id: id,
                customer_id: Some(e.customer_id.0),
                queue: queues.get(&e.case_id.0).map(|q| q.to_string()),
                doc: serde_json::to_value(e)?,
            });
            rows.event_actors.push(e.actor.to_string());
        }
        for c in &b.cases {
            rows.changes.push(NewChange {
                kind: Kind::Case,
                record_id: c.id.0,
                customer_id: Some(cid),
                queue: Some(c.queue.clone()),
                doc: serde_json::to_value(c)?,
            });
            rows.case_cols.0.push(c.queue.clone());
            rows.case_cols.1.push(c.assignee.clone());
            rows.case_cols.2.push(c.status.as_str().into());
        }
        for t in b.touchpoints.iter().chain(&b.unlinked) {
            rows.changes.push(NewChange {
                kind: Kind::Touchpoint,
                record_id: t.id.0,
                customer_id: t.customer_id.map(|c| c.0),
                queue: t.case_id.and_then(|c| queues.get(&c.0)).map(|q| q.to_string()),
                doc: serde_json::to_value(t)?,
            });
            rows.tp_cols.case_ids.push(t.case_id.map(|c| c.0));
            rows.tp_cols.kinds.push(t.identity.as_ref().map(|i| i.kind().as_str().to_string()));
            rows.tp_cols.values.push(t.identity.as_ref().map(|i| i.value().to_string()));
        }
        counts.customers += 1;
        counts.cases += b.cases.len();
        counts.events += b.events.len();
        counts.touchpoints += b.touchpoints.len() + b.unlinked.len();
    }
    let n = rows.changes.len() as i64;
    let head: i64 = client
        .query_one("UPDATE tenants SET head = head + $2 WHERE id = $1 RETURNING head", &[&tenant, &n])
        .await?
        .get(0);
    let positions: Vec<i64> = (head - n + 1..=head).collect();
    let of = |kind: Kind| {
        let mut out = Columns::default();
        for (c, p) in rows.changes.iter().zip(&positions).filter(|(c, _)| c.kind == kind) {
            out.ids.push(c.record_id);
            out.pos.push(*p);
            out.customers.push(c.customer_id);
            out.docs.push(&c.doc);
        }
        out
    };
    let Columns { ids, pos, docs, .. } = of(Kind::Customer);
    client
        .execute(
            "INSERT INTO customers (tenant_id, id, pos, doc)
             SELECT $1, * FROM unnest($2::bigint[], $3::bigint[], $4::jsonb[])",
            &[&tenant, &ids, &pos, &docs],
        )
        .await?;
    let (kinds, values, owners) = &rows.identities;
    client
        .execute(
            "INSERT INTO identities (tenant_id, kind, value, customer_id)
             SELECT $1, * FROM unnest($2::text[], $3::text[], $4::bigint[])",
            &[&tenant, kinds, values, owners],
        )
        .await?;
    let Columns { ids, pos, customers, docs } = of(Kind::Case);
    let (queues, assignees, statuses) = &rows.case_cols;
    client
        .execute(
            "INSERT INTO cases (tenant_id, id, pos, customer_id, doc, queue, assignee, status)
             SELECT $1, * FROM unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::jsonb[],
                                      $6::text[], $7::text[], $8::text[])",
            &[&tenant, &ids, &pos, &customers, &docs, queues, assignees, statuses],
        )
        .await?;
    let Columns { ids, pos, customers, docs } = of(Kind::Event);
    client
        .execute(
            "INSERT INTO case_events (tenant_id, id, pos, customer_id, doc, actor, case_id)
             SELECT $1, u.id, u.pos, u.customer_id, u.doc, u.actor, (u.doc->>'case_id')::bigint
             FROM unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::jsonb[], $6::text[])
                 AS u(id, pos, customer_id, doc, actor)",
            &[&tenant, &ids, &pos, &customers, &docs, &rows.event_actors],
        )
        .await?;
    let Columns { ids, pos, customers, docs } = of(Kind::Touchpoint);
    let TouchpointColumns { case_ids, kinds: id_kinds, values: id_values } = &rows.tp_cols;
    client
        .execute(
            "INSERT INTO touchpoints (tenant_id, id, pos, customer_id, doc, case_id, identity_kind, identity_value)
             SELECT $1, * FROM unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::jsonb[],
                                      $6::bigint[], $7::text[], $8::text[])",
            &[&tenant, &ids, &pos, &customers, &docs, case_ids, id_kinds, id_values],
        )
        .await?;
    insert_changes(client, tenant, &positions, &rows.changes).await
}

/// A demo user, as printed by `tideline serve --demo`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoUser {
    pub username: String,
    pub role: Role,
    pub queues: Vec<String>,
}

/// What [`seed_demo`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seeded {
    /// False when the demo was already there (seeding is idempotent).
    pub created: bool,
    pub counts: SeedCounts,
    pub users: Vec<DemoUser>,
}

const SEED_LOCK: i64 = 0x5eed_7469_6465;
const DEMO_USERS_KEY: &str = "demo_users";

/// The demo contact centre's size and generator seed: `tideline demo-traffic` regenerates
/// the same customers to send contact from them.
pub const DEMO_CUSTOMERS: usize = 300;
pub const DEMO_SEED: u64 = 7;

/// Seeds the demo contact centre (300 customers, seed 7, laid out before `now`) and its
/// users (`lead`, `admin` and the agent with the most active assigned cases, all with
/// password [`DEMO_PASSWORD`]), once: a second call only reports the users.
pub async fn seed_demo(pool: &deadpool_postgres::Pool, now: Timestamp) -> Result<Seeded, ServerError> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SEED_LOCK]).await?;
    let tenant = DEFAULT_TENANT;
    let done =
        tx.query_opt("SELECT value FROM config WHERE tenant_id = $1 AND key = $2", &[&tenant, &DEMO_USERS_KEY]).await?;
    if let Some(row) = done {
        return Ok(Seeded {
            created: false,
            counts: SeedCounts::default(),
            users: serde_json::from_value(row.get(0))?,
        });
    }
    let bundles: Vec<CustomerBundle> =
        tideline_demo::generate(&DemoConfig::new(DEMO_CUSTOMERS, DEMO_SEED, now)).collect();
    let agent = busiest_agent(&bundles);
    let counts = load_bundles(&*tx, tenant, bundles).await?;
    let mut users = Vec::new();
    if let Some((name, queues)) = agent {
        users.push(DemoUser { username: name, role: Role::Agent, queues });
    }
    users.push(DemoUser { username: "lead".into(), role: Role::TeamLead, queues: vec![] });
    users.push(DemoUser { username: "admin".into(), role: Role::Admin, queues: vec![] });
    for u in &users {
        let new = NewUser {
            username: u.username.clone(),
            display_name: capitalise(&u.username),
            role: u.role,
            queues: u.queues.clone(),
            password: DEMO_PASSWORD.into(),
        };
        users::add(&*tx, tenant, &new, "demo").await?;
    }
    let queue = users.first().and_then(|u| u.queues.first().cloned()).unwrap_or_else(|| "general".into());
    demo_channels(&*tx, tenant, &queue).await?;
    tx.execute(
        "INSERT INTO config (tenant_id, key, value) VALUES ($1, $2, $3)",
        &[&tenant, &DEMO_USERS_KEY, &serde_json::to_value(&users)?],
    )
    .await?;
    tx.commit().await?;
    Ok(Seeded { created: true, counts, users })
}

/// The assignee with the most active cases, and the queues of those cases.
fn busiest_agent(bundles: &[CustomerBundle]) -> Option<(String, Vec<String>)> {
    let mut by: BTreeMap<&str, (usize, BTreeSet<&str>)> = BTreeMap::new();
    for c in bundles.iter().flat_map(|b| &b.cases).filter(|c| c.status.is_active()) {
        if let Some(a) = &c.assignee {
            let e = by.entry(a.as_str()).or_default();
            e.0 += 1;
            e.1.insert(c.queue.as_str());
        }
    }
    // Most cases first; on a tie, the first name alphabetically.
    let best = by.iter().max_by(|a, b| a.1.0.cmp(&b.1.0).then(b.0.cmp(a.0)))?;
    Some((best.0.to_string(), best.1.1.iter().map(|q| q.to_string()).collect()))
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// The demo's channels and their secrets (docs/channels.md lists them; never use them
/// for a real provider): `(name, kind, secret)`.
pub const DEMO_CHANNELS: [(&str, ChannelKind, &str); 4] = [
    ("demo-voice", ChannelKind::TwilioVoice, "demo-twilio-auth-token"),
    ("demo-sms", ChannelKind::TwilioSms, "demo-twilio-auth-token"),
    ("demo-web", ChannelKind::Web, "demo-site-signing-key"),
    ("branches", ChannelKind::Branch, "demo-branch-signing-key"),
];
/// The demo's Twilio account SID (a made-up one of the documented shape).
pub const DEMO_ACCOUNT_SID: &str = "AC00000000000000000000000000000000";

/// Configures the demo channels, each routed to `queue` (the demo agent's first), so
/// contact sent by `tideline demo-traffic` lands where the demo agent sees it.
async fn demo_channels<C: GenericClient>(tx: &C, tenant: &str, queue: &str) -> Result<(), ServerError> {
    let mut rules = Vec::new();
    for (name, kind, secret) in DEMO_CHANNELS {
        let twilio = matches!(kind, ChannelKind::TwilioVoice | ChannelKind::TwilioSms);
        let settings = ChannelSettings {
            account_sid: twilio.then(|| DEMO_ACCOUNT_SID.to_string()),
            from_number: (kind == ChannelKind::TwilioSms).then(|| "+447700900000".to_string()),
            ..Default::default()
        };
        let cfg = ChannelConfig { name: name.into(), kind, settings, secret: secret.into() };
        channels::add(tx, tenant, &cfg).await?;
        for channel in crate::domain::channel_admin::routed_channels(kind) {
            rules.push(RoutingRule {
                channel,
                account: Some(name.into()),
                queue: queue.into(),
                priority: Priority::Normal,
            });
        }
    }
    config::put(tx, tenant, config::ROUTING, &rules).await
}
