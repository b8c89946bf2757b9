//! Issue test 2: the server is SIGKILLed in the middle of a push. After a restart the
//! client's own retry applies every mutation exactly once.

use crate::harness::{Client, database, query, rt, seed, wait_until};
use jiff::Timestamp;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tideline_core::mutation::Mutation;
use tideline_core::{Actor, CaseAction, CaseId};

const NOTES: usize = 500;

/// `tideline serve` on `port` against `db_url`; returns once it listens.
fn serve(db_url: &str, port: u16) -> Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tideline"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .env("DATABASE_URL", db_url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    loop {
        let line = lines.next().expect("the server printed its address").unwrap();
        if line.contains("listening on") {
            break;
        }
    }
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines.by_ref() {});
    child
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Blocks until the server's database has a transaction that has written something
/// (a push under way), or panics.
fn wait_for_write_in_flight(db_url: &str) {
    rt().block_on(async {
        let (client, conn) = tokio_postgres::connect(db_url, tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(conn);
        let probe = client
            .prepare(
                "SELECT count(*) FROM pg_stat_activity \
                 WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()",
            )
            .await
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let n: i64 = client.query_one(&probe, &[]).await.unwrap().get(0);
            if n > 0 {
                return;
            }
            assert!(Instant::now() < deadline, "no push transaction was seen in flight");
        }
    })
}

#[test]
fn a_push_cut_by_a_server_crash_is_applied_exactly_once_after_restart() {
    let db_url = database();
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let mut server = serve(&db_url, port);
    seed(&db_url);
    let head = |db: &str| -> i64 { query(db, "SELECT head FROM tenants WHERE id = 'default'", &[])[0].get(0) };

    let mut lead = Client::start(&url, "lead");
    lead.wait_synced(head(&db_url), "initial sync");
    lead.pause();

    // A batch of notes written while the engine was stopped: one push of NOTES mutations.
    let mut store = lead.store();
    let cases: Vec<CaseId> = {
        let mut stmt = store.connection().prepare("SELECT id FROM cases ORDER BY id LIMIT 50").unwrap();
        stmt.query_map([], |r| r.get(0).map(CaseId)).unwrap().map(Result::unwrap).collect()
    };
    for i in 0..NOTES {
        let action = CaseAction::AddNote { body: format!("crash note {i}") };
        let m = Mutation::Case { case_id: cases[i % cases.len()], action };
        store.apply(&m, &Actor::agent("lead"), Timestamp::now()).unwrap();
    }
    drop(store);

    lead.resume();
    wait_for_write_in_flight(&db_url);
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();

    let mut server = serve(&db_url, port);
    lead.wait_synced(head(&db_url), "the retried push");

    let on_server = query(
        &db_url,
        "SELECT doc->'kind'->>'body', count(*) FROM case_events \
         WHERE doc->'kind'->>'type' = 'noted' AND doc->'kind'->>'body' LIKE 'crash note %' GROUP BY 1",
        &[],
    );
    assert_eq!(on_server.len(), NOTES, "every note reached the server");
    assert!(on_server.iter().all(|r| r.get::<_, i64>(1) == 1), "and none twice");
    let applied: i64 = query(&db_url, "SELECT count(*) FROM applied_mutations", &[])[0].get(0);
    assert_eq!(applied, NOTES as i64);

    let store = lead.store();
    let (in_cache, distinct, optimistic): (i64, i64, i64) = store
        .connection()
        .query_row(
            "SELECT count(*), count(DISTINCT json_extract(doc, '$.body')), count(outbox_seq) FROM case_events \
             WHERE kind = 'noted' AND json_extract(doc, '$.body') LIKE 'crash note %'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((in_cache, distinct, optimistic), (NOTES as i64, NOTES as i64, 0), "the cache holds each note once");
    assert_eq!(store.counts().unwrap().outbox, 0);

    drop(lead);
    let _ = server.kill();
    let _ = server.wait();
    wait_until("nothing", Duration::from_millis(1), || true);
}
