//! A process killed with SIGKILL in the middle of writing leaves a consistent cache:
//! every change has its outbox entry and every outbox entry its change.
//!
//! The writer is this same test binary, re-run as a child process on the ignored test
//! `kill::child_writer`, so the test needs no helper program of its own.

use crate::fixture::*;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tideline_core::mutation::Mutation;
use tideline_core::{Actor, CaseAction, CaseId, CaseStatus};
use tideline_store::{Store, StoreConfig};

const DB_VAR: &str = "TIDELINE_KILL_TEST_DB";

/// Writes forever: notes, and pending/resume steps that rewrite the case row.
#[test]
#[ignore = "run only as the child process of writer_killed_mid_write_leaves_a_consistent_cache"]
fn child_writer() {
    let path = std::env::var(DB_VAR).expect("set by the parent test");
    let mut store = Store::open(path.as_ref(), StoreConfig::default()).unwrap();
    let sam = Actor::agent("sam");
    for i in 0.. {
        let case = store.case(CaseId(1)).unwrap();
        let action = match (i % 3, case.status) {
            (0, CaseStatus::Open) => CaseAction::SetPending,
            (0, _) => CaseAction::Resume,
            _ => CaseAction::AddNote { body: format!("note {i}") },
        };
        store.apply(&Mutation::Case { case_id: CaseId(1), action }, &sam, now()).unwrap();
    }
}

fn count(store: &Store, sql: &str) -> i64 {
    store.connection().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn writer_killed_mid_write_leaves_a_consistent_cache() {
    let f = small();
    let path = f.path();
    drop(f.store);
    let mut last_outbox = 0;
    for round in 0..3 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--ignored", "--exact", "kill::child_writer", "--test-threads=1"])
            .env(DB_VAR, &path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Wait until the child has committed a good number of writes past the last round.
        let reader = rusqlite::Connection::open(&path).unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let n: i64 = reader.query_row("SELECT count(*) FROM outbox", [], |r| r.get(0)).unwrap_or(0);
            if n >= last_outbox + 150 {
                break;
            }
            assert!(child.try_wait().unwrap().is_none(), "round {round}: the writer died on its own");
            assert!(Instant::now() < deadline, "round {round}: the writer made no progress");
            std::thread::yield_now();
        }
        drop(reader);
        child.kill().unwrap(); // SIGKILL on Unix: no destructor, no rollback, no flush
        child.wait().unwrap();

        let store = Store::open(&path, StoreConfig::default()).unwrap();
        store.integrity_check().unwrap();
        let outbox = count(&store, "SELECT count(*) FROM outbox");
        assert!(outbox >= last_outbox + 150);
        // Each change is in the cache exactly when its outbox entry is.
        for (event, mutation) in [("noted", "add_note"), ("pending", "set_pending"), ("resumed", "resume")] {
            let events =
                count(&store, &format!("SELECT count(*) FROM case_events WHERE case_id = 1 AND kind = '{event}'"));
            let queued = count(&store, &format!("SELECT count(*) FROM outbox WHERE name = '{mutation}'"));
            assert_eq!(events, queued, "round {round}: {event} events vs {mutation} outbox entries");
        }
        // The case row agrees with the last lifecycle event.
        let last: String = store
            .connection()
            .query_row(
                "SELECT kind FROM case_events WHERE case_id = 1 AND kind IN ('pending', 'resumed', 'acknowledged') \
                 ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let status = store.case(CaseId(1)).unwrap().status;
        assert_eq!(status, if last == "pending" { CaseStatus::Pending } else { CaseStatus::Open });
        // Outbox sequence numbers have no holes: a retry can rely on them.
        let max_seq = count(&store, "SELECT max(seq) FROM outbox");
        assert_eq!(max_seq, outbox);
        last_outbox = outbox;
    }
}
