//! Issue test 3: 50 concurrent writers for 10 s while three consoles sync. Every cache
//! ends identical to the server, with no skipped change.

use crate::harness::{Backend, Client, PASSWORD, query, rt};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};
use tideline_store::Store;

const WRITERS: usize = 50;
const FOR: Duration = Duration::from_secs(10);

/// One writer: signs in and pushes small batches of case actions until `until`.
/// Returns how many mutations the server answered.
async fn writer(url: String, n: usize, cases: Vec<i64>, until: Instant) -> usize {
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
    let (mut seq, mut answered, mut x) = (0i64, 0usize, n as u64 * 7919 + 1);
    while Instant::now() < until {
        let mut batch = Vec::new();
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
        }
        let sent = batch.len();
        let reply: Value = http
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
        assert_eq!(reply["results"].as_array().unwrap().len(), sent);
        answered += sent;
    }
    answered
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

#[test]
fn fifty_concurrent_writers_leave_every_cache_identical_to_the_server() {
    let backend = Backend::start();
    let clients: Vec<Client> = (0..3).map(|_| Client::start(&backend.url(), "lead")).collect();
    let cases: Vec<i64> =
        query(&backend.db_url, "SELECT id FROM cases ORDER BY id", &[]).iter().map(|r| r.get(0)).collect();
    assert!(cases.len() > 20, "the demo has cases to write to");

    let until = Instant::now() + FOR;
    let answered: usize = rt().block_on(async {
        let tasks: Vec<_> =
            (0..WRITERS).map(|n| tokio::spawn(writer(backend.url(), n, cases.clone(), until))).collect();
        let mut total = 0;
        for t in tasks {
            total += t.await.unwrap();
        }
        total
    });
    assert!(answered >= WRITERS, "every writer got answers");

    let head = backend.head();
    let server_cases: BTreeMap<i64, Value> =
        query(&backend.db_url, "SELECT id, doc FROM cases", &[]).iter().map(|r| (r.get(0), r.get(1))).collect();
    let server_events: BTreeSet<i64> =
        query(&backend.db_url, "SELECT id FROM case_events", &[]).iter().map(|r| r.get(0)).collect();
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
