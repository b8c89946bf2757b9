//! Issue test 5, against a real server (on a throwaway PostgreSQL cluster) and the REAL
//! OS keyring: a wrong password stores nothing; signing in stores the token and the
//! cache key in the keyring and syncs a cache that plain SQLite cannot read; signing out
//! removes both secrets, revokes the token on the server and wipes the cache.
//! Runs under the keyring session `scripts/test.sh` starts (see `secrets.rs`).

use std::sync::Arc;
use std::time::{Duration, Instant};
use tideline_console::api::SessionMode;
use tideline_console::credentials;
use tideline_console::ops;
use tideline_console::state::{ACCOUNT_CACHE, AppState, normalise_server};
use tideline_server::users::{self, DEFAULT_TENANT, NewUser};
use tideline_server::{DbSource, PgCluster, Role, Server, ServerConfig};
use tideline_store::{Store, StoreConfig};

const PASSWORD: &str = "correct horse";

/// What the keyring holds for `username` at `server` under `kind` (`token`,
/// `cache-key`), looked up as `credentials` files it, without creating anything.
fn in_keyring(kind: &str, server: &str, username: &str) -> Option<String> {
    let entry = keyring::Entry::new(credentials::SERVICE, &format!("{kind}:{username}@{server}")).unwrap();
    match entry.get_password() {
        Ok(secret) => Some(secret),
        Err(keyring::Error::NoEntry) => None,
        Err(e) => panic!("the keyring failed: {e}"),
    }
}

fn key_from_hex(hex: &str) -> [u8; 32] {
    assert_eq!(hex.len(), 64, "the cache key is 32 bytes in hex");
    std::array::from_fn(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn keyring_sign_in_keeps_the_token_there_and_sign_out_removes_it_and_wipes_the_cache() {
    if crate::secrets::skip("keyring_sign_in_keeps_the_token_there_and_sign_out_removes_it_and_wipes_the_cache") {
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let pg_dir = tempfile::Builder::new().prefix("session-pg-").tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let cluster = rt.block_on(PgCluster::start_throwaway(pg_dir.path())).unwrap();
    let db = rt.block_on(cluster.create_database("session")).unwrap();
    let server =
        rt.block_on(Server::start(ServerConfig::new("127.0.0.1:0".parse().unwrap(), DbSource::Url(db)))).unwrap();
    rt.block_on(async {
        let client = server.database().pool.get().await.unwrap();
        let now: jiff::Timestamp = "2026-11-23T12:00:00Z".parse().unwrap();
        let bundles = tideline_demo::generate(&tideline_demo::DemoConfig::new(40, 7, now));
        tideline_server::seed::load_bundles(&**client, DEFAULT_TENANT, bundles).await.unwrap();
        let amy = NewUser {
            username: "amy".into(),
            display_name: "Amy Shaw".into(),
            role: Role::Agent,
            queues: vec!["cards".into(), "payments".into()],
            password: PASSWORD.into(),
        };
        users::add(&**client, DEFAULT_TENANT, &amy, "test").await.unwrap();
    });
    let url = server.url();
    let key = normalise_server(&url);

    let dir = tempfile::tempdir().unwrap();
    let state = AppState::signed_out(dir.path(), Arc::new(|_| {}), None);
    let wrong = ops::sign_in(&state, &url, "amy", "wrong").unwrap_err();
    assert_eq!(wrong.message, "Wrong username or password.");
    assert_eq!(in_keyring("token", &key, "amy"), None, "a failed sign-in stores no token");
    assert_eq!(in_keyring("cache-key", &key, "amy"), None, "and no cache key");
    assert!(!dir.path().join(ACCOUNT_CACHE).exists(), "and no cache");

    let info = ops::sign_in(&state, &url, "amy", PASSWORD).unwrap();
    assert_eq!(info.mode, SessionMode::SignedIn);
    let token = credentials::load_token(&key, "amy").unwrap().expect("the token is in the keyring");
    for f in std::fs::read_dir(dir.path()).unwrap() {
        let f = f.unwrap().path();
        let text = std::fs::read(&f).unwrap_or_default();
        assert!(!String::from_utf8_lossy(&text).contains(&token), "{} holds the token", f.display());
    }
    let cache = dir.path().join(ACCOUNT_CACHE);
    let header = std::fs::read(&cache).unwrap();
    assert_ne!(&header[..15], b"SQLite format 3", "the cache is encrypted at rest");
    wait_until("the first sync", || state.engine().is_some_and(|e| e.status().initial_sync_done));
    assert!(ops::app_status(&state).unwrap().online);
    assert!(state.store().unwrap().counts().unwrap().cases > 0, "amy's queues synced into the cache");
    // Plain SQLite, with no key, cannot read it; the key in the keyring can.
    let plain = rusqlite::Connection::open(&cache).unwrap();
    let e = plain.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).unwrap_err();
    assert_eq!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::NotADatabase), "{e}");
    drop(plain);
    let cache_key = in_keyring("cache-key", &key, "amy").expect("the cache key is in the keyring");
    let keyed = Store::open_encrypted(&cache, &key_from_hex(&cache_key), StoreConfig::default()).unwrap();
    assert!(keyed.counts().unwrap().cases > 0, "the keyring's key opens the cache");
    drop(keyed);

    let info = ops::sign_out(&state).unwrap();
    assert_eq!(info.mode, SessionMode::SignedOut);
    assert_eq!(credentials::load_token(&key, "amy").unwrap(), None, "sign-out removed the token");
    assert_eq!(in_keyring("token", &key, "amy"), None, "from the keyring");
    assert_eq!(in_keyring("cache-key", &key, "amy"), None, "and the cache key with it");
    for suffix in ["", "-wal", "-shm"] {
        let f = dir.path().join(format!("{ACCOUNT_CACHE}{suffix}"));
        assert!(!f.exists(), "sign-out wiped {}", f.display());
    }
    // The server no longer honours the token (revoked in the background).
    let me = format!("{url}/v1/me");
    wait_until("the token to be revoked", || {
        let status =
            rt.block_on(async { reqwest::Client::new().get(&me).bearer_auth(&token).send().await.unwrap().status() });
        status == reqwest::StatusCode::UNAUTHORIZED
    });
    rt.block_on(server.shutdown());
}
