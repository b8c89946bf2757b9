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
//! **Modules.**
//! - [`pg_cluster`]: the private (or test) PostgreSQL cluster; `sys`: the only unsafe
//!   code (parent-death signal, `kill`).
//! - [`db`]: connection pool and migrations (`migrations/NNNN_*.sql`).
//! - [`auth`]: argon2 passwords, session tokens (SHA-256 stored), the [`auth::User`]
//!   extractor. [`users`]: add, list, disable.
//! - [`app`]: the router and JSON error extractors; `routes`: the handlers.
//! - [`push`]: a batch of mutations in one transaction, settled by
//!   `tideline_sync::decide`; `links`: identity link, unlink, create customer.
//! - [`changes`]: the change log and the never-skip rule; [`pull`]: pull and history.
//! - [`scope`]: what each role may see and change. [`audit`]: the append-only log.
//!   [`catalogue`]: closure codes. [`live`]: the WebSocket, LISTEN/NOTIFY, presence.
//! - [`seed`]: bulk loading and the demo. [`error`]: `ServerError` and `ApiError`.
//!
//! **In tests:** start a [`PgCluster`] in a temp dir, make a database with
//! [`PgCluster::create_database`], then
//! `Server::start(ServerConfig::new("127.0.0.1:0".parse()?, DbSource::Url(url)))`.

pub mod app;
pub mod audit;
pub mod auth;
pub mod catalogue;
pub mod changes;
pub mod db;
pub mod error;
mod links;
pub mod live;
pub mod pg_cluster;
pub mod pull;
pub mod push;
mod routes;
pub mod scope;
pub mod seed;
mod sys;
pub mod users;

pub use error::{ApiError, ServerError};
pub use pg_cluster::PgCluster;
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
}

impl ServerConfig {
    pub fn new(listen: SocketAddr, database: DbSource) -> Self {
        ServerConfig { listen, database, demo: false, token_ttl: Duration::from_secs(12 * 3600), pool_size: 32 }
    }
}

/// The server.
pub struct Server;

/// A running server. Dropping it without [`RunningServer::shutdown`] stops it too.
pub struct RunningServer {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    hub: Arc<live::Hub>,
    /// What `--demo` seeded (or found seeded).
    pub seeded: Option<seed::Seeded>,
    db: Database,
}

impl Server {
    /// Opens the database (starting the private cluster if configured), migrates, seeds
    /// if asked, starts the live listener, binds and serves in the background.
    pub async fn start(config: ServerConfig) -> Result<RunningServer, ServerError> {
        let db = Database::open(&config.database, config.pool_size).await?;
        let seeded = if config.demo { Some(seed::seed_demo(&db.pool, jiff::Timestamp::now()).await?) } else { None };
        let hub = Arc::new(live::Hub::new());
        let (ready_tx, ready_rx) = oneshot::channel();
        tokio::spawn(live::run_listener(db.url.clone(), hub.clone(), ready_tx));
        ready_rx.await.map_err(|_| ServerError::Invalid("the live listener stopped".into()))??;
        let state = app::AppState {
            pool: db.pool.clone(),
            hub: hub.clone(),
            token_ttl: config.token_ttl,
            identities: tideline_core::IdentityContext::default(),
        };
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|e| ServerError::io(format!("cannot listen on {}", config.listen), e))?;
        let addr = listener.local_addr().map_err(|e| ServerError::io("no local address".into(), e))?;
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let router = app::router(state);
        let task = tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async move {
                    let _ = stop_rx.await;
                })
                .await
        });
        tracing::info!(%addr, "listening");
        Ok(RunningServer { addr, stop: Some(stop_tx), task: Some(task), hub, seeded, db })
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
