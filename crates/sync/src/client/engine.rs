//! The engine: one thread, one current-thread tokio runtime, one task that owns the
//! store, the HTTP client and the live socket.

use super::backoff::Backoff;
use super::http::{Api, live_url};
use super::{Connection, SyncError, SyncEvent, SyncStatus, convert};
use crate::protocol::{self, Activity, ClientMessage, CustomerRef, MAX_PUSH_BATCH, ServerMessage};
use futures_util::{SinkExt, StreamExt};
use jiff::Timestamp;
use std::collections::BTreeSet;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};
use tideline_core::{CaseId, CustomerId};
use tideline_store::{RemoteApplied, Store};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::{self, Message};

/// Changes asked for per pull page.
const PULL_LIMIT: usize = 2_000;
/// While connected, a cycle runs at least this often even without a poke.
const PERIODIC: Duration = Duration::from_secs(30);

type Handler = Arc<dyn Fn(SyncEvent) + Send + Sync>;
type Reply<T> = std::sync::mpsc::Sender<Result<T, SyncError>>;

enum Cmd {
    SyncNow,
    Presence(Option<CaseId>, Activity),
    Fetch(CustomerId, Reply<()>),
    Find(String, Reply<Vec<CustomerRef>>),
    Stop,
}

/// State shared between the engine's thread and its callers.
struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

struct State {
    status: SyncStatus,
    /// The newest head a poke announced.
    head: i64,
    /// A cycle is running, or one was asked for and has not started yet.
    busy: bool,
    requested: bool,
    stopped: bool,
}

/// The console's sync engine. See the [module docs](super).
pub struct SyncEngine {
    tx: mpsc::UnboundedSender<Cmd>,
    shared: Arc<Shared>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl SyncEngine {
    /// Starts syncing `store` with the server on a thread of its own; returns at once.
    /// `store` should be the engine's own `Store` on the console's cache file.
    pub fn start(store: Store, conn: Connection, on_event: impl Fn(SyncEvent) + Send + Sync + 'static) -> SyncEngine {
        let status = SyncStatus {
            online: false,
            pending: store.pending_count().unwrap_or(0),
            last_error: None,
            cursor: store.sync_cursor().unwrap_or(0),
            initial_sync_done: store.initial_sync_done().unwrap_or(false),
        };
        let shared = Arc::new(Shared {
            state: Mutex::new(State { status, head: 0, busy: false, requested: true, stopped: false }),
            changed: Condvar::new(),
        });
        let (tx, rx) = mpsc::unbounded_channel();
        let worker_shared = shared.clone();
        let on_event: Handler = Arc::new(on_event);
        let thread = std::thread::Builder::new()
            .name("tideline-sync".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                    Ok(rt) => rt,
                    Err(e) => {
                        let mut s = worker_shared.state.lock().unwrap_or_else(|p| p.into_inner());
                        s.status.last_error = Some(format!("cannot start sync: {e}"));
                        s.stopped = true;
                        worker_shared.changed.notify_all();
                        return;
                    }
                };
                let seed = Instant::now().elapsed().as_nanos() as u64
                    ^ std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map(|d| d.as_nanos() as u64)
                        .unwrap_or(7);
                let api = Api::new(conn);
                let mut w = Worker {
                    store,
                    api: None,
                    rx,
                    shared: worker_shared.clone(),
                    on_event,
                    backoff: Backoff::new(seed),
                    presence: None,
                };
                match api {
                    Ok(api) => {
                        w.api = Some(api);
                        rt.block_on(w.run());
                    }
                    Err(e) => w.set_status(|s| s.last_error = Some(e.to_string())),
                }
                let mut s = worker_shared.state.lock().unwrap_or_else(|p| p.into_inner());
                s.stopped = true;
                s.busy = false;
                s.status.online = false;
                worker_shared.changed.notify_all();
            })
            .expect("the OS can start a thread");
        SyncEngine { tx, shared, thread: Some(thread) }
    }

    pub fn status(&self) -> SyncStatus {
        self.lock().status.clone()
    }

    /// A local mutation happened: push it at once.
    pub fn sync_now(&self) {
        self.lock().requested = true;
        let _ = self.tx.send(Cmd::SyncNow);
    }

    /// Tells colleagues which case this agent has open (`None`: none).
    pub fn set_presence(&self, case_id: Option<CaseId>, activity: Activity) {
        let _ = self.tx.send(Cmd::Presence(case_id, activity));
    }

    /// Fetches a customer's whole history from the server into the cache, and keeps it.
    /// Blocking.
    pub fn fetch_customer(&self, id: CustomerId) -> Result<(), SyncError> {
        let (reply, rx) = std::sync::mpsc::channel();
        self.tx.send(Cmd::Fetch(id, reply)).map_err(|_| SyncError::Stopped)?;
        rx.recv().unwrap_or(Err(SyncError::Stopped))
    }

    /// Customers on the server with an identity matching what was typed. Blocking.
    pub fn find_remote(&self, identity_text: &str) -> Result<Vec<CustomerRef>, SyncError> {
        let (reply, rx) = std::sync::mpsc::channel();
        self.tx.send(Cmd::Find(identity_text.to_string(), reply)).map_err(|_| SyncError::Stopped)?;
        rx.recv().unwrap_or(Err(SyncError::Stopped))
    }

    /// For tests: waits until the outbox is empty and the cache is pulled up to the
    /// last poke, with no cycle running. False on timeout or if the engine stopped.
    pub fn wait_idle(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut s = self.lock();
        loop {
            if s.stopped {
                return false;
            }
            if !s.busy && !s.requested && s.status.pending == 0 && s.status.cursor >= s.head && s.status.online {
                return true;
            }
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            s = self.shared.changed.wait_timeout(s, deadline - now).unwrap_or_else(|p| p.into_inner()).0;
        }
    }

    /// Stops the engine and waits for its thread.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        let _ = self.tx.send(Cmd::Stop);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.shared.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Drop for SyncEngine {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// How a connected spell ended.
enum Exit {
    Stop,
    SignedOut,
    Lost(String),
}

struct Worker {
    store: Store,
    api: Option<Api>,
    rx: mpsc::UnboundedReceiver<Cmd>,
    shared: Arc<Shared>,
    on_event: Handler,
    backoff: Backoff,
    presence: Option<(Option<CaseId>, Activity)>,
}

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

impl Worker {
    fn api(&self) -> &Api {
        self.api.as_ref().expect("set before run")
    }

    async fn run(&mut self) {
        loop {
            let url = live_url(self.api().server(), &self.api().conn.token);
            let exit = match tokio::time::timeout(Duration::from_secs(10), tokio_tungstenite::connect_async(url)).await
            {
                Ok(Ok((ws, _))) => {
                    self.backoff.reset();
                    self.set_status(|s| {
                        s.online = true;
                        s.last_error = None;
                    });
                    self.connected(ws).await
                }
                Ok(Err(tungstenite::Error::Http(r))) if r.status() == 401 => Exit::SignedOut,
                Ok(Err(e)) => Exit::Lost(format!("cannot reach the server: {e}")),
                Err(_) => Exit::Lost("cannot reach the server: no answer in time".into()),
            };
            match exit {
                Exit::Stop => return,
                Exit::SignedOut => return self.signed_out(),
                Exit::Lost(why) => {
                    // Another instance of the same back end, if there is one, is tried
                    // next: the session is valid on all of them.
                    if let Some(api) = self.api.as_mut() {
                        api.fail_over();
                    }
                    // Offline, local actions keep landing in the outbox: keep the count
                    // the status bar shows current.
                    let counts = self.store_status();
                    self.set_status(|s| {
                        s.online = false;
                        s.last_error = Some(why);
                        if let Some((pending, cursor, done)) = counts {
                            s.pending = pending;
                            s.cursor = cursor;
                            s.initial_sync_done = done;
                        }
                    })
                }
            }
            let delay = self.backoff.next_delay();
            match self.offline_wait(delay).await {
                Some(Exit::Stop) => return,
                Some(Exit::SignedOut) => return self.signed_out(),
                _ => {}
            }
        }
    }

    fn signed_out(&mut self) {
        self.set_status(|s| {
            s.online = false;
            s.last_error = Some(SyncError::Unauthorized.to_string());
        });
        (self.on_event)(SyncEvent::SignedOut);
    }

    /// Waits out a reconnect delay, answering callers meanwhile. `sync_now` cuts the
    /// wait short.
    async fn offline_wait(&mut self, delay: Duration) -> Option<Exit> {
        let sleep = tokio::time::sleep(delay);
        tokio::pin!(sleep);
        loop {
            tokio::select! {
                _ = &mut sleep => return None,
                cmd = self.rx.recv() => match cmd {
                    None | Some(Cmd::Stop) => return Some(Exit::Stop),
                    Some(Cmd::SyncNow) => return None,
                    Some(Cmd::Presence(case, activity)) => self.presence = Some((case, activity)),
                    Some(Cmd::Fetch(id, reply)) => {
                        let r = self.fetch(id).await;
                        let unauthorized = matches!(r, Err(SyncError::Unauthorized));
                        let _ = reply.send(r);
                        if unauthorized {
                            return Some(Exit::SignedOut);
                        }
                    }
                    Some(Cmd::Find(text, reply)) => {
                        let r = self.api().find(&text).await;
                        let unauthorized = matches!(r, Err(SyncError::Unauthorized));
                        let _ = reply.send(r);
                        if unauthorized {
                            return Some(Exit::SignedOut);
                        }
                    }
                },
            }
        }
    }

    async fn connected(&mut self, ws: Ws) -> Exit {
        let (mut sink, mut stream) = ws.split();
        if let Some((case_id, activity)) = self.presence
            && let Err(e) = send(&mut sink, &ClientMessage::Presence { case_id, activity }).await
        {
            return Exit::Lost(format!("the live connection dropped: {e}"));
        }
        if let Some(exit) = self.cycle_or_exit().await {
            return exit;
        }
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + PERIODIC, PERIODIC);
        loop {
            tokio::select! {
                msg = stream.next() => match msg {
                    Some(Ok(Message::Text(text))) => match serde_json::from_str::<ServerMessage>(&text) {
                        Ok(ServerMessage::Poke { head }) => {
                            self.set_state(|s| {
                                s.head = s.head.max(head);
                                s.requested = true;
                            });
                            if let Some(exit) = self.cycle_or_exit().await {
                                return exit;
                            }
                        }
                        Ok(ServerMessage::Presence { case_id, people }) => {
                            (self.on_event)(SyncEvent::Presence { case_id, people });
                        }
                        // Outside the agent's scope: the console shows nobody there.
                        Ok(ServerMessage::PresenceRefused { case_id, .. }) => {
                            (self.on_event)(SyncEvent::Presence { case_id, people: Vec::new() });
                        }
                        // A message from a newer server: ignore it rather than drop the line.
                        Err(_) => {}
                    },
                    Some(Ok(Message::Close(_))) | None => return Exit::Lost("the server closed the live connection".into()),
                    Some(Ok(_)) => {}
                    Some(Err(e)) => return Exit::Lost(format!("the live connection dropped: {e}")),
                },
                cmd = self.rx.recv() => match cmd {
                    None | Some(Cmd::Stop) => {
                        let _ = sink.send(Message::Close(None)).await;
                        return Exit::Stop;
                    }
                    Some(Cmd::SyncNow) => {
                        if let Some(exit) = self.cycle_or_exit().await {
                            return exit;
                        }
                    }
                    Some(Cmd::Presence(case_id, activity)) => {
                        self.presence = Some((case_id, activity));
                        if let Err(e) = send(&mut sink, &ClientMessage::Presence { case_id, activity }).await {
                            return Exit::Lost(format!("the live connection dropped: {e}"));
                        }
                    }
                    Some(Cmd::Fetch(id, reply)) => {
                        let r = self.fetch(id).await;
                        let unauthorized = matches!(r, Err(SyncError::Unauthorized));
                        let _ = reply.send(r);
                        if unauthorized {
                            return Exit::SignedOut;
                        }
                    }
                    Some(Cmd::Find(text, reply)) => {
                        let r = self.api().find(&text).await;
                        let unauthorized = matches!(r, Err(SyncError::Unauthorized));
                        let _ = reply.send(r);
                        if unauthorized {
                            return Exit::SignedOut;
                        }
                    }
                },
                _ = tick.tick() => {
                    if let Some(exit) = self.cycle_or_exit().await {
                        return exit;
                    }
                }
            }
        }
    }

    /// Runs a cycle; `Some` when the connected spell must end.
    async fn cycle_or_exit(&mut self) -> Option<Exit> {
        self.set_state(|s| {
            s.busy = true;
            s.requested = false;
        });
        let r = self.cycle().await;
        let status = self.store_status();
        self.set_state(|s| {
            s.busy = false;
            if let Some((pending, cursor, done)) = status {
                s.status.pending = pending;
                s.status.cursor = cursor;
                s.status.initial_sync_done = done;
            }
            match &r {
                Ok(()) => s.status.last_error = None,
                Err(e) => s.status.last_error = Some(e.to_string()),
            }
        });
        self.emit_status();
        match r {
            Ok(()) => None,
            Err(SyncError::Unauthorized) => Some(Exit::SignedOut),
            Err(SyncError::Offline(why)) => Some(Exit::Lost(why)),
            // The server refused something or the cache failed: say so and carry on;
            // the next poke or tick tries again.
            Err(_) => None,
        }
    }

    fn store_status(&self) -> Option<(i64, i64, bool)> {
        Some((self.store.pending_count().ok()?, self.store.sync_cursor().ok()?, self.store.initial_sync_done().ok()?))
    }

    /// Push, settle, pull, rebase; then fetch customers the cache lacks.
    async fn cycle(&mut self) -> Result<(), SyncError> {
        let mut notices = 0;
        let mut cases = BTreeSet::new();
        let mut customers = BTreeSet::new();
        let r = self.cycle_inner(&mut notices, &mut cases, &mut customers).await;
        // Whatever got through is in the cache: tell the console even if a later step
        // failed.
        if !cases.is_empty() || !customers.is_empty() {
            (self.on_event)(SyncEvent::Changed {
                cases: cases.into_iter().collect(),
                customers: customers.into_iter().collect(),
            });
        }
        if notices > 0 {
            (self.on_event)(SyncEvent::Notices(notices));
        }
        r
    }

    async fn cycle_inner(
        &mut self,
        notices: &mut usize,
        cases: &mut BTreeSet<CaseId>,
        customers: &mut BTreeSet<CustomerId>,
    ) -> Result<(), SyncError> {
        let client_id = self.store.client_id()?;
        // Push the outbox, oldest first, in batches.
        loop {
            let batch = self.store.pending(MAX_PUSH_BATCH)?;
            if batch.is_empty() {
                break;
            }
            let before = self.store.pending_count()?;
            let request = protocol::PushRequest {
                client_id: client_id.clone(),
                mutations: batch.into_iter().map(convert::push_mutation).collect(),
            };
            let response = self.api().push(&request).await?;
            let settled: Vec<_> = response.results.into_iter().map(convert::settlement).collect();
            *notices += self.store.settle(&settled, Timestamp::now())?;
            if self.store.pending_count()? >= before {
                break; // no progress: leave the rest for the next cycle
            }
        }
        // Pull the change log.
        let mut cursor = self.store.sync_cursor()?;
        let initial = cursor == 0 && !self.store.has_server_data()?;
        loop {
            let page = self.api().pull(cursor, PULL_LIMIT).await?;
            let more = page.more && page.cursor > cursor;
            let changes: Vec<_> = page.changes.into_iter().map(convert::change).collect();
            let applied = if initial {
                self.store.apply_initial(&changes, page.cursor, Timestamp::now())?
            } else {
                self.store.apply_remote(&changes, page.cursor, Timestamp::now())?
            };
            collect(&applied, notices, cases, customers);
            cursor = page.cursor;
            self.set_state(|s| s.status.cursor = cursor);
            if !more {
                break;
            }
        }
        let missing = if initial || !self.store.initial_sync_done()? {
            self.store.finish_initial()?
        } else {
            self.store.missing_customers()?
        };
        // Cases whose customer the cache lacks (a case moved into the agent's queue):
        // fetch those customers' histories.
        for id in missing {
            self.fetch(id).await?;
            customers.insert(id);
        }
        Ok(())
    }

    async fn fetch(&mut self, id: CustomerId) -> Result<(), SyncError> {
        let mut cursor = 0;
        loop {
            let page = self.api().history(id, cursor, PULL_LIMIT).await?;
            let more = page.more && page.cursor > cursor;
            let changes: Vec<_> = page.changes.into_iter().map(convert::change).collect();
            let applied = self.store.apply_fetched(&changes, Timestamp::now())?;
            if !applied.cases.is_empty() || !applied.customers.is_empty() {
                (self.on_event)(SyncEvent::Changed { cases: applied.cases, customers: applied.customers });
            }
            cursor = page.cursor;
            if !more {
                return Ok(());
            }
        }
    }

    fn set_state(&self, f: impl FnOnce(&mut State)) {
        let mut s = self.shared.state.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut s);
        self.shared.changed.notify_all();
    }

    fn set_status(&self, f: impl FnOnce(&mut SyncStatus)) {
        self.set_state(|s| f(&mut s.status));
        self.emit_status();
    }

    fn emit_status(&self) {
        let status = self.shared.state.lock().unwrap_or_else(|p| p.into_inner()).status.clone();
        (self.on_event)(SyncEvent::Status(status));
    }
}

fn collect(a: &RemoteApplied, notices: &mut usize, cases: &mut BTreeSet<CaseId>, customers: &mut BTreeSet<CustomerId>) {
    *notices += a.notices;
    cases.extend(a.cases.iter().copied());
    customers.extend(a.customers.iter().copied());
}

async fn send(
    sink: &mut futures_util::stream::SplitSink<Ws, Message>,
    msg: &ClientMessage,
) -> Result<(), tungstenite::Error> {
    let text = serde_json::to_string(msg).expect("client messages serialise");
    sink.send(Message::Text(text.into())).await
}
