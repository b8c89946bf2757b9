//! `tideline bench-sync`: the sync engine and the back end, each figure beside a baseline
//! measured in the same run on the same machine.
//!
//! Everything runs in this process: the PostgreSQL cluster (its own processes), the
//! servers on one multi-thread tokio runtime, and the console engines on their own
//! threads, as `tests/sync` does.

use anyhow::{Context, bail, ensure};
use futures_util::StreamExt;
use jiff::Timestamp;
use rusqlite::params;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};
use tideline_core::mutation::Mutation;
use tideline_core::{CaseAction, CaseId};
use tideline_demo::CustomerBundle;
use tideline_server::users::{self, DEFAULT_TENANT, NewUser};
use tideline_server::{Role, RunningServer};
use tideline_store::{Store, StoreConfig};
use tideline_sync::client::{Connection, SyncEngine, SyncEvent, live_url, url};
use tideline_sync::protocol::{Outcome, PullResponse, PushMutation, PushRequest, PushResponse, ServerMessage};
use tokio_tungstenite::tungstenite::Message;

/// The bench users' password.
pub const PASSWORD: &str = "bench-sync";
/// The engine's pull page (`PULL_LIMIT` in crates/sync/src/client/engine.rs), so the
/// pull-only pass asks for the same pages.
pub const ENGINE_PAGE: usize = 2_000;

/// Records as the change log counts them: customers, cases, events and touchpoints.
pub fn records(bundles: &[CustomerBundle]) -> usize {
    bundles.iter().map(|b| 1 + b.cases.len() + b.events.len() + b.touchpoints.len() + b.unlinked.len()).sum()
}

/// The baseline of the initial sync: each record's JSON into a plain
/// `(pos, kind, id, doc)` table, one transaction, one prepared statement, the cache's
/// pragmas (WAL, `synchronous=FULL`). Returns rows per second.
pub fn raw_sqlite(path: &Path, bundles: &[CustomerBundle]) -> anyhow::Result<f64> {
    let mut conn = rusqlite::Connection::open(path)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
         CREATE TABLE records (pos INTEGER PRIMARY KEY, kind TEXT NOT NULL, id INTEGER NOT NULL, doc TEXT NOT NULL);",
    )?;
    let start = Instant::now();
    let tx = conn.transaction()?;
    let mut n: i64 = 0;
    {
        let mut st = tx.prepare("INSERT INTO records (pos, kind, id, doc) VALUES (?1, ?2, ?3, ?4)")?;
        let mut put = |kind: &str, id: i64, doc: String| -> rusqlite::Result<()> {
            n += 1;
            st.execute(params![n, kind, id, doc]).map(drop)
        };
        let mut event_id = 0;
        for b in bundles {
            put("customer", b.customer.id.0, serde_json::to_string(&b.customer)?)?;
            for c in &b.cases {
                put("case", c.id.0, serde_json::to_string(c)?)?;
            }
            for e in &b.events {
                event_id += 1;
                put("event", event_id, serde_json::to_string(e)?)?;
            }
            for t in b.touchpoints.iter().chain(&b.unlinked) {
                put("touchpoint", t.id.0, serde_json::to_string(t)?)?;
            }
        }
    }
    tx.commit()?;
    Ok(n as f64 / start.elapsed().as_secs_f64())
}

/// Loads `bundles` into the server's tenant, then vacuums and analyzes (not timed).
pub async fn seed(server: &RunningServer, bundles: Vec<CustomerBundle>) -> anyhow::Result<usize> {
    let client = server.database().pool.get().await?;
    let counts = tideline_server::seed::load_bundles(&**client, DEFAULT_TENANT, bundles).await?;
    // What autovacuum would have done on a live server by now: without statistics and
    // hint bits, the first pulls after a bulk load run several times slower.
    client.batch_execute("VACUUM ANALYZE").await?;
    Ok(counts.records())
}

pub async fn add_user(server: &RunningServer, name: &str, role: Role, queues: Vec<String>) -> anyhow::Result<()> {
    let client = server.database().pool.get().await?;
    let new = NewUser { username: name.into(), display_name: name.into(), role, queues, password: PASSWORD.into() };
    users::add(&**client, DEFAULT_TENANT, &new, "bench").await?;
    Ok(())
}

/// The tenant's change-log head.
pub async fn head(server: &RunningServer) -> anyhow::Result<i64> {
    let client = server.database().pool.get().await?;
    Ok(client.query_one("SELECT head FROM tenants WHERE id = $1", &[&DEFAULT_TENANT]).await?.get(0))
}

/// Active cases (new, open or pending), lowest ids first, with their queues.
pub async fn active_cases(server: &RunningServer, limit: i64) -> anyhow::Result<Vec<(CaseId, String)>> {
    let client = server.database().pool.get().await?;
    let rows = client
        .query(
            "SELECT id, queue FROM cases WHERE tenant_id = $1 AND status IN ('new', 'open', 'pending')
             ORDER BY id LIMIT $2",
            &[&DEFAULT_TENANT, &limit],
        )
        .await?;
    Ok(rows.iter().map(|r| (CaseId(r.get(0)), r.get(1))).collect())
}

/// Server pages alone: the engine's pulls (same page size, same typed decoding) with
/// nothing written anywhere. Returns the time and the number of changes.
pub async fn pull_only(http: &reqwest::Client, server: &str, token: &str) -> anyhow::Result<(Duration, usize)> {
    let start = Instant::now();
    let (mut cursor, mut n) = (0i64, 0usize);
    loop {
        let page: PullResponse = http
            .get(url(server, "pull"))
            .bearer_auth(token)
            .query(&[("cursor", cursor.to_string()), ("limit", ENGINE_PAGE.to_string())])
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        n += page.changes.len();
        let more = page.more && page.cursor > cursor;
        cursor = page.cursor;
        if !more {
            return Ok((start.elapsed(), n));
        }
    }
}

/// How long a first sync took.
#[derive(Debug, Clone, Copy)]
pub struct InitialSync {
    /// Engine start to the cursor at the server's head (every page applied).
    pub to_head: Duration,
    /// Engine start to the initial sync done (indexes and search rebuilt): the cache
    /// is usable.
    pub done: Duration,
    /// Records in the cache afterwards.
    pub cached: usize,
}

/// A team lead's engine syncing into an empty cache at `path`, polled every 2 ms.
pub fn engine_initial(path: &Path, conn: Connection, head: i64, limit: Duration) -> anyhow::Result<InitialSync> {
    let store = Store::create(path, StoreConfig::default())?;
    let start = Instant::now();
    let engine = SyncEngine::start(store, conn, |_| {});
    let mut to_head = None;
    let done = loop {
        let s = engine.status();
        if to_head.is_none() && s.cursor >= head {
            to_head = Some(start.elapsed());
        }
        if s.cursor >= head && s.initial_sync_done {
            break start.elapsed();
        }
        if start.elapsed() > limit {
            bail!(
                "the initial sync did not finish within {}s (cursor {} of {head}; last error: {})",
                limit.as_secs(),
                s.cursor,
                s.last_error.unwrap_or_else(|| "none".into())
            );
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    engine.stop();
    let store = Store::open(path, StoreConfig::default())?;
    let cached: i64 = store.connection().query_row(
        "SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM cases)
              + (SELECT count(*) FROM case_events) + (SELECT count(*) FROM touchpoints)",
        [],
        |r| r.get(0),
    )?;
    Ok(InitialSync { to_head: to_head.unwrap_or(done), done, cached: cached as usize })
}

/// Pushes over HTTP as one client, as the console's engine would.
pub struct Pusher {
    pub http: reqwest::Client,
    pub server: String,
    pub token: String,
    pub client_id: String,
    pub seq: i64,
}

impl Pusher {
    /// Pushes one batch of notes (spread over `cases`); returns how many were applied
    /// and the new head.
    pub async fn notes(&mut self, cases: &[CaseId], n: usize) -> anyhow::Result<(usize, i64)> {
        let mutations = (0..n)
            .map(|i| {
                self.seq += 1;
                PushMutation {
                    seq: self.seq,
                    mutation: Mutation::Case {
                        case_id: cases[i % cases.len()],
                        action: CaseAction::AddNote {
                            body: format!("Benchmark note {} from {}", self.seq, self.client_id),
                        },
                    },
                    at: Timestamp::now(),
                    basis: None,
                }
            })
            .collect();
        let req = PushRequest { client_id: self.client_id.clone(), mutations };
        let r = self.http.post(url(&self.server, "push")).bearer_auth(&self.token).json(&req).send().await?;
        let status = r.status();
        if !status.is_success() {
            bail!("push answered {status}: {}", r.text().await.unwrap_or_default());
        }
        let r: PushResponse = r.json().await?;
        let applied = r.results.iter().filter(|r| matches!(r.outcome, Outcome::Applied { .. })).count();
        ensure!(applied == n, "the server applied {applied} of {n} notes: {:?}", r.results.first());
        Ok((applied, r.head))
    }
}

/// Baseline of propagation: `clients` bare live sockets; per push, the time from the
/// push being sent to each socket's `Poke` at or past the pushed head.
pub async fn poke_baseline(
    server: &str,
    tokens: &[String],
    clients: usize,
    pushes: usize,
    writer: &mut Pusher,
    case: CaseId,
) -> anyhow::Result<Vec<Duration>> {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(usize, i64, Instant)>();
    let mut tasks = Vec::with_capacity(clients);
    for i in 0..clients {
        let (ws, _) = tokio_tungstenite::connect_async(live_url(server, &tokens[i % tokens.len()]))
            .await
            .with_context(|| format!("live socket {i}"))?;
        let tx = tx.clone();
        tasks.push(tokio::spawn(async move {
            let (_sink, mut stream) = ws.split();
            while let Some(Ok(m)) = stream.next().await {
                if let Message::Text(t) = m
                    && let Ok(ServerMessage::Poke { head }) = serde_json::from_str(t.as_str())
                    && tx.send((i, head, Instant::now())).is_err()
                {
                    return;
                }
            }
        }));
    }
    drop(tx);
    // Every socket gets a poke with the current head on connect.
    let mut greeted = vec![false; clients];
    let mut left = clients;
    while left > 0 {
        let (i, _, _) = next(&mut rx).await?;
        if !std::mem::replace(&mut greeted[i], true) {
            left -= 1;
        }
    }
    let mut samples = Vec::with_capacity(clients * pushes);
    for _ in 0..pushes {
        let t0 = Instant::now();
        let (_, h) = writer.notes(&[case], 1).await?;
        let mut seen = vec![false; clients];
        let mut left = clients;
        while left > 0 {
            let (i, head, at) = next(&mut rx).await?;
            if head >= h && !std::mem::replace(&mut seen[i], true) {
                left -= 1;
                samples.push(at.saturating_duration_since(t0));
            }
        }
    }
    for t in tasks {
        t.abort();
    }
    Ok(samples)
}

async fn next<T>(rx: &mut tokio::sync::mpsc::UnboundedReceiver<T>) -> anyhow::Result<T> {
    match tokio::time::timeout(Duration::from_secs(30), rx.recv()).await {
        Ok(Some(v)) => Ok(v),
        Ok(None) => bail!("every live socket closed"),
        Err(_) => bail!("no poke within 30 s"),
    }
}

/// When each engine's cache had the pushed change (its `SyncEvent::Changed` naming the
/// case), for the round in progress.
struct Probe {
    target: CaseId,
    state: Mutex<Round>,
    all_in: Condvar,
}

struct Round {
    armed: bool,
    arrivals: Vec<Option<Instant>>,
}

/// Engines for propagation, each on its own cache in `dir`, all online and synced.
pub struct Fleet {
    engines: Vec<SyncEngine>,
    probe: Arc<Probe>,
}

impl Fleet {
    /// Starts `clients` engines (tokens used in turn) and waits until every one has
    /// finished its first sync up to `head`. Returns the fleet and how long that took.
    pub fn start(
        dir: &Path,
        server: &str,
        tokens: &[String],
        clients: usize,
        target: CaseId,
        head: i64,
    ) -> anyhow::Result<(Fleet, Duration)> {
        let probe = Arc::new(Probe {
            target,
            state: Mutex::new(Round { armed: false, arrivals: vec![None; clients] }),
            all_in: Condvar::new(),
        });
        let mut stores = Vec::with_capacity(clients);
        for i in 0..clients {
            stores.push(Store::create(&dir.join(format!("client-{i}.db")), StoreConfig::default())?);
        }
        let start = Instant::now();
        let mut engines = Vec::with_capacity(clients);
        for (i, store) in stores.into_iter().enumerate() {
            let conn = Connection { server: server.to_string(), token: tokens[i % tokens.len()].clone() };
            let probe = probe.clone();
            engines.push(SyncEngine::start(store, conn, move |e| {
                if let SyncEvent::Changed { cases, .. } = e
                    && cases.contains(&probe.target)
                {
                    let mut s = probe.state.lock().unwrap_or_else(|p| p.into_inner());
                    if s.armed && s.arrivals[i].is_none() {
                        s.arrivals[i] = Some(Instant::now());
                        if s.arrivals.iter().all(Option::is_some) {
                            probe.all_in.notify_all();
                        }
                    }
                }
            }));
        }
        let fleet = Fleet { engines, probe };
        let limit = Duration::from_secs(300);
        loop {
            let behind = fleet
                .engines
                .iter()
                .filter(|e| {
                    let s = e.status();
                    !(s.online && s.initial_sync_done && s.cursor >= head)
                })
                .count();
            if behind == 0 {
                return Ok((fleet, start.elapsed()));
            }
            if start.elapsed() > limit {
                let err = fleet.engines.iter().find_map(|e| e.status().last_error);
                bail!("{behind} of {clients} engines had not synced after {}s (e.g. {err:?})", limit.as_secs());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// One round: arm, push through `push` (which returns once the server answered),
    /// wait for every engine's cache to have the case. Durations from when the push was sent.
    pub fn round(&self, push: impl FnOnce() -> anyhow::Result<()>) -> anyhow::Result<Vec<Duration>> {
        {
            let mut s = self.lock();
            s.armed = true;
            s.arrivals.iter_mut().for_each(|a| *a = None);
        }
        // From the moment the push is sent: the poke can reach a socket before the push's
        // own response does, so the response is no zero point.
        let t0 = Instant::now();
        push()?;
        let deadline = t0 + Duration::from_secs(60);
        let mut s = self.lock();
        while !s.arrivals.iter().all(Option::is_some) {
            let now = Instant::now();
            if now >= deadline {
                let missing = s.arrivals.iter().filter(|a| a.is_none()).count();
                bail!("{missing} engines did not get the change within 60 s");
            }
            s = self.probe.all_in.wait_timeout(s, deadline - now).unwrap_or_else(|p| p.into_inner()).0;
        }
        s.armed = false;
        Ok(s.arrivals.iter().flatten().map(|a| a.saturating_duration_since(t0)).collect())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Round> {
        self.probe.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn stop(self) {
        for e in self.engines {
            e.stop();
        }
    }
}

/// Push throughput: `pushers` clients each sending batches of `batch` notes for
/// `seconds`, each on its own cases. Returns applied mutations per second.
pub async fn push_rate(
    http: &reqwest::Client,
    server: &str,
    token: &str,
    cases: &[CaseId],
    pushers: usize,
    batch: usize,
    seconds: f64,
) -> anyhow::Result<f64> {
    ensure!(!cases.is_empty(), "there are no active cases to add notes to");
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(seconds);
    let mut tasks = Vec::with_capacity(pushers);
    for p in 0..pushers {
        let mut pusher = Pusher {
            http: http.clone(),
            server: server.to_string(),
            token: token.to_string(),
            client_id: format!("bench-push-{batch}-{p}"),
            seq: 0,
        };
        let mine = vec![cases[p % cases.len()]];
        tasks.push(tokio::spawn(async move {
            let mut n = 0;
            while Instant::now() < deadline {
                n += pusher.notes(&mine, batch).await?.0;
            }
            anyhow::Ok(n)
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await??;
    }
    Ok(total as f64 / start.elapsed().as_secs_f64())
}

/// Baseline of push throughput: plain single-row INSERTs of a note-sized row (ids, a
/// JSON document) into a table with a primary key only, through `conns` pooled
/// connections for `seconds`; `batch` rows per transaction (1: each its own commit).
pub async fn raw_pg_rate(server: &RunningServer, conns: usize, batch: usize, seconds: f64) -> anyhow::Result<f64> {
    let pool = &server.database().pool;
    pool.get()
        .await?
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS bench_raw_notes (
                 id bigserial PRIMARY KEY, tenant_id text NOT NULL, case_id bigint NOT NULL,
                 doc jsonb NOT NULL, at timestamptz NOT NULL)",
        )
        .await?;
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(seconds);
    let mut tasks = Vec::with_capacity(conns);
    for c in 0..conns {
        let pool = pool.clone();
        tasks.push(tokio::spawn(async move {
            let client = pool.get().await?;
            let st = client
                .prepare("INSERT INTO bench_raw_notes (tenant_id, case_id, doc, at) VALUES ($1, $2, $3, now())")
                .await?;
            let mut n = 0usize;
            while Instant::now() < deadline {
                if batch > 1 {
                    client.batch_execute("BEGIN").await?;
                }
                for _ in 0..batch {
                    let doc = serde_json::json!({
                        "case_id": c, "customer_id": c, "at": Timestamp::now(),
                        "actor": {"agent": "lead"},
                        "kind": {"noted": {"body": format!("Benchmark note {n} from raw-{c}")}}
                    });
                    client.execute(&st, &[&DEFAULT_TENANT, &(c as i64), &doc]).await?;
                    n += 1;
                }
                if batch > 1 {
                    client.batch_execute("COMMIT").await?;
                }
            }
            anyhow::Ok(n)
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await??;
    }
    Ok(total as f64 / start.elapsed().as_secs_f64())
}
