//! Servers, clients and a cuttable connection for the sync tests.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use tideline_server::users::{self, DEFAULT_TENANT, NewUser};
use tideline_server::{DbSource, PgCluster, Role, RunningServer, Server, ServerConfig};
use tideline_store::{Store, StoreConfig};
use tideline_sync::client::{Connection, SyncEngine, SyncEvent, sign_in};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;

pub const PASSWORD: &str = "correct horse";

/// One runtime for every server, proxy and database call of the run.
pub fn rt() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap())
}

/// The cluster of this run. Never dropped: PostgreSQL stops when the process exits
/// (parent-death signal).
fn cluster() -> &'static PgCluster {
    static CLUSTER: OnceLock<PgCluster> = OnceLock::new();
    CLUSTER.get_or_init(|| {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR"));
        let dir = tempfile::Builder::new().prefix("sync-pg-").tempdir_in(root).unwrap().keep();
        rt().block_on(PgCluster::start_throwaway(&dir)).unwrap()
    })
}

/// A fresh database in the run's cluster.
pub fn database() -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    let name = format!("sync{}_{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed));
    rt().block_on(cluster().create_database(&name)).unwrap()
}

/// Runs one query on the server's database and returns the rows.
pub fn query(
    db_url: &str,
    sql: &str,
    params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
) -> Vec<tokio_postgres::Row> {
    rt().block_on(async {
        let (client, conn) = tokio_postgres::connect(db_url, tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(conn);
        client.query(sql, params).await.unwrap()
    })
}

/// Adds 80 demo customers and the users `lead` (team lead) and agents `amy` and `bob`
/// (both on `cards`), all with [`PASSWORD`].
pub fn seed(db_url: &str) {
    rt().block_on(async {
        let (client, conn) = tokio_postgres::connect(db_url, tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(conn);
        let now: jiff::Timestamp = "2026-11-23T12:00:00Z".parse().unwrap();
        let bundles = tideline_demo::generate(&tideline_demo::DemoConfig::new(80, 7, now));
        tideline_server::seed::load_bundles(&client, DEFAULT_TENANT, bundles).await.unwrap();
        for (u, name, role, queues) in [
            ("lead", "Lee Lead", Role::TeamLead, vec![]),
            ("amy", "Amy Shaw", Role::Agent, vec!["cards".to_string()]),
            ("bob", "Bob Stone", Role::Agent, vec!["cards".to_string()]),
        ] {
            let new =
                NewUser { username: u.into(), display_name: name.into(), role, queues, password: PASSWORD.into() };
            users::add(&client, DEFAULT_TENANT, &new, "test").await.unwrap();
        }
    })
}

/// The server in this process, on a fresh seeded database.
pub struct Backend {
    pub server: Option<RunningServer>,
    pub db_url: String,
}

impl Backend {
    pub fn start() -> Backend {
        let db_url = database();
        // Migrations run when the server starts; seed after that.
        let config = ServerConfig::new("127.0.0.1:0".parse().unwrap(), DbSource::Url(db_url.clone()));
        let server = rt().block_on(Server::start(config)).unwrap();
        seed(&db_url);
        Backend { server: Some(server), db_url }
    }

    /// As [`Backend::start`], with no ingest workers: webhooks are stored, and the test
    /// drains the inbox itself.
    pub fn accepting_only() -> Backend {
        let db_url = database();
        let config = ServerConfig {
            ingest_workers: 0,
            ..ServerConfig::new("127.0.0.1:0".parse().unwrap(), DbSource::Url(db_url.clone()))
        };
        let server = rt().block_on(Server::start(config)).unwrap();
        seed(&db_url);
        Backend { server: Some(server), db_url }
    }

    /// The server in this process on `db_url`, an existing database (a restart).
    pub fn on(db_url: &str) -> Backend {
        let config = ServerConfig::new("127.0.0.1:0".parse().unwrap(), DbSource::Url(db_url.to_string()));
        let server = rt().block_on(Server::start(config)).unwrap();
        Backend { server: Some(server), db_url: db_url.to_string() }
    }

    pub fn url(&self) -> String {
        self.server.as_ref().unwrap().url()
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.as_ref().unwrap().addr()
    }

    pub fn head(&self) -> i64 {
        query(&self.db_url, "SELECT head FROM tenants WHERE id = 'default'", &[])[0].get(0)
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        if let Some(s) = self.server.take() {
            rt().block_on(s.shutdown());
        }
    }
}

/// A console's sync side: a cache file, the engine on it, and the events it sent.
pub struct Client {
    pub engine: Option<SyncEngine>,
    pub path: PathBuf,
    pub conn: Connection,
    pub user: String,
    pub events: Arc<Mutex<Vec<SyncEvent>>>,
    _dir: tempfile::TempDir,
}

impl Client {
    /// Signs `user` in at `server` and starts syncing into a new cache.
    pub fn start(server: &str, user: &str) -> Client {
        let session = sign_in(server, user, PASSWORD).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.db");
        drop(Store::create(&path, StoreConfig::default()).unwrap());
        let conn = Connection { server: server.to_string(), token: session.token };
        let mut c = Client { engine: None, path, conn, user: user.into(), events: Default::default(), _dir: dir };
        c.resume();
        c
    }

    /// (Re)starts the engine on the same cache.
    pub fn resume(&mut self) {
        let store = Store::open(&self.path, StoreConfig::default()).unwrap();
        let events = self.events.clone();
        self.engine = Some(SyncEngine::start(store, self.conn.clone(), move |e| events.lock().unwrap().push(e)));
    }

    pub fn pause(&mut self) {
        if let Some(e) = self.engine.take() {
            e.stop();
        }
    }

    pub fn engine(&self) -> &SyncEngine {
        self.engine.as_ref().expect("the engine is running")
    }

    /// The cache, through a connection of the test's own (as the console has).
    pub fn store(&self) -> Store {
        Store::open(&self.path, StoreConfig::default()).unwrap()
    }

    /// Waits until the cache has pulled up to `head` with nothing left to push.
    pub fn wait_synced(&self, head: i64, what: &str) {
        wait_until(
            &format!("{}'s cache to reach position {head} ({what})", self.user),
            Duration::from_secs(60),
            || {
                let s = self.engine().status();
                s.cursor >= head && s.pending == 0
            },
        );
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        self.pause();
    }
}

/// `tideline serve` as a child process (so a test can SIGKILL it) listening on
/// `listen` against `db_url`; returns once it listens, with its URL.
pub fn serve_process(db_url: &str, listen: &str) -> (std::process::Child, String) {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_tideline"))
        .args(["serve", "--listen", listen])
        .env("DATABASE_URL", db_url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url = loop {
        let line = lines.next().expect("the server printed its address").unwrap();
        if let Some(url) = line.strip_prefix("listening on ") {
            break url.trim().to_string();
        }
    };
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines.by_ref() {});
    (child, url)
}

/// Polls `done` until it holds; panics after `limit`, naming what it waited for.
pub fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A TCP forwarder between a client and the server that can be cut: every open
/// connection is dropped at once and new ones are closed on arrival, as when a laptop
/// loses its network. It can also lose the server's answers to pushes (see
/// [`Proxy::lose_push_replies`]).
pub struct Proxy {
    pub addr: SocketAddr,
    up: Arc<AtomicBool>,
    faults: Arc<Faults>,
    open: Arc<Mutex<Vec<AbortHandle>>>,
    accept: AbortHandle,
}

/// What the proxy does to the traffic, and what it saw.
#[derive(Default)]
struct Faults {
    /// A connection that carries a push while this is on gets nothing more from the server.
    lose_push_replies: AtomicBool,
    /// Push requests forwarded to the server.
    pushes: AtomicUsize,
    /// Bytes of answers to pushes that were dropped.
    lost: AtomicUsize,
}

const PUSH_REQUEST: &[u8] = b"POST /v1/push ";

impl Proxy {
    pub fn start(upstream: SocketAddr) -> Proxy {
        let listener = rt().block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
        let addr = listener.local_addr().unwrap();
        let up = Arc::new(AtomicBool::new(true));
        let faults: Arc<Faults> = Default::default();
        let open: Arc<Mutex<Vec<AbortHandle>>> = Default::default();
        let (up2, faults2, open2) = (up.clone(), faults.clone(), open.clone());
        let accept = rt()
            .spawn(async move {
                while let Ok((inbound, _)) = listener.accept().await {
                    if !up2.load(Ordering::SeqCst) {
                        continue; // dropped: the client sees the connection close
                    }
                    let task = tokio::spawn(forward(inbound, upstream, faults2.clone()));
                    open2.lock().unwrap().push(task.abort_handle());
                }
            })
            .abort_handle();
        Proxy { addr, up, faults, open, accept }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        for t in self.open.lock().unwrap().drain(..) {
            t.abort();
        }
    }

    pub fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }

    /// While on, a connection that carries a push gets nothing more from the server: the
    /// server receives the push and answers it, and the answer is lost on the way.
    pub fn lose_push_replies(&self, lose: bool) {
        self.faults.lose_push_replies.store(lose, Ordering::SeqCst);
    }

    /// How many push requests went through to the server.
    pub fn pushes(&self) -> usize {
        self.faults.pushes.load(Ordering::SeqCst)
    }

    /// How many bytes of the server's answers to pushes were lost.
    pub fn lost_reply_bytes(&self) -> usize {
        self.faults.lost.load(Ordering::SeqCst)
    }
}

/// Copies bytes both ways between `inbound` and the server until either side closes.
/// HTTP/1.1 answers one request at a time, so what the server sends on a connection after
/// a push request went through it is, first, the answer to that push.
async fn forward(inbound: TcpStream, upstream: SocketAddr, faults: Arc<Faults>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let Ok(outbound) = TcpStream::connect(upstream).await else { return };
    let (mut from_client, mut to_client) = inbound.into_split();
    let (mut from_server, mut to_server) = outbound.into_split();
    // A push went through while replies to pushes are being lost: so is everything after.
    let doomed = AtomicBool::new(false);
    let requests = async {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match from_client.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => {
                    if buf[..n].windows(PUSH_REQUEST.len()).any(|w| w == PUSH_REQUEST) {
                        faults.pushes.fetch_add(1, Ordering::SeqCst);
                        if faults.lose_push_replies.load(Ordering::SeqCst) {
                            doomed.store(true, Ordering::SeqCst);
                        }
                    }
                    if to_server.write_all(&buf[..n]).await.is_err() {
                        return;
                    }
                }
            }
        }
    };
    let replies = async {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match from_server.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => {
                    if doomed.load(Ordering::SeqCst) {
                        faults.lost.fetch_add(n, Ordering::SeqCst);
                        continue;
                    }
                    if to_client.write_all(&buf[..n]).await.is_err() {
                        return;
                    }
                }
            }
        }
    };
    tokio::select! {
        _ = requests => {}
        _ = replies => {}
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.cut();
        self.accept.abort();
    }
}
