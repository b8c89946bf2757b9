//! `GET /v1/live`: pokes and presence over a WebSocket, fanned out across server
//! instances through PostgreSQL `LISTEN/NOTIFY`.
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

use crate::app::AppState;
use crate::auth::{self, User};
use crate::error::{ApiError, ServerError};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tideline_core::CaseId;
use tideline_sync::protocol::{Activity, ClientMessage, PresenceEntry, ServerMessage};
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
struct PresenceUpdate {
    tenant: String,
    case_id: CaseId,
    people: Vec<(String, PresenceEntry)>,
}

/// This instance's live state: heads per tenant and the presence table.
pub struct Hub {
    instance: u64,
    next_conn: AtomicU64,
    heads: Mutex<HashMap<String, watch::Sender<i64>>>,
    presence: Mutex<HashMap<(u64, u64), PresenceNote>>,
    updates: broadcast::Sender<PresenceUpdate>,
    closing: watch::Sender<bool>,
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

    fn head_watch(&self, tenant: &str) -> watch::Receiver<i64> {
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

    fn people(&self, tenant: &str, case_id: CaseId) -> Vec<(String, PresenceEntry)> {
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

#[derive(Deserialize)]
pub struct LiveParams {
    token: Option<String>,
}

/// The upgrade: the token comes in the `Authorization` header or, since browsers cannot
/// set headers on a WebSocket, as `?token=`.
pub async fn upgrade(
    State(state): State<AppState>,
    Query(params): Query<LiveParams>,
    headers: axum::http::HeaderMap,
    ws: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let token = auth::bearer(&headers).map(str::to_string).or(params.token);
    let user = auth::authenticate(&state, token.as_deref()).await?;
    Ok(ws.on_upgrade(move |socket| async move {
        if let Err(e) = run_socket(socket, state, user).await {
            tracing::debug!(error = %e, "live socket ended");
        }
    }))
}

async fn run_socket(socket: WebSocket, state: AppState, user: User) -> Result<(), ServerError> {
    let hub = state.hub.clone();
    let conn = hub.next_conn.fetch_add(1, Ordering::Relaxed);
    let mut heads = hub.head_watch(&user.tenant);
    let mut updates = hub.updates.subscribe();
    let mut closing = hub.closing.subscribe();
    let (mut sink, mut stream) = socket.split();
    let head: i64 = {
        let client = state.pool.get().await?;
        client.query_one("SELECT head FROM tenants WHERE id = $1", &[&user.tenant]).await?.get(0)
    };
    heads.borrow_and_update();
    send(&mut sink, &ServerMessage::Poke { head }).await?;
    let mut my_case: Option<CaseId> = None;
    let result = loop {
        tokio::select! {
            changed = heads.changed() => {
                if changed.is_err() { break Ok(()); }
                let head = *heads.borrow_and_update();
                if let Err(e) = send(&mut sink, &ServerMessage::Poke { head }).await { break Err(e); }
            }
            update = updates.recv() => {
                let (case_id, people) = match update {
                    Ok(u) if u.tenant == user.tenant && Some(u.case_id) == my_case => (u.case_id, u.people),
                    Ok(_) => continue,
                    Err(broadcast::error::RecvError::Lagged(_)) => match my_case {
                        Some(c) => (c, hub.people(&user.tenant, c)),
                        None => continue,
                    },
                    Err(broadcast::error::RecvError::Closed) => break Ok(()),
                };
                let people = people.into_iter().filter(|(u, _)| *u != user.username).map(|(_, e)| e).collect();
                if let Err(e) = send(&mut sink, &ServerMessage::Presence { case_id, people }).await { break Err(e); }
            }
            msg = stream.next() => match msg {
                Some(Ok(Message::Text(text))) => match serde_json::from_str::<ClientMessage>(text.as_str()) {
                    Ok(ClientMessage::Presence { case_id, activity }) => {
                        my_case = case_id;
                        if let Err(e) = announce(&state, &user, conn, case_id, activity).await { break Err(e); }
                    }
                    Err(e) => tracing::warn!(user = %user.username, error = %e, "unreadable live message"),
                },
                Some(Ok(Message::Close(_))) | None => break Ok(()),
                Some(Ok(_)) => {}
                Some(Err(e)) => break Err(ServerError::Invalid(e.to_string())),
            },
            _ = closing.changed() => break Ok(()),
        }
    };
    if my_case.is_some() {
        let _ = announce(&state, &user, conn, None, Activity::Viewing).await;
    }
    result
}

async fn send(
    sink: &mut futures_util::stream::SplitSink<WebSocket, Message>,
    m: &ServerMessage,
) -> Result<(), ServerError> {
    let text = serde_json::to_string(m)?;
    sink.send(Message::Text(text.into())).await.map_err(|e| ServerError::Invalid(e.to_string()))
}

async fn announce(
    state: &AppState,
    user: &User,
    conn: u64,
    case_id: Option<CaseId>,
    activity: Activity,
) -> Result<(), ServerError> {
    let note = PresenceNote {
        instance: state.hub.instance,
        conn,
        tenant: user.tenant.clone(),
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        case_id,
        activity,
    };
    let payload = serde_json::to_string(&note)?;
    let client = state.pool.get().await?;
    client.execute("SELECT pg_notify($1, $2)", &[&PRESENCE, &payload]).await?;
    Ok(())
}
