//! Live pokes and presence, fanned out across server instances through PostgreSQL
//! `LISTEN/NOTIFY` (the WebSocket itself is `http::live`).
//!
//! - One dedicated listener connection per instance (`LISTEN tideline_changes,
//!   tideline_presence`) feeds the [`Hub`]. A notification is only a poke: clients then
//!   pull, so a lost one costs latency, never data.
//! - Heads go through one `watch` channel per tenant: bursts coalesce and a slow socket
//!   never holds up anybody (it just sends the newest head when it can).
//! - Presence: each socket's case and activity travel as `NOTIFY tideline_presence`
//!   (also to this instance), every instance keeps the table of who views what, and a
//!   `broadcast` channel tells the local sockets of the case; a socket that lagged sends
//!   the current list instead. A closed socket announces it left.
//! - A crashed instance cannot announce that its sockets left, so presence is a lease:
//!   every instance re-announces its own sockets every [`PRESENCE_REFRESH`] (one
//!   statement for all of them), and an entry not heard of for [`PRESENCE_EXPIRY`] is
//!   dropped. A dead instance's viewers vanish within seconds; a listener that
//!   reconnects gets everyone back within one refresh.

use crate::domain::user::User;
use crate::error::ServerError;
use deadpool_postgres::Pool;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};
use tideline_core::CaseId;
use tideline_sync::protocol::{Activity, PresenceEntry};
use tokio::sync::{broadcast, oneshot, watch};
use tokio_postgres::AsyncMessage;

const CHANGES: &str = "tideline_changes";
const PRESENCE: &str = "tideline_presence";
/// How often an instance re-announces its sockets' presence.
pub const PRESENCE_REFRESH: Duration = Duration::from_secs(3);
/// How long an entry lasts without being re-announced.
pub const PRESENCE_EXPIRY: Duration = Duration::from_secs(10);

/// One socket's presence, as announced across instances.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct PresenceNote {
    instance: u64,
    conn: u64,
    tenant: String,
    username: String,
    display_name: String,
    case_id: Option<CaseId>,
    activity: Activity,
}

/// Who is on a case now, for the local sockets viewing it.
#[derive(Debug, Clone)]
pub(crate) struct PresenceUpdate {
    pub(crate) tenant: String,
    pub(crate) case_id: CaseId,
    pub(crate) people: Vec<(String, PresenceEntry)>,
}

/// This instance's live state: heads per tenant and the presence table.
pub struct Hub {
    pub(crate) instance: u64,
    pub(crate) next_conn: AtomicU64,
    heads: Mutex<HashMap<String, watch::Sender<i64>>>,
    /// Every instance's sockets, with when each was last announced.
    presence: Mutex<HashMap<(u64, u64), (PresenceNote, Instant)>>,
    /// This instance's own sockets that are on a case, as last announced.
    local: Mutex<HashMap<u64, PresenceNote>>,
    /// Held while this instance sends presence, so its notes reach every instance in
    /// the order they were made (a refresh never overtakes a newer announcement).
    sending: tokio::sync::Mutex<()>,
    pub(crate) updates: broadcast::Sender<PresenceUpdate>,
    pub(crate) closing: watch::Sender<bool>,
}

impl Hub {
    pub fn new() -> Hub {
        let mut b = [0u8; 8];
        let _ = getrandom::fill(&mut b);
        Hub {
            instance: u64::from_le_bytes(b),
            next_conn: AtomicU64::new(1),
            heads: Mutex::new(HashMap::new()),
            presence: Mutex::new(HashMap::new()),
            local: Mutex::new(HashMap::new()),
            sending: tokio::sync::Mutex::new(()),
            updates: broadcast::channel(1024).0,
            closing: watch::channel(false).0,
        }
    }

    fn heads(&self) -> std::sync::MutexGuard<'_, HashMap<String, watch::Sender<i64>>> {
        self.heads.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn table(&self) -> std::sync::MutexGuard<'_, HashMap<(u64, u64), (PresenceNote, Instant)>> {
        self.presence.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn local(&self) -> std::sync::MutexGuard<'_, HashMap<u64, PresenceNote>> {
        self.local.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn head_watch(&self, tenant: &str) -> watch::Receiver<i64> {
        self.heads().entry(tenant.to_string()).or_insert_with(|| watch::channel(0).0).subscribe()
    }

    /// Records a newer head (older or equal ones are ignored).
    fn set_head(&self, tenant: &str, head: i64) {
        let mut heads = self.heads();
        let tx = heads.entry(tenant.to_string()).or_insert_with(|| watch::channel(0).0);
        tx.send_if_modified(|h| {
            let newer = head > *h;
            if newer {
                *h = head;
            }
            newer
        });
    }

    pub(crate) fn people(&self, tenant: &str, case_id: CaseId) -> Vec<(String, PresenceEntry)> {
        let table = self.table();
        let mut people: Vec<(String, PresenceEntry)> = table
            .values()
            .map(|(n, _)| n)
            .filter(|n| n.tenant == tenant && n.case_id == Some(case_id))
            .map(|n| {
                let entry = PresenceEntry {
                    username: n.username.clone(),
                    display_name: n.display_name.clone(),
                    activity: n.activity,
                };
                (n.username.clone(), entry)
            })
            .collect();
        people.sort_by(|a, b| a.1.display_name.cmp(&b.1.display_name));
        people.dedup_by(|a, b| a.0 == b.0);
        people
    }

    fn apply_presence(&self, note: PresenceNote) {
        let key = (note.instance, note.conn);
        let (tenant, new_case) = (note.tenant.clone(), note.case_id);
        let old_case = {
            let mut table = self.table();
            if let Some((old, seen)) = table.get_mut(&key)
                && *old == note
            {
                // A refresh: the lease is renewed, nobody needs telling.
                *seen = Instant::now();
                return;
            }
            let old = table.get(&key).and_then(|(n, _)| n.case_id);
            if note.case_id.is_some() {
                table.insert(key, (note, Instant::now()));
            } else {
                table.remove(&key);
            }
            old
        };
        let mut cases = vec![];
        cases.extend(old_case);
        cases.extend(new_case.filter(|c| Some(*c) != old_case));
        if old_case == new_case {
            cases.extend(new_case); // the activity changed
        }
        for case_id in cases {
            let people = self.people(&tenant, case_id);
            let _ = self.updates.send(PresenceUpdate { tenant: tenant.clone(), case_id, people });
        }
    }

    /// Drops the entries whose lease ran out, and tells the local sockets of their cases.
    fn expire(&self, now: Instant) {
        let gone: Vec<PresenceNote> = {
            let mut table = self.table();
            let old: Vec<(u64, u64)> = table
                .iter()
                .filter(|(_, (_, seen))| now.duration_since(*seen) > PRESENCE_EXPIRY)
                .map(|(k, _)| *k)
                .collect();
            old.iter().filter_map(|k| table.remove(k)).map(|(n, _)| n).collect()
        };
        for note in gone {
            if let Some(case_id) = note.case_id {
                tracing::info!(instance = note.instance, user = %note.username, case = %case_id, "presence expired");
                let people = self.people(&note.tenant, case_id);
                let _ = self.updates.send(PresenceUpdate { tenant: note.tenant.clone(), case_id, people });
            }
        }
    }

    /// Tells every socket of this instance to close.
    pub fn close(&self) {
        let _ = self.closing.send(true);
    }
}

impl Default for Hub {
    fn default() -> Self {
        Hub::new()
    }
}

/// Keeps one listener connection open (reconnecting after failures) and feeds the hub.
/// `ready` fires once the first `LISTEN` is in place.
pub async fn run_listener(url: String, hub: std::sync::Arc<Hub>, ready: oneshot::Sender<Result<(), ServerError>>) {
    let mut ready = Some(ready);
    loop {
        let r = listen_once(&url, &hub, &mut ready).await;
        if let Some(tx) = ready.take() {
            let _ = tx.send(r.map(|_| ()));
            return;
        }
        if let Err(e) = r {
            tracing::warn!(error = %e, "live listener lost its connection; reconnecting");
        }
        if *hub.closing.borrow() {
            return;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

async fn listen_once(
    url: &str,
    hub: &Hub,
    ready: &mut Option<oneshot::Sender<Result<(), ServerError>>>,
) -> Result<(), ServerError> {
    let (client, mut conn) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let driver = tokio::spawn(async move {
        let mut messages = futures_util::stream::poll_fn(move |cx| conn.poll_message(cx));
        while let Some(m) = messages.next().await {
            match m {
                Ok(AsyncMessage::Notification(n)) => {
                    if tx.send(Ok((n.channel().to_string(), n.payload().to_string()))).is_err() {
                        return;
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    let _ = tx.send(Err(e));
                    return;
                }
            }
        }
    });
    client.batch_execute(&format!("LISTEN {CHANGES}; LISTEN {PRESENCE}")).await?;
    // Anything missed while (re)connecting: poke with the current heads.
    for r in client.query("SELECT id, head FROM tenants", &[]).await? {
        hub.set_head(r.get(0), r.get(1));
    }
    if let Some(r) = ready.take() {
        let _ = r.send(Ok(()));
    }
    let mut closing = hub.closing.subscribe();
    let result = loop {
        tokio::select! {
            m = rx.recv() => match m {
                Some(Ok((channel, payload))) => handle(hub, &channel, &payload),
                Some(Err(e)) => break Err(e.into()),
                None => break Err(ServerError::Invalid("the listener connection closed".into())),
            },
            _ = closing.changed() => break Ok(()),
        }
    };
    driver.abort();
    drop(client);
    result
}

fn handle(hub: &Hub, channel: &str, payload: &str) {
    match channel {
        CHANGES => {
            if let Some((tenant, head)) = payload.rsplit_once(':')
                && let Ok(head) = head.parse()
            {
                hub.set_head(tenant, head);
            }
        }
        PRESENCE => match serde_json::from_str::<PresenceNote>(payload) {
            Ok(note) => hub.apply_presence(note),
            Err(e) => tracing::warn!(error = %e, "unreadable presence notification"),
        },
        _ => {}
    }
}

/// Tells every instance where this socket is now (`case_id: None`: it left).
pub async fn announce(
    pool: &Pool,
    hub: &Hub,
    user: &User,
    conn: u64,
    case_id: Option<CaseId>,
    activity: Activity,
) -> Result<(), ServerError> {
    let note = PresenceNote {
        instance: hub.instance,
        conn,
        tenant: user.tenant.clone(),
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        case_id,
        activity,
    };
    let payload = serde_json::to_string(&note)?;
    let client = pool.get().await?;
    let _order = hub.sending.lock().await;
    match case_id {
        Some(_) => hub.local().insert(conn, note),
        None => hub.local().remove(&conn),
    };
    client.execute("SELECT pg_notify($1, $2)", &[&PRESENCE, &payload]).await?;
    Ok(())
}

/// Keeps this instance's presence leases: re-announces its sockets every
/// [`PRESENCE_REFRESH`] and drops every instance's entries that ran out. Runs until
/// the hub closes.
pub async fn keep_presence(pool: Pool, hub: std::sync::Arc<Hub>) {
    let mut closing = hub.closing.subscribe();
    let mut tick = tokio::time::interval(PRESENCE_REFRESH);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = closing.changed() => return,
        }
        let sent = async {
            let client = pool.get().await?;
            let _order = hub.sending.lock().await;
            let payloads: Vec<String> = hub.local().values().filter_map(|n| serde_json::to_string(n).ok()).collect();
            if !payloads.is_empty() {
                client.execute("SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p", &[&PRESENCE, &payloads]).await?;
            }
            Ok::<_, ServerError>(())
        };
        if let Err(e) = sent.await {
            tracing::warn!(error = %e, "cannot renew presence; retrying next round");
        }
        hub.expire(Instant::now());
    }
}

/// The tenant's change-log head now: the first poke a socket sends.
pub async fn current_head(pool: &Pool, tenant: &str) -> Result<i64, ServerError> {
    let client = pool.get().await?;
    Ok(client.query_one("SELECT head FROM tenants WHERE id = $1", &[&tenant]).await?.get(0))
}
