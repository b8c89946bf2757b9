//! Issue test 5, against a real server (on a throwaway PostgreSQL cluster) and the REAL
//! OS keyring: signing in stores the token in the keyring and syncs an encrypted cache;
//! signing out removes the token, revokes it on the server and wipes the cache.
//! Runs under the keyring session `scripts/test.sh` starts (see `secrets.rs`).

use std::sync::Arc;
use std::time::{Duration, Instant};
use tideline_console::api::SessionMode;
use tideline_console::credentials;
use tideline_console::ops;
use tideline_console::state::{ACCOUNT_CACHE, AppState, normalise_server};
use tideline_server::users::{self, DEFAULT_TENANT, NewUser};
use tideline_server::{DbSource, PgCluster, Role, Server, ServerConfig};

const PASSWORD: &str = "correct horse";

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn keyring_sign_in_keeps_the_token_there_and_sign_out_removes_it_and_wipes_the_cache() {
    if std::env::var("TIDELINE_SKIP_KEYRING_TESTS").is_ok_and(|v| v == "1") {
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
    assert_eq!(credentials::load_token(&key, "amy").unwrap(), None, "a failed sign-in stores nothing");

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

    let info = ops::sign_out(&state).unwrap();
    assert_eq!(info.mode, SessionMode::SignedOut);
    assert_eq!(credentials::load_token(&key, "amy").unwrap(), None, "sign-out removed the token");
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
