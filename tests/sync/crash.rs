//! Issue test 2: a push interrupted before its COMMIT (the server is SIGKILLed) changes
//! nothing, and after a restart the client's own retry applies every mutation exactly
//! once. And the case the exactly-once key exists for: the server commits, the answer is
//! lost on the way back, and the client's retry applies nothing twice.

use crate::harness::{Backend, Client, Proxy, database, query, rt, seed, serve_process, wait_until};
use jiff::Timestamp;
use std::process::Child;
use std::time::{Duration, Instant};
use tideline_core::mutation::Mutation;
use tideline_core::{Actor, CaseAction, CaseId};
use tideline_server::db::APPLICATION_NAME;

const NOTES: usize = 500;

/// `tideline serve` on `port` against `db_url`; returns once it listens.
fn serve(db_url: &str, port: u16) -> Child {
    serve_process(db_url, &format!("127.0.0.1:{port}")).0
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn head(db_url: &str) -> i64 {
    query(db_url, "SELECT head FROM tenants WHERE id = 'default'", &[])[0].get(0)
}

/// Writes `n` notes into the cache while its engine is stopped, so they go in one push.
fn write_notes(client: &Client, n: usize, label: &str) {
    let mut store = client.store();
    let cases: Vec<CaseId> = {
        let mut stmt = store.connection().prepare("SELECT id FROM cases ORDER BY id LIMIT 50").unwrap();
        stmt.query_map([], |r| r.get(0).map(CaseId)).unwrap().map(Result::unwrap).collect()
    };
    for i in 0..n {
        let action = CaseAction::AddNote { body: format!("{label} {i}") };
        let m = Mutation::Case { case_id: cases[i % cases.len()], action };
        store.apply(&m, &Actor::agent(&client.user), Timestamp::now()).unwrap();
    }
}

/// How many times each note `"{label} …"` is on the server.
fn notes_on_server(db_url: &str, label: &str) -> Vec<i64> {
    query(
        db_url,
        "SELECT count(*) FROM case_events \
         WHERE doc->'kind'->>'type' = 'noted' AND doc->'kind'->>'body' LIKE $1 GROUP BY doc->'kind'->>'body'",
        &[&format!("{label} %")],
    )
    .iter()
    .map(|r| r.get(0))
    .collect()
}

/// Mutations of `client_id` the server has applied (committed).
fn applied(db_url: &str, client_id: &str) -> i64 {
    query(db_url, "SELECT count(*) FROM applied_mutations WHERE client_id = $1", &[&client_id])[0].get(0)
}

/// The client's cache holds each note `"{label} …"` exactly once, settled, and its
/// outbox is empty.
fn assert_cache_holds_each_note_once(client: &Client, label: &str, n: usize) {
    let store = client.store();
    let (in_cache, distinct, optimistic): (i64, i64, i64) = store
        .connection()
        .query_row(
            "SELECT count(*), count(DISTINCT json_extract(doc, '$.body')), count(outbox_seq) FROM case_events \
             WHERE kind = 'noted' AND json_extract(doc, '$.body') LIKE ?1",
            [format!("{label} %")],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((in_cache, distinct, optimistic), (n as i64, n as i64, 0), "the cache holds each note once");
    assert_eq!(store.counts().unwrap().outbox, 0, "nothing is left to send");
}

/// Holds the tenant's row lock. A push takes that lock last, to allocate change
/// positions (`ChangeBatch::finish`), right before its COMMIT: a push that reaches it has
/// written everything and waits there, uncommitted, until the gate opens. (`NO KEY
/// UPDATE`, so the push's inserts, whose foreign keys share-lock the row, pass.)
struct CommitGate {
    client: tokio_postgres::Client,
    pid: i32,
}

impl CommitGate {
    fn close(db_url: &str) -> CommitGate {
        rt().block_on(async {
            let (client, conn) = tokio_postgres::connect(db_url, tokio_postgres::NoTls).await.unwrap();
            tokio::spawn(conn);
            client.batch_execute("BEGIN; SELECT 1 FROM tenants WHERE id = 'default' FOR NO KEY UPDATE").await.unwrap();
            let pid = client.query_one("SELECT pg_backend_pid()", &[]).await.unwrap().get(0);
            CommitGate { client, pid }
        })
    }

    fn open(self) {
        rt().block_on(self.client.batch_execute("ROLLBACK")).unwrap();
    }

    /// Blocks until one of the server's own connections (by its `application_name`) is
    /// in a transaction that has written, waiting on this gate to allocate positions:
    /// a push with all of its work done and no COMMIT yet.
    fn wait_for_push(&self, db_url: &str) {
        rt().block_on(async {
            let (client, conn) = tokio_postgres::connect(db_url, tokio_postgres::NoTls).await.unwrap();
            tokio::spawn(conn);
            let probe = client
                .prepare(
                    "SELECT count(*) FROM pg_stat_activity \
                     WHERE datname = current_database() AND application_name = $1 \
                       AND backend_xid IS NOT NULL AND $2 = ANY(pg_blocking_pids(pid)) \
                       AND query LIKE 'UPDATE tenants SET head%'",
                )
                .await
                .unwrap();
            let deadline = Instant::now() + Duration::from_secs(30);
            loop {
                let n: i64 = client.query_one(&probe, &[&APPLICATION_NAME, &self.pid]).await.unwrap().get(0);
                if n > 0 {
                    return;
                }
                assert!(Instant::now() < deadline, "no push of the server's reached its commit");
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    }
}

/// Sessions of the server's (named by its `application_name`) still open on `db_url`.
fn server_sessions(db_url: &str) -> i64 {
    query(
        db_url,
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1",
        &[&APPLICATION_NAME],
    )[0]
    .get(0)
}

#[test]
fn a_push_cut_by_a_server_crash_before_commit_leaves_nothing_and_is_applied_exactly_once_after_restart() {
    let db_url = database();
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let mut server = serve(&db_url, port);
    seed(&db_url);

    let mut lead = Client::start(&url, "lead");
    lead.wait_synced(head(&db_url), "initial sync");
    lead.pause();
    let client_id = lead.store().client_id().unwrap();
    write_notes(&lead, NOTES, "crash note");
    let head_before = head(&db_url);

    // The push runs until it is about to commit, and the server dies there.
    let gate = CommitGate::close(&db_url);
    lead.resume();
    gate.wait_for_push(&db_url);
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
    gate.open();
    // PostgreSQL ends the dead server's sessions (rolling back the push) as it finds
    // their sockets closed.
    wait_until("the dead server's sessions to end", Duration::from_secs(30), || server_sessions(&db_url) == 0);
    assert_eq!(applied(&db_url, &client_id), 0, "the server kept none of the push's mutations");
    assert!(notes_on_server(&db_url, "crash note").is_empty(), "and none of its notes");
    assert_eq!(head(&db_url), head_before, "and no change positions");
    assert_eq!(lead.store().counts().unwrap().outbox, NOTES as i64, "the cache still has them all to send");

    // Restarted, the server gets the client's own retry.
    let mut server = serve(&db_url, port);
    wait_until("the retried push to be answered", Duration::from_secs(60), || lead.engine().status().pending == 0);
    lead.wait_synced(head(&db_url), "the retried push pulled back");

    let on_server = notes_on_server(&db_url, "crash note");
    assert_eq!(on_server.len(), NOTES, "every note reached the server");
    assert!(on_server.iter().all(|&n| n == 1), "and none twice");
    assert_eq!(applied(&db_url, &client_id), NOTES as i64);
    assert_cache_holds_each_note_once(&lead, "crash note", NOTES);

    drop(lead);
    let _ = server.kill();
    let _ = server.wait();
}

#[test]
fn a_push_whose_answer_is_lost_after_commit_is_applied_once_when_retried() {
    let backend = Backend::start();
    let proxy = Proxy::start(backend.addr());
    let mut lead = Client::start(&proxy.url(), "lead");
    lead.wait_synced(backend.head(), "initial sync");
    lead.pause();
    let client_id = lead.store().client_id().unwrap();
    write_notes(&lead, NOTES, "lost reply note");

    // The server commits the push and answers; the answer never arrives.
    proxy.lose_push_replies(true);
    lead.resume();
    wait_until("the server to commit the push", Duration::from_secs(60), || {
        applied(&backend.db_url, &client_id) == NOTES as i64
    });
    wait_until("the server's answer to be sent (and lost)", Duration::from_secs(30), || proxy.lost_reply_bytes() > 0);
    assert_eq!(proxy.pushes(), 1);
    assert_eq!(lead.store().counts().unwrap().outbox, NOTES as i64, "unanswered, the cache still has them to send");

    // The connection drops; the engine reconnects and sends the same push again.
    proxy.cut();
    proxy.lose_push_replies(false);
    proxy.restore();
    wait_until("the retried push to be answered", Duration::from_secs(60), || lead.engine().status().pending == 0);
    lead.wait_synced(backend.head(), "the retried push pulled back");
    assert!(proxy.pushes() >= 2, "the push was sent again");

    let on_server = notes_on_server(&backend.db_url, "lost reply note");
    assert_eq!(on_server.len(), NOTES, "every note is on the server");
    assert!(on_server.iter().all(|&n| n == 1), "and none twice");
    assert_eq!(applied(&backend.db_url, &client_id), NOTES as i64);
    assert_cache_holds_each_note_once(&lead, "lost reply note", NOTES);
    assert!(lead.store().unseen_notices(10).unwrap().is_empty(), "the retry raised nothing for the agent to read");
}
