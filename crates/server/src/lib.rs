//! Tideline's back end: the sync API of `tideline serve` over PostgreSQL.
//!
//! **What runs where.** One `tideline serve` process is one instance: an axum HTTP
//! server (JSON under `/v1`, the wire types of `tideline_sync::protocol`) on a tokio
//! runtime, a pool of PostgreSQL connections, and one dedicated `LISTEN` connection for
//! live pokes and presence. PostgreSQL holds all state; an instance keeps only the
//! presence of its own sockets, so any number of instances can serve one database.
//! With no `DATABASE_URL`, [`PgCluster`] runs a private PostgreSQL from the installed
//! binaries in the data directory and stops it with the server.
//!
//! **Layout** (dependencies point down; `ARCHITECTURE.md` has the codemap):
//! - [`http`]: router, state, extractors, the error mapping, thin routes. No SQL.
//! - [`domain`]: sessions, push, pull, links, scope, users, reference data, live
//!   fan-out, the demo seed. Takes a pool or a transaction, never the HTTP state.
//! - [`ingest`]: the durable inbox every channel's webhooks write to, and its workers.
//! - [`outbound`]: replies leaving through their channel.
//! - [`db`]: pool, migrations, the change log, audit log, configuration and the
//!   private cluster.
//!
//! **In tests:** start a [`PgCluster`] in a temp dir, make a database with
//! [`PgCluster::create_database`], then
//! `Server::start(ServerConfig::new("127.0.0.1:0".parse()?, DbSource::Url(url)))`.

pub mod db;
pub mod domain;
pub mod error;
pub mod http;
pub mod ingest;
pub mod outbound;

pub use db::pg_cluster::{self, PgCluster};
pub use domain::{seed, users};
pub use error::ServerError;
pub use http::error::ApiError;
pub use tideline_sync::protocol::Role;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;

/// Where the database is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbSource {
    /// An existing PostgreSQL database (production: `DATABASE_URL`).
    Url(String),
    /// The private cluster in this data directory, started if needed.
    DataDir(PathBuf),
}

impl DbSource {
    /// `DATABASE_URL` if set, else `data_dir`, else the default data directory.
    pub fn from_env(data_dir: Option<PathBuf>) -> Result<DbSource, ServerError> {
        if let Some(url) = std::env::var("DATABASE_URL").ok().filter(|u| !u.trim().is_empty()) {
            return Ok(DbSource::Url(url));
        }
        Ok(DbSource::DataDir(match data_dir {
            Some(d) => d,
            None => pg_cluster::default_data_dir()?,
        }))
    }
}

/// An open, migrated database, and the private cluster behind it if there is one (it
/// stops when this is dropped).
pub struct Database {
    pub pool: db::DbPool,
    pub url: String,
    cluster: Option<PgCluster>,
}

impl Database {
    pub async fn open(source: &DbSource, pool_size: usize) -> Result<Database, ServerError> {
        let (url, cluster) = match source {
            DbSource::Url(u) => (u.clone(), None),
            DbSource::DataDir(d) => {
                let c = PgCluster::start(d).await?;
                (c.url(), Some(c))
            }
        };
        let pool = db::pool(&url, pool_size)?;
        db::migrate(&pool).await?;
        Ok(Database { pool, url, cluster })
    }

    /// The private cluster, if the database is one.
    pub fn cluster(&self) -> Option<&PgCluster> {
        self.cluster.as_ref()
    }
}

#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    pub database: DbSource,
    /// Seed the demo contact centre and its users (idempotent).
    pub demo: bool,
    /// How long a session token lasts.
    pub token_ttl: Duration,
    /// Most database connections at once (besides the live listener).
    pub pool_size: usize,
    /// The URL providers call (`--public-url`); default `http://<listen address>`.
    pub public_url: Option<String>,
    /// Ingest workers on this instance (0: this instance only accepts webhooks).
    pub ingest_workers: usize,
    /// Outbound senders on this instance.
    pub senders: usize,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`--trusted-proxy`).
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl ServerConfig {
    pub fn new(listen: SocketAddr, database: DbSource) -> Self {
        ServerConfig {
            listen,
            database,
            demo: false,
            token_ttl: Duration::from_secs(12 * 3600),
            pool_size: 32,
            public_url: None,
            ingest_workers: 2,
            senders: 1,
            trusted_proxies: Vec::new(),
        }
    }
}

/// The server.
pub struct Server;

/// A running server. Dropping it without [`RunningServer::shutdown`] stops it too.
pub struct RunningServer {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    hub: Arc<domain::live::Hub>,
    /// What `--demo` seeded (or found seeded).
    pub seeded: Option<seed::Seeded>,
    db: Database,
    workers_stop: tokio::sync::watch::Sender<bool>,
}

impl Server {
    /// Opens the database (starting the private cluster if configured), migrates, seeds
    /// if asked, starts the live listener, binds and serves in the background.
    pub async fn start(config: ServerConfig) -> Result<RunningServer, ServerError> {
        let db = Database::open(&config.database, config.pool_size).await?;
        let seeded = if config.demo { Some(seed::seed_demo(&db.pool, jiff::Timestamp::now()).await?) } else { None };
        let hub = Arc::new(domain::live::Hub::new());
        let (ready_tx, ready_rx) = oneshot::channel();
        tokio::spawn(domain::live::run_listener(db.url.clone(), hub.clone(), ready_tx));
        ready_rx.await.map_err(|_| ServerError::Invalid("the live listener stopped".into()))??;
        tokio::spawn(domain::live::keep_presence(db.pool.clone(), hub.clone()));
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|e| ServerError::io(format!("cannot listen on {}", config.listen), e))?;
        let addr = listener.local_addr().map_err(|e| ServerError::io("no local address".into(), e))?;
        let identities = tideline_core::IdentityContext::default();
        let ingest_wake = Arc::new(tokio::sync::Notify::new());
        let (workers_stop, workers_rx) = tokio::sync::watch::channel(false);
        for _ in 0..config.ingest_workers {
            let (pool, ids, wake, stop) =
                (db.pool.clone(), identities.clone(), ingest_wake.clone(), workers_rx.clone());
            tokio::spawn(ingest::worker::run(pool, ids, wake, stop));
        }
        let http_client = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .map_err(|e| ServerError::Invalid(format!("cannot make an HTTP client: {e}")))?;
        let send_wake = Arc::new(tokio::sync::Notify::new());
        for _ in 0..config.senders {
            let (pool, http, wake, stop) =
                (db.pool.clone(), http_client.clone(), send_wake.clone(), workers_rx.clone());
            tokio::spawn(outbound::sender::run(pool, http, wake, stop));
        }
        let state = http::AppState {
            pool: db.pool.clone(),
            hub: hub.clone(),
            token_ttl: config.token_ttl,
            identities,
            public_url: config.public_url.clone().unwrap_or_else(|| format!("http://{addr}")),
            ingest_wake,
            acceptor: ingest::acceptor::Acceptor::start(db.pool.clone()),
            channels: Default::default(),
            trusted_proxies: Arc::new(config.trusted_proxies.clone()),
        };
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let router = http::router(state);
        let task = tokio::spawn(async move {
            axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
                .with_graceful_shutdown(async move {
                    let _ = stop_rx.await;
                })
                .await
        });
        tracing::info!(%addr, "listening");
        Ok(RunningServer { addr, stop: Some(stop_tx), task: Some(task), hub, seeded, db, workers_stop })
    }
}

impl RunningServer {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://<addr>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn database(&self) -> &Database {
        &self.db
    }

    /// Stops accepting requests, closes live sockets, waits for requests in flight, and
    /// stops the private cluster if this server started it.
    pub async fn shutdown(mut self) {
        self.hub.close();
        let _ = self.workers_stop.send(true);
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
        self.db.pool.close();
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        self.hub.close();
        let _ = self.workers_stop.send(true);
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

/// `tideline serve`: starts the server, calls `started` (the CLI prints the address and
/// the demo users), and runs until Ctrl-C or SIGTERM.
pub async fn serve(config: ServerConfig, started: impl FnOnce(&RunningServer)) -> Result<(), ServerError> {
    let server = Server::start(config).await?;
    started(&server);
    shutdown_signal().await;
    tracing::info!("shutting down");
    server.shutdown().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = ctrl_c.await;
                return;
            }
        };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

/// Logs to stderr, filtered by `RUST_LOG` (default `info`). For the CLI; safe to call
/// twice.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}
