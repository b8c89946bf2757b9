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

use crate::domain::user::User;
use crate::error::ServerError;
use deadpool_postgres::Pool;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::AtomicU64;
use std::time::Duration;
use tideline_core::CaseId;
use tideline_sync::protocol::{Activity, PresenceEntry};
use tokio::sync::{broadcast, oneshot, watch};
use tokio_postgres::AsyncMessage;

const CHANGES: &str = "tideline_changes";
const PRESENCE: &str = "tideline_presence";

/// One socket's presence, as announced across instances.
#[derive(Debug, Clone, Serialize, Deserialize)]
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
    presence: Mutex<HashMap<(u64, u64), PresenceNote>>,
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
            updates: broadcast::channel(1024).0,
            closing: watch::channel(false).0,
        }
    }

    fn heads(&self) -> std::sync::MutexGuard<'_, HashMap<String, watch::Sender<i64>>> {
        self.heads.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn table(&self) -> std::sync::MutexGuard<'_, HashMap<(u64, u64), PresenceNote>> {
        self.presence.lock().unwrap_or_else(|p| p.into_inner())
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
            let old = table.get(&key).and_then(|n| n.case_id);
            if note.case_id.is_some() {
                table.insert(key, note);
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
    client.execute("SELECT pg_notify($1, $2)", &[&PRESENCE, &payload]).await?;
    Ok(())
}

/// The tenant's change-log head now: the first poke a socket sends.
pub async fn current_head(pool: &Pool, tenant: &str) -> Result<i64, ServerError> {
    let client = pool.get().await?;
    Ok(client.query_one("SELECT head FROM tenants WHERE id = $1", &[&tenant]).await?.get(0))
}
