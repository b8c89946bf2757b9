//! Issue test 3: 50 concurrent writers for 10 s while three consoles sync. The server
//! applies what it says it applied, every engine pulls while the writers push, and every
//! cache ends identical to the server, with no skipped change.

use crate::harness::{Backend, Client, PASSWORD, query, rt, wait_until};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tideline_store::Store;
use tideline_sync::protocol::{Outcome, PushResponse};

const WRITERS: usize = 50;
const FOR: Duration = Duration::from_secs(10);

/// What one writer's pushes came to, by the server's own answers.
#[derive(Debug, Default)]
struct Tally {
    /// Mutations answered.
    answered: usize,
    /// Of those, applied (each a new event on its case).
    applied: usize,
    /// Notes answered (all applied).
    notes: usize,
    /// Change positions the applied mutations take: one per event, and one per case a
    /// push changed (a case changed twice in one push keeps one change).
    positions: usize,
}

/// One writer: signs in and pushes small batches of case actions until `until`,
/// counting each answered push in `pushes`.
async fn writer(url: String, n: usize, cases: Vec<i64>, until: Instant, pushes: Arc<AtomicUsize>) -> Tally {
    let http = reqwest::Client::new();
    let session: Value = http
        .post(format!("{url}/v1/session"))
        .json(&json!({"username": "lead", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = session["token"].as_str().unwrap().to_string();
    let (mut seq, mut tally, mut x) = (0i64, Tally::default(), n as u64 * 7919 + 1);
    while Instant::now() < until {
        let mut batch = Vec::new();
        let mut targets = Vec::new();
        for _ in 0..1 + (x % 3) {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            seq += 1;
            let case_id = cases[(x >> 33) as usize % cases.len()];
            let action = match (x >> 20) % 4 {
                0 => json!({"type": "escalate", "reason": format!("writer {n} #{seq}")}),
                1 => {
                    let priority = ["low", "normal", "high", "urgent"][(x >> 40) as usize % 4];
                    json!({"type": "set_priority", "priority": priority})
                }
                _ => json!({"type": "add_note", "body": format!("writer {n} note {seq}")}),
            };
            batch.push(json!({"seq": seq, "at": jiff::Timestamp::now(), "mutation": {"type": "case", "case_id": case_id, "action": action}}));
            targets.push((seq, case_id, action["type"] == "add_note"));
        }
        let reply: PushResponse = http
            .post(format!("{url}/v1/push"))
            .bearer_auth(&token)
            .json(&json!({"client_id": format!("writer-{n}"), "mutations": batch}))
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap()
            .json()
            .await
            .unwrap();
        let seqs: Vec<i64> = reply.results.iter().map(|r| r.seq).collect();
        assert_eq!(seqs, targets.iter().map(|t| t.0).collect::<Vec<_>>(), "one answer per mutation, in order");
        let (mut applied, mut changed) = (0, BTreeSet::new());
        for (r, &(_, case_id, note)) in reply.results.iter().zip(&targets) {
            match &r.outcome {
                Outcome::Applied { .. } => {
                    applied += 1;
                    changed.insert(case_id);
                }
                // Escalating a closed case, or setting the priority a case has, is
                // refused; a note to any case never is.
                Outcome::Rejected { message } => assert!(!note, "writer {n}: a note was refused: {message}"),
                other => panic!("writer {n}: a case action came back as {other:?}"),
            }
        }
        tally.answered += targets.len();
        tally.notes += targets.iter().filter(|t| t.2).count();
        tally.applied += applied;
        tally.positions += applied + changed.len();
        pushes.fetch_add(1, Ordering::SeqCst);
    }
    tally
}

fn cache_cases(store: &Store) -> BTreeMap<i64, Value> {
    let mut stmt = store.connection().prepare("SELECT id, doc FROM cases").unwrap();
    stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
        .unwrap()
        .map(|r| {
            let (id, doc) = r.unwrap();
            (id, serde_json::from_str(&doc).unwrap())
        })
        .collect()
}

fn cache_events(store: &Store) -> BTreeSet<i64> {
    let mut stmt = store.connection().prepare("SELECT server_id FROM case_events").unwrap();
    stmt.query_map([], |r| r.get::<_, Option<i64>>(0))
        .unwrap()
        .map(|r| r.unwrap().expect("every event in a synced cache is the server's"))
        .collect()
}

fn server_events(db_url: &str) -> BTreeSet<i64> {
    query(db_url, "SELECT id FROM case_events", &[]).iter().map(|r| r.get(0)).collect()
}

#[test]
fn fifty_concurrent_writers_leave_every_cache_identical_to_the_server() {
    let backend = Backend::start();
    let clients: Vec<Client> = (0..3).map(|_| Client::start(&backend.url(), "lead")).collect();
    let cases: Vec<i64> =
        query(&backend.db_url, "SELECT id FROM cases ORDER BY id", &[]).iter().map(|r| r.get(0)).collect();
    assert!(cases.len() > 20, "the demo has cases to write to");
    let head_before = backend.head();
    for (i, c) in clients.iter().enumerate() {
        c.wait_synced(head_before, &format!("client {i}'s initial sync"));
    }
    let starts: Vec<i64> = clients.iter().map(|c| c.engine().status().cursor).collect();
    let events_before = server_events(&backend.db_url).len();

    let until = Instant::now() + FOR;
    let pushes = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> =
        (0..WRITERS).map(|n| rt().spawn(writer(backend.url(), n, cases.clone(), until, pushes.clone()))).collect();

    // While the writers push, every engine pulls some of their changes.
    wait_until("every cache to pull changes while the writers push", FOR, || {
        clients.iter().zip(&starts).all(|(c, start)| c.engine().status().cursor > *start)
    });
    let mid: Vec<i64> = clients.iter().map(|c| c.engine().status().cursor).collect();
    let pushes_at_mid = pushes.load(Ordering::SeqCst);

    let tally = rt().block_on(async {
        let mut total = Tally::default();
        for t in tasks {
            let t = t.await.unwrap();
            total.answered += t.answered;
            total.applied += t.applied;
            total.notes += t.notes;
            total.positions += t.positions;
        }
        total
    });
    let head = backend.head();
    assert!(pushes.load(Ordering::SeqCst) > pushes_at_mid, "the writers were still pushing at the mid-point");
    for (i, (start, mid)) in starts.iter().zip(&mid).enumerate() {
        assert!(start < mid && *mid < head, "client {i} pulled mid-run: {start} < {mid} < {head}");
    }

    // The server did what it answered: one event per applied mutation, and the head
    // moved by exactly the positions those took.
    assert!(tally.answered >= WRITERS, "every writer got answers");
    assert!(tally.notes > 0 && tally.applied > tally.notes, "notes and other actions were applied: {tally:?}");
    let server_events = server_events(&backend.db_url);
    assert_eq!(server_events.len() - events_before, tally.applied, "one new event per applied mutation");
    assert_eq!((head - head_before) as usize, tally.positions, "the head moved by what was applied: {tally:?}");

    let server_cases: BTreeMap<i64, Value> =
        query(&backend.db_url, "SELECT id, doc FROM cases", &[]).iter().map(|r| (r.get(0), r.get(1))).collect();
    for (i, c) in clients.iter().enumerate() {
        c.wait_synced(head, &format!("client {i} after the writers"));
        let store = c.store();
        let events = cache_events(&store);
        let missing: Vec<_> = server_events.difference(&events).take(5).collect();
        assert!(missing.is_empty(), "client {i} skipped events, e.g. {missing:?}");
        assert_eq!(events.len(), server_events.len(), "client {i} holds no extra events");
        let cases = cache_cases(&store);
        assert_eq!(cases.len(), server_cases.len(), "client {i} holds every case");
        for (id, doc) in &server_cases {
            assert_eq!(cases.get(id), Some(doc), "client {i}: case CS-{id} differs from the server's");
        }
    }
}
