//! The sync engine with no server to talk to: it must say it is offline, keep the
//! outbox, answer callers plainly and stop promptly. (Tests against the real server
//! live with the server.)

use std::sync::{Arc, Mutex};
use std::time::Duration;
use tideline_core::CustomerId;
use tideline_store::{Store, StoreConfig};
use tideline_sync::client::{Connection, SyncEngine, SyncError, SyncEvent, sign_in};

/// An address where nothing listens.
fn closed_port() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    format!("http://127.0.0.1:{port}")
}

#[test]
fn without_a_server_the_engine_is_offline_and_keeps_working() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create(&dir.path().join("cache.db"), StoreConfig::default()).unwrap();
    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = events.clone();
    let conn = Connection { server: closed_port(), token: "t".into() };
    let engine = SyncEngine::start(store, conn, move |e| seen.lock().unwrap().push(e));
    assert!(!engine.wait_idle(Duration::from_millis(1500)), "never idle while offline");
    let status = engine.status();
    assert!(!status.online);
    assert!(status.last_error.as_deref().unwrap_or("").contains("cannot reach the server"), "{status:?}");
    assert_eq!((status.pending, status.cursor, status.initial_sync_done), (0, 0, false));
    assert!(events.lock().unwrap().iter().any(|e| matches!(e, SyncEvent::Status(s) if !s.online)));

    let e = engine.fetch_customer(CustomerId(1)).unwrap_err();
    assert!(e.is_offline(), "{e}");
    assert!(engine.find_remote("ann@example.com").unwrap_err().is_offline());
    engine.sync_now();
    let t = std::time::Instant::now();
    engine.stop();
    assert!(t.elapsed() < Duration::from_secs(5), "stop is prompt");
}

#[test]
fn signing_in_to_nowhere_says_so_in_plain_words() {
    let e = sign_in(&closed_port(), "sam", "pw").unwrap_err();
    assert!(matches!(e, SyncError::Offline(_)), "{e:?}");
    assert!(e.to_string().starts_with("cannot reach the server"), "{e}");
}
