//! A private PostgreSQL cluster run from the installed binaries: the zero-configuration
//! database of `tideline serve` and the throwaway database of every test run.
//!
//! - `initdb` on first use into `<dir>/pg`, then `postgres` listening only on a Unix socket
//!   in `<dir>/run` (no TCP port is opened, so clusters never collide).
//! - If a live postmaster already serves the directory (another `tideline` process), it
//!   is used rather than started twice; a stale `postmaster.pid` is PostgreSQL's to clear.
//! - As root, PostgreSQL runs as the `postgres` user, since it refuses to run as root.
//! - The cluster stops when its [`PgCluster`] is dropped (SIGINT: fast shutdown, waited
//!   for), and on Linux also when the process dies, even by SIGKILL (parent-death signal).

use crate::error::ServerError;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The port only names the socket file (`.s.PGSQL.5432`) inside the private socket dir.
const PORT: u16 = 5432;
/// The superuser `initdb` creates; the server connects as it over the socket (trust).
const USER: &str = "tideline";
/// The database the server uses.
pub const DATABASE: &str = "tideline";
const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// How the cluster trades durability for speed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// PostgreSQL's defaults: a commit survives a power cut.
    Durable,
    /// `fsync=off`: for throwaway test clusters only.
    Throwaway,
}

/// A running private cluster. Dropping it stops the cluster if this value started it.
pub struct PgCluster {
    dir: PathBuf,
    socket_dir: PathBuf,
    supervisor: Option<Supervisor>,
}

/// The thread that spawned the postmaster. It lives as long as the cluster should,
/// because Linux's parent-death signal fires when the spawning *thread* exits.
struct Supervisor {
    stop: mpsc::Sender<()>,
    thread: Option<std::thread::JoinHandle<()>>,
    exited: Arc<Mutex<Option<String>>>,
}

impl PgCluster {
    /// Starts (or joins) the cluster in `dir`, creating it on first use, and waits until
    /// it accepts connections.
    pub async fn start(dir: &Path) -> Result<PgCluster, ServerError> {
        Self::start_with(dir, Durability::Durable).await
    }

    /// As [`PgCluster::start`], for tests: `fsync` off.
    pub async fn start_throwaway(dir: &Path) -> Result<PgCluster, ServerError> {
        Self::start_with(dir, Durability::Throwaway).await
    }

    pub async fn start_with(dir: &Path, durability: Durability) -> Result<PgCluster, ServerError> {
        let bin = bin_dir()?;
        let owner = if crate::db::sys::is_root() { Some(postgres_user()?) } else { None };
        let dir = absolute(dir)?;
        let pgdata = dir.join("pg");
        let socket_dir = dir.join("run");
        for d in [&dir, &socket_dir] {
            fs::create_dir_all(d).map_err(|e| ServerError::io(format!("cannot create {}", d.display()), e))?;
            if let Some((uid, gid)) = owner {
                std::os::unix::fs::chown(d, Some(uid), Some(gid))
                    .map_err(|e| ServerError::io(format!("cannot hand {} to postgres", d.display()), e))?;
            }
        }
        if let Some((uid, _)) = owner {
            reachable_by(&dir, uid)?;
        }
        let mut cluster = PgCluster { dir: dir.clone(), socket_dir, supervisor: None };
        if !pgdata.join("PG_VERSION").exists() {
            initdb(&bin, &pgdata, owner)?;
        }
        if cluster.running_elsewhere(&pgdata).await {
            tracing::info!(dir = %dir.display(), "using the PostgreSQL cluster already running there");
        } else {
            cluster.supervisor = Some(spawn_postgres(&bin, &pgdata, &cluster.socket_dir, &dir, owner, durability)?);
            cluster.wait_ready().await?;
            tracing::info!(dir = %dir.display(), "started a private PostgreSQL cluster");
        }
        cluster.ensure_database(DATABASE).await?;
        Ok(cluster)
    }

    /// The connection URL of the server's database (`tideline`).
    pub fn url(&self) -> String {
        self.url_for(DATABASE)
    }

    /// The connection URL of database `db` in this cluster.
    pub fn url_for(&self, db: &str) -> String {
        format!("postgresql://{USER}@{}:{PORT}/{db}", percent_encode(&self.socket_dir.to_string_lossy()))
    }

    /// The directory the cluster lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Creates database `name` (if missing) and returns its URL: one per test keeps tests
    /// apart on one cluster.
    pub async fn create_database(&self, name: &str) -> Result<String, ServerError> {
        self.ensure_database(name).await?;
        Ok(self.url_for(name))
    }

    async fn ensure_database(&self, name: &str) -> Result<(), ServerError> {
        let client = connect(&self.url_for("postgres")).await?;
        let exists = client.query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&name]).await?.is_some();
        if !exists {
            let quoted = format!("\"{}\"", name.replace('"', "\"\""));
            if let Err(e) = client.batch_execute(&format!("CREATE DATABASE {quoted}")).await {
                // Another process may have created it at the same moment.
                if e.code() != Some(&tokio_postgres::error::SqlState::DUPLICATE_DATABASE) {
                    return Err(e.into());
                }
            }
        }
        Ok(())
    }

    /// A postmaster of another process serves this directory and answers.
    async fn running_elsewhere(&self, pgdata: &Path) -> bool {
        let Ok(pid_file) = fs::read_to_string(pgdata.join("postmaster.pid")) else { return false };
        let Some(pid) = pid_file.lines().next().and_then(|l| l.trim().parse::<u32>().ok()) else { return false };
        crate::db::sys::alive(pid) && connect(&self.url_for("postgres")).await.is_ok()
    }

    /// Retries connecting until the postmaster answers, it exits, or the deadline passes.
    async fn wait_ready(&self) -> Result<(), ServerError> {
        let started = Instant::now();
        let url = self.url_for("postgres");
        loop {
            match connect(&url).await {
                Ok(_) => return Ok(()),
                Err(e) => {
                    if let Some(exit) = self.supervisor.as_ref().and_then(|s| s.exited.lock().ok()?.clone()) {
                        return Err(ServerError::Cluster(format!(
                            "PostgreSQL exited while starting ({exit}); its log says: {}",
                            log_tail(&self.dir.join("postgres.log"))
                        )));
                    }
                    if started.elapsed() > READY_TIMEOUT {
                        return Err(ServerError::Cluster(format!(
                            "PostgreSQL did not accept connections within {}s ({e}); its log says: {}",
                            READY_TIMEOUT.as_secs(),
                            log_tail(&self.dir.join("postgres.log"))
                        )));
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        if let Some(mut s) = self.supervisor.take() {
            let _ = s.stop.send(());
            if let Some(t) = s.thread.take() {
                let _ = t.join();
            }
        }
    }
}

async fn connect(url: &str) -> Result<tokio_postgres::Client, ServerError> {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(client)
}

fn spawn_postgres(
    bin: &Path,
    pgdata: &Path,
    socket_dir: &Path,
    dir: &Path,
    owner: Option<(u32, u32)>,
    durability: Durability,
) -> Result<Supervisor, ServerError> {
    let log_path = dir.join("postgres.log");
    let log = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log_path)
        .map_err(|e| ServerError::io(format!("cannot open {}", log_path.display()), e))?;
    let log2 = log.try_clone().map_err(|e| ServerError::io("cannot duplicate the log file".into(), e))?;
    let mut cmd = Command::new(bin.join("postgres"));
    cmd.arg("-D").arg(pgdata).arg("-k").arg(socket_dir).arg("-p").arg(PORT.to_string());
    cmd.args(["-c", "listen_addresses=", "-c", "unix_socket_permissions=0700", "-c", "max_connections=300"]);
    if durability == Durability::Throwaway {
        cmd.args(["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]);
    }
    cmd.current_dir(dir).stdin(Stdio::null()).stdout(log).stderr(log2);
    as_owner(&mut cmd, owner);
    crate::db::sys::stop_with_parent(&mut cmd);

    let (ready_tx, ready_rx) = mpsc::channel::<Result<(), String>>();
    let (stop_tx, stop_rx) = mpsc::channel::<()>();
    let exited = Arc::new(Mutex::new(None));
    let exited_in_thread = exited.clone();
    let thread = std::thread::Builder::new()
        .name("postgres-supervisor".into())
        .spawn(move || {
            let mut child: Child = match cmd.spawn() {
                Ok(c) => c,
                Err(e) => {
                    let _ = ready_tx.send(Err(e.to_string()));
                    return;
                }
            };
            let _ = ready_tx.send(Ok(()));
            loop {
                match stop_rx.recv_timeout(Duration::from_millis(200)) {
                    Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => {
                        crate::db::sys::interrupt(child.id());
                        let _ = child.wait();
                        return;
                    }
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        if let Ok(Some(status)) = child.try_wait() {
                            if let Ok(mut e) = exited_in_thread.lock() {
                                *e = Some(status.to_string());
                            }
                            // Keep the thread until told to stop, so `Drop` has one path.
                            let _ = stop_rx.recv();
                            return;
                        }
                    }
                }
            }
        })
        .map_err(|e| ServerError::io("cannot start the PostgreSQL supervisor thread".into(), e))?;
    match ready_rx.recv() {
        Ok(Ok(())) => Ok(Supervisor { stop: stop_tx, thread: Some(thread), exited }),
        Ok(Err(e)) => {
            let _ = thread.join();
            Err(ServerError::Cluster(format!("cannot run {}: {e}", bin.join("postgres").display())))
        }
        Err(_) => Err(ServerError::Cluster("the PostgreSQL supervisor thread died".into())),
    }
}

fn initdb(bin: &Path, pgdata: &Path, owner: Option<(u32, u32)>) -> Result<(), ServerError> {
    let mut cmd = Command::new(bin.join("initdb"));
    cmd.arg("-D").arg(pgdata).args(["-A", "trust", "-U", USER, "-E", "UTF8", "--locale=C"]);
    if let Some(parent) = pgdata.parent() {
        cmd.current_dir(parent);
    }
    as_owner(&mut cmd, owner);
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| ServerError::io(format!("cannot run {}", bin.join("initdb").display()), e))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(ServerError::Cluster(format!("initdb failed: {}", err.trim())));
    }
    Ok(())
}

fn as_owner(cmd: &mut Command, owner: Option<(u32, u32)>) {
    use std::os::unix::process::CommandExt;
    if let Some((uid, gid)) = owner {
        cmd.uid(uid).gid(gid);
    }
}

/// Where the PostgreSQL binaries are: `$TIDELINE_PG_BIN`, else `pg_config --bindir`,
/// else the newest `/usr/lib/postgresql/*/bin`.
pub fn bin_dir() -> Result<PathBuf, ServerError> {
    if let Some(d) = std::env::var_os("TIDELINE_PG_BIN") {
        return Ok(PathBuf::from(d));
    }
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output()
        && out.status.success()
    {
        let d = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if d.join("postgres").exists() {
            return Ok(d);
        }
    }
    let mut found: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("postgres").exists().then_some((v, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, d)| d).ok_or_else(|| {
        ServerError::Cluster(
            "no PostgreSQL binaries found: install PostgreSQL (e.g. apt-get install postgresql), set \
             TIDELINE_PG_BIN to its bin directory, or set DATABASE_URL"
                .into(),
        )
    })
}

/// The uid and gid of the `postgres` user, from /etc/passwd.
fn postgres_user() -> Result<(u32, u32), ServerError> {
    let passwd = fs::read_to_string("/etc/passwd").unwrap_or_default();
    passwd
        .lines()
        .find_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            (f.len() > 3 && f[0] == "postgres").then(|| Some((f[2].parse().ok()?, f[3].parse().ok()?)))?
        })
        .ok_or_else(|| {
            ServerError::Cluster(
                "running as root, but there is no `postgres` user to run PostgreSQL as (PostgreSQL refuses root)"
                    .into(),
            )
        })
}

/// As root, PostgreSQL runs as `uid`: every directory above `dir` must let it through.
fn reachable_by(dir: &Path, uid: u32) -> Result<(), ServerError> {
    use std::os::unix::fs::MetadataExt;
    for a in dir.ancestors().skip(1) {
        if let Ok(m) = fs::metadata(a)
            && m.uid() != uid
            && m.mode() & 0o001 == 0
        {
            return Err(ServerError::Cluster(format!(
                "PostgreSQL runs as the postgres user and cannot reach {} (no access to {}); choose a data \
                 directory elsewhere with --data-dir or TIDELINE_SERVER_DIR, e.g. /var/lib/tideline-server",
                dir.display(),
                a.display()
            )));
        }
    }
    Ok(())
}

fn absolute(dir: &Path) -> Result<PathBuf, ServerError> {
    std::path::absolute(dir).map_err(|e| ServerError::io(format!("cannot resolve {}", dir.display()), e))
}

fn log_tail(path: &Path) -> String {
    let mut s = String::new();
    if let Ok(mut f) = fs::File::open(path) {
        let _ = f.read_to_string(&mut s);
    }
    let lines: Vec<&str> = s.lines().rev().take(5).collect();
    let tail: Vec<&str> = lines.into_iter().rev().collect();
    if tail.is_empty() { "(empty)".into() } else { tail.join(" | ") }
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The data directory when none is given: `$TIDELINE_SERVER_DIR`, else
/// `$XDG_DATA_HOME/tideline-server`; else, as root, `/var/lib/tideline-server` (which
/// the `postgres` user can reach), or `~/.local/share/tideline-server`.
pub fn default_data_dir() -> Result<PathBuf, ServerError> {
    if let Some(d) = std::env::var_os("TIDELINE_SERVER_DIR") {
        return Ok(PathBuf::from(d));
    }
    if let Some(d) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(d).join("tideline-server"));
    }
    if crate::db::sys::is_root() {
        return Ok(PathBuf::from("/var/lib/tideline-server"));
    }
    std::env::var_os("HOME")
        .map(|h| PathBuf::from(h).join(".local/share/tideline-server"))
        .ok_or_else(|| ServerError::Cluster("no data directory: set --data-dir or TIDELINE_SERVER_DIR".into()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn socket_dirs_are_percent_encoded_in_urls() {
        assert_eq!(super::percent_encode("/tmp/a b"), "%2Ftmp%2Fa%20b");
    }
}
