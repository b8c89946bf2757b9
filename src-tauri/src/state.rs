//! The console's state: who is using it (the demo, a signed-in agent, or nobody yet),
//! the open cache, and the sync engine that keeps a signed-in cache current.

use crate::api::{ApiError, SessionInfo, SessionMode};
use crate::credentials::{self, LastSignIn};
use jiff::Timestamp;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tideline_demo::{DemoConfig, generate};
use tideline_store::{Store, StoreConfig, StoreError};
use tideline_sync::client::{self, Connection, SyncEngine, SyncError, SyncEvent};
use tideline_sync::protocol::UserInfo;

/// Overrides the per-user app-data directory (tests, and running several consoles).
pub const DATA_DIR_VAR: &str = "TIDELINE_DATA_DIR";
/// With these three set and no session, the console signs in by itself at start-up
/// (the one-command demo). `TIDELINE_SERVER` alone prefills the sign-in screen.
pub const SERVER_VAR: &str = "TIDELINE_SERVER";
pub const USER_VAR: &str = "TIDELINE_USER";
pub const PASSWORD_VAR: &str = "TIDELINE_PASSWORD";
/// `TIDELINE_DEMO=1` starts on the demo data without asking (development, the journeys).
pub const DEMO_VAR: &str = "TIDELINE_DEMO";
/// Present in the data directory once someone chose "Explore with demo data", so the
/// console reopens the demo; removed by signing in.
pub const DEMO_CHOSEN: &str = "demo-chosen";

/// The user of the demo cache, if no case is assigned to anyone.
pub const DEMO_AGENT: &str = "sam";
/// The demo cache (plain SQLite, made by `tideline demo` or seeded on first start).
pub const DEMO_CACHE: &str = "cache.db";
/// A signed-in agent's cache: encrypted, with its key in the OS keyring; wiped on sign-out.
pub const ACCOUNT_CACHE: &str = "account-cache.db";

const DEMO_USER_KEY: &str = "demo_user";
/// The signed-in user (JSON `UserInfo`), kept inside the encrypted cache.
const USER_KEY: &str = "signed_in_user";

/// What the engine reports, forwarded to the window (see `lib.rs`).
pub type OnSync = Arc<dyn Fn(SyncEvent) + Send + Sync>;

pub struct SignedIn {
    pub server: String,
    pub user: UserInfo,
    pub engine: Arc<SyncEngine>,
    /// Kept in memory to revoke it at sign-out; at rest it lives in the keyring only.
    token: String,
}

/// A session that has just been stopped.
struct Ended {
    server: String,
    user: UserInfo,
    token: String,
}

pub enum Mode {
    /// Local demo data, no back end (the existing journeys).
    Demo {
        user: String,
    },
    SignedIn(SignedIn),
    /// The sign-in screen. `message` says why, when it was not the agent's choice.
    SignedOut {
        message: Option<String>,
    },
}

pub struct AppState {
    pub dir: PathBuf,
    /// `None` only while signed out.
    store: Mutex<Option<Store>>,
    mode: Mutex<Mode>,
    on_sync: OnSync,
    /// The server this machine's IT team configured, or why its file is unusable.
    site: Result<Option<String>, String>,
}

fn site_server() -> Result<Option<String>, String> {
    crate::site_config::read(&crate::site_config::path()).map(|c| c.map(|c| c.server))
}

/// The open cache, borrowed for one call.
pub struct StoreGuard<'a>(MutexGuard<'a, Option<Store>>);

impl std::ops::Deref for StoreGuard<'_> {
    type Target = Store;
    fn deref(&self) -> &Store {
        self.0.as_ref().expect("a StoreGuard holds a store")
    }
}

impl std::ops::DerefMut for StoreGuard<'_> {
    fn deref_mut(&mut self) -> &mut Store {
        self.0.as_mut().expect("a StoreGuard holds a store")
    }
}

/// Where the cache lives: `$TIDELINE_DATA_DIR`, else the OS's per-user app-data
/// directory (on a local disk: `~/.local/share/app.tideline.console` on Linux,
/// `~/Library/Application Support/…` on macOS, `%APPDATA%\…` on Windows).
pub fn data_dir(app_data_dir: Option<PathBuf>) -> Result<PathBuf, ApiError> {
    let dir = std::env::var_os(DATA_DIR_VAR)
        .map(PathBuf::from)
        .or(app_data_dir)
        .ok_or_else(|| ApiError::new("no per-user data directory on this system; set TIDELINE_DATA_DIR"))?;
    std::fs::create_dir_all(&dir)
        .map_err(|e| ApiError::new(format!("cannot create the data directory {}: {e}", dir.display())))?;
    Ok(dir)
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// `http://host:7420/` and ` http://host:7420` name the same server.
/// A list of instances (`a, b`) is kept as a list, each address tidied the same way.
pub fn normalise_server(server: &str) -> String {
    let list = client::server_list(server);
    if list.is_empty() { server.trim().to_string() } else { list.join(", ") }
}

fn cred_err(e: credentials::CredentialError) -> ApiError {
    ApiError::new(e.to_string())
}

impl AppState {
    /// Demo mode on the cache in `dir`, seeding the demo contact centre when there is
    /// none. Sync events go nowhere (there is no engine).
    pub fn open_or_seed(dir: &Path) -> Result<Self, ApiError> {
        let (store, user) = open_demo(dir)?;
        Ok(AppState {
            dir: dir.to_path_buf(),
            store: Mutex::new(Some(store)),
            mode: Mutex::new(Mode::Demo { user }),
            on_sync: Arc::new(|_| {}),
            site: site_server(),
        })
    }

    /// Signed out, on the sign-in screen (tests, and start-up without a session).
    pub fn signed_out(dir: &Path, on_sync: OnSync, message: Option<String>) -> Self {
        AppState {
            dir: dir.to_path_buf(),
            store: Mutex::new(None),
            mode: Mutex::new(Mode::SignedOut { message }),
            on_sync,
            site: site_server(),
        }
    }

    /// Start-up. With a saved session (`session.json` and a token in the keyring), the
    /// encrypted cache opens and sync starts; with `TIDELINE_SERVER`, `TIDELINE_USER` and
    /// `TIDELINE_PASSWORD` and no session, the console signs in by itself. The demo opens
    /// only when someone chose it (`TIDELINE_DEMO=1`, or "Explore with demo data" on
    /// this machine while no server was configured for it). Otherwise: the sign-in
    /// screen, which asks for the server.
    pub fn start(dir: &Path, on_sync: OnSync) -> Result<Self, ApiError> {
        Self::start_with_config(dir, on_sync, &crate::site_config::path())
    }

    /// [`AppState::start`] with the site configuration read from `config`.
    pub fn start_with_config(dir: &Path, on_sync: OnSync, config: &Path) -> Result<Self, ApiError> {
        let last = LastSignIn::read(dir);
        let server_env = env(SERVER_VAR);
        let mut state = AppState::signed_out(dir, on_sync, None);
        state.site = crate::site_config::read(config).map(|c| c.map(|c| c.server));
        let configured = server_env.is_some() || matches!(state.site, Ok(Some(_)));
        let chose_demo = env(DEMO_VAR).is_some_and(|v| v == "1") || (dir.join(DEMO_CHOSEN).exists() && !configured);
        if last.is_none() && chose_demo {
            state.open_demo()?;
            tracing::info!("starting on the demo data, as chosen");
            return Ok(state);
        }
        let mut message = state.site.clone().err();
        if let Some(last) = &last {
            match state.resume(last) {
                Ok(true) => {
                    tracing::info!(server = %last.server, user = %last.username, "session resumed");
                    return Ok(state);
                }
                Ok(false) => {}
                Err(e) => {
                    tracing::warn!(server = %last.server, error = %e.message, "session not resumed");
                    message = Some(e.message)
                }
            }
        }
        if let (Some(server), Some(user), Some(password)) = (server_env, env(USER_VAR), env(PASSWORD_VAR)) {
            match state.sign_in(&server, &user, &password) {
                Ok(()) => return Ok(state),
                Err(e) => message = Some(format!("Automatic sign-in as {user} failed: {e}")),
            }
        }
        tracing::info!(reason = message.as_deref().unwrap_or("no session"), "starting on the sign-in screen");
        state.set_mode(Mode::SignedOut { message });
        Ok(state)
    }

    /// "Explore with demo data": the demo contact centre on its own cache, chosen
    /// explicitly and remembered until someone signs in.
    pub fn explore_demo(&self) -> Result<(), ApiError> {
        if self.engine().is_some() {
            return Err(ApiError::new("Sign out first: the demo has its own data, apart from your account's."));
        }
        std::fs::write(self.dir.join(DEMO_CHOSEN), b"")
            .map_err(|e| ApiError::new(format!("cannot remember the choice of the demo: {e}")))?;
        self.open_demo()
    }

    fn open_demo(&self) -> Result<(), ApiError> {
        let (store, user) = open_demo(&self.dir)?;
        *self.store.lock().unwrap_or_else(|p| p.into_inner()) = Some(store);
        self.set_mode(Mode::Demo { user });
        Ok(())
    }

    /// Reopens the saved session; false when there is none to reopen.
    fn resume(&self, last: &LastSignIn) -> Result<bool, ApiError> {
        let Some(token) = credentials::load_token(&last.server, &last.username).map_err(cred_err)? else {
            return Ok(false);
        };
        let path = self.dir.join(ACCOUNT_CACHE);
        if !path.exists() {
            return Ok(false);
        }
        let key = credentials::load_or_create_cache_key(&last.server, &last.username).map_err(cred_err)?;
        let store = match Store::open_encrypted(&path, &key, StoreConfig::default()) {
            Ok(store) => store,
            Err(StoreError::Locked(_)) => {
                // The key no longer opens it: start that account afresh.
                Store::wipe(&path)?;
                return Ok(false);
            }
            Err(e) => return Err(e.into()),
        };
        let Some(user) = store.meta(USER_KEY)?.and_then(|s| serde_json::from_str::<UserInfo>(&s).ok()) else {
            return Ok(false);
        };
        self.start_engine(store, &path, &key, last.server.clone(), user, token)?;
        Ok(true)
    }

    /// Signs in: the token and the cache key go to the keyring, the encrypted cache is
    /// opened (or created), and sync starts; the first pull runs in the background, its
    /// progress in the sync status.
    pub fn sign_in(&self, server: &str, username: &str, password: &str) -> Result<(), ApiError> {
        let server = normalise_server(server);
        let username = username.trim();
        if server.is_empty() || username.is_empty() || password.is_empty() {
            return Err(ApiError::new("Enter the server address, your username and your password."));
        }
        client::check_server(&server).map_err(|e| ApiError::new(e.to_string()))?;
        let session = client::sign_in(&server, username, password).map_err(|e| match e {
            SyncError::Unauthorized => ApiError::new("Wrong username or password."),
            e => ApiError::new(e.to_string()),
        })?;
        let user = session.user;
        let revoke = |token: &str| {
            let _ = client::sign_out(&Connection { server: server.clone(), token: token.to_string() });
        };
        if let Err(e) = credentials::save_token(&server, &user.username, &session.token) {
            revoke(&session.token);
            return Err(cred_err(e));
        }
        let key = match credentials::load_or_create_cache_key(&server, &user.username) {
            Ok(key) => key,
            Err(e) => {
                let _ = credentials::delete_token(&server, &user.username);
                revoke(&session.token);
                return Err(cred_err(e));
            }
        };
        // Whoever was signed in before (or the demo) goes first.
        self.stop_engine();
        let path = self.dir.join(ACCOUNT_CACHE);
        let same_account =
            LastSignIn::read(&self.dir).is_some_and(|l| l.server == server && l.username == user.username);
        let reopened = if same_account && path.exists() {
            Store::open_encrypted(&path, &key, StoreConfig::default()).ok()
        } else {
            None
        };
        let store = match reopened {
            Some(store) => store,
            None => {
                *self.store.lock().unwrap_or_else(|p| p.into_inner()) = None;
                Store::wipe(&path)?;
                Store::create_encrypted(&path, &key, StoreConfig::default())?
            }
        };
        store.set_meta(USER_KEY, &serde_json::to_string(&user).expect("UserInfo serialises"))?;
        LastSignIn { server: server.clone(), username: user.username.clone() }.write(&self.dir).map_err(cred_err)?;
        // Signed in for real: the demo no longer opens by itself.
        let _ = std::fs::remove_file(self.dir.join(DEMO_CHOSEN));
        self.start_engine(store, &path, &key, server, user, session.token)
    }

    fn start_engine(
        &self,
        store: Store,
        path: &Path,
        key: &[u8; 32],
        server: String,
        user: UserInfo,
        token: String,
    ) -> Result<(), ApiError> {
        let engine_store = Store::open_encrypted(path, key, StoreConfig::default())?;
        let on_sync = self.on_sync.clone();
        let conn = Connection { server: server.clone(), token: token.clone() };
        let engine = SyncEngine::start(engine_store, conn, move |e| on_sync(e));
        *self.store.lock().unwrap_or_else(|p| p.into_inner()) = Some(store);
        self.set_mode(Mode::SignedIn(SignedIn { server, user, engine: Arc::new(engine), token }));
        Ok(())
    }

    /// Signs out: sync stops, the token is revoked on the server (best effort, in the
    /// background), the token and the cache key leave the keyring, and the cache files
    /// are wiped. `message` is shown on the sign-in screen.
    pub fn sign_out(&self, revoke: bool, message: Option<String>) -> Result<(), ApiError> {
        let last = LastSignIn::read(&self.dir);
        let was = self.stop_engine();
        if let (true, Some(s)) = (revoke, &was) {
            let conn = Connection { server: s.server.clone(), token: s.token.clone() };
            std::thread::spawn(move || {
                let _ = client::sign_out(&conn);
            });
        }
        *self.store.lock().unwrap_or_else(|p| p.into_inner()) = None;
        let mut problems = Vec::new();
        let account = was.as_ref().map(|s| (s.server.clone(), s.user.username.clone()));
        if let Some((server, username)) = account.or(last.map(|l| (l.server, l.username))) {
            if let Err(e) = credentials::delete_token(&server, &username) {
                problems.push(e.to_string());
            }
            if let Err(e) = credentials::delete_cache_key(&server, &username) {
                problems.push(e.to_string());
            }
        }
        if let Err(e) = Store::wipe(&self.dir.join(ACCOUNT_CACHE)) {
            problems.push(e.to_string());
        }
        let message = match (message, problems.is_empty()) {
            (m, true) => m,
            (m, false) => Some(format!(
                "{}Signed out, but not everything could be removed: {}",
                m.map(|m| format!("{m} ")).unwrap_or_default(),
                problems.join("; ")
            )),
        };
        self.set_mode(Mode::SignedOut { message });
        Ok(())
    }

    /// Takes the engine out of the signed-in mode and stops it; the mode becomes
    /// "signed out" with no message until the caller sets another (the demo stays).
    fn stop_engine(&self) -> Option<Ended> {
        let previous = std::mem::replace(&mut *self.mode(), Mode::SignedOut { message: None });
        let SignedIn { server, user, engine, token } = match previous {
            Mode::SignedIn(s) => s,
            Mode::Demo { user } => {
                *self.mode() = Mode::Demo { user };
                return None;
            }
            Mode::SignedOut { .. } => return None,
        };
        // A command may still hold the engine for a moment (a fetch on demand).
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut engine = engine;
        loop {
            match Arc::try_unwrap(engine) {
                Ok(e) => {
                    e.stop();
                    break;
                }
                Err(shared) if Instant::now() < deadline => {
                    engine = shared;
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(_) => break, // the last holder drops it
            }
        }
        Some(Ended { server, user, token })
    }

    fn mode(&self) -> MutexGuard<'_, Mode> {
        self.mode.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn set_mode(&self, mode: Mode) {
        *self.mode() = mode;
    }

    /// The open cache, or an error on the sign-in screen.
    pub fn store(&self) -> Result<StoreGuard<'_>, ApiError> {
        // A panic while holding the lock cannot leave the cache half-written (every
        // change is one transaction), so a poisoned lock is safe to take.
        let guard = self.store.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            return Err(ApiError::new("Sign in first."));
        }
        Ok(StoreGuard(guard))
    }

    /// Who acts: the signed-in username, the demo agent, or nobody ("").
    pub fn user(&self) -> String {
        match &*self.mode() {
            Mode::Demo { user } => user.clone(),
            Mode::SignedIn(s) => s.user.username.clone(),
            Mode::SignedOut { .. } => String::new(),
        }
    }

    pub fn is_demo(&self) -> bool {
        matches!(&*self.mode(), Mode::Demo { .. })
    }

    /// The sync engine while signed in.
    pub fn engine(&self) -> Option<Arc<SyncEngine>> {
        match &*self.mode() {
            Mode::SignedIn(s) => Some(s.engine.clone()),
            _ => None,
        }
    }

    pub fn session_info(&self) -> SessionInfo {
        let last = LastSignIn::read(&self.dir);
        let (last_server, last_username) = match last {
            Some(l) => (Some(l.server), Some(l.username)),
            None => (env(SERVER_VAR).map(|s| normalise_server(&s)), None),
        };
        let configured_server = self.site.clone().ok().flatten();
        let mut info = SessionInfo {
            mode: SessionMode::Demo,
            server: None,
            user: None,
            role: None,
            last_server: last_server.or_else(|| configured_server.clone()),
            last_username,
            configured_server,
            message: None,
        };
        match &*self.mode() {
            Mode::Demo { .. } => {}
            Mode::SignedIn(s) => {
                info.mode = SessionMode::SignedIn;
                info.server = Some(s.server.clone());
                info.role = Some(s.user.role);
                info.user = Some(s.user.clone());
            }
            Mode::SignedOut { message } => {
                info.mode = SessionMode::SignedOut;
                info.message = message.clone();
            }
        }
        info
    }
}

/// Opens the demo cache, seeding it on first start, and picks the demo's agent.
fn open_demo(dir: &Path) -> Result<(Store, String), ApiError> {
    let path = dir.join(DEMO_CACHE);
    let store = if path.exists() {
        Store::open(&path, StoreConfig::default())?
    } else {
        let mut store = Store::create(&path, StoreConfig::default())?;
        let now = Timestamp::now();
        let mut l = store.loader(now)?;
        for b in generate(&DemoConfig::new(300, 7, now)) {
            l.bundle(&b.customer, &b.cases, &b.events, b.touchpoints.iter().chain(&b.unlinked))?;
        }
        l.finish()?;
        store
    };
    // The demo signs in as the agent with the most work, so "My cases" shows a real
    // caseload; the choice is kept so it stays the same.
    let user = match store.meta(DEMO_USER_KEY)? {
        Some(user) => user,
        None => {
            let user = store.busiest_assignee()?.unwrap_or_else(|| DEMO_AGENT.to_string());
            store.set_meta(DEMO_USER_KEY, &user)?;
            user
        }
    };
    Ok((store, user))
}
