//! The console's state: the open cache and who is using it.

use crate::api::ApiError;
use jiff::Timestamp;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tideline_demo::{DemoConfig, generate};
use tideline_store::{Store, StoreConfig};

/// Overrides the per-user app-data directory (tests, and running several consoles).
pub const DATA_DIR_VAR: &str = "TIDELINE_DATA_DIR";

/// The user of the demo cache until sign-in exists, if no case is assigned to anyone.
pub const DEMO_AGENT: &str = "sam";

const DEMO_USER_KEY: &str = "demo_user";

pub struct AppState {
    pub store: Mutex<Store>,
    pub user: String,
    pub demo: bool,
    pub cache_path: PathBuf,
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

impl AppState {
    /// Opens the cache in `dir`. With no back end configured, a missing cache is filled
    /// with the demo contact centre (demo mode).
    pub fn open_or_seed(dir: &Path) -> Result<Self, ApiError> {
        let path = dir.join("cache.db");
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
        // Until sign-in exists, the demo signs in as the agent with the most work, so
        // "My cases" shows a real caseload; the choice is kept so it stays the same.
        let user = match store.meta(DEMO_USER_KEY)? {
            Some(user) => user,
            None => {
                let user = store.busiest_assignee()?.unwrap_or_else(|| DEMO_AGENT.to_string());
                store.set_meta(DEMO_USER_KEY, &user)?;
                user
            }
        };
        Ok(AppState { store: Mutex::new(store), user, demo: true, cache_path: path })
    }

    pub fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        // A panic while holding the lock cannot leave the cache half-written (every
        // change is one transaction), so a poisoned lock is safe to take.
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }
}
