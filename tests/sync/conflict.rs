//! Issue test 1: agent A, offline, replies to a case while agent B resolves it. After A
//! reconnects both caches hold the same case, and A is told in plain words.

use crate::harness::{Backend, Client, Proxy, wait_until};
use jiff::Timestamp;
use serde_json::Value;
use std::time::Duration;
use tideline_core::mutation::Mutation;
use tideline_core::{Actor, CaseAction, CaseId, CaseStatus};
use tideline_store::Store;

/// The case's row and its events, as both caches must end up holding them.
fn case_state(store: &Store, case: CaseId) -> (Value, Vec<(String, Value, Value)>) {
    let c = store.connection();
    let doc: String = c.query_row("SELECT doc FROM cases WHERE id = ?1", [case.0], |r| r.get(0)).unwrap();
    let optimistic: i64 = c
        .query_row("SELECT count(*) FROM case_events WHERE case_id = ?1 AND outbox_seq IS NOT NULL", [case.0], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(optimistic, 0, "no optimistic events are left once everything is synced");
    let mut stmt = c.prepare("SELECT kind, doc, actor FROM case_events WHERE case_id = ?1 ORDER BY server_id").unwrap();
    let events = stmt
        .query_map([case.0], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))
        .unwrap()
        .map(|r| {
            let (k, d, a) = r.unwrap();
            (k, serde_json::from_str(&d).unwrap(), serde_json::from_str(&a).unwrap())
        })
        .collect();
    (serde_json::from_str(&doc).unwrap(), events)
}

#[test]
fn an_offline_reply_to_a_case_resolved_meanwhile_converges_and_is_explained() {
    let backend = Backend::start();
    let proxy = Proxy::start(backend.addr());
    let amy = Client::start(&proxy.url(), "amy");
    let bob = Client::start(&backend.url(), "bob");
    amy.wait_synced(backend.head(), "initial sync");
    bob.wait_synced(backend.head(), "initial sync");

    let case: CaseId = amy
        .store()
        .connection()
        .query_row("SELECT id FROM cases WHERE queue = 'cards' AND status = 'open' ORDER BY id LIMIT 1", [], |r| {
            r.get(0).map(CaseId)
        })
        .expect("the demo has an open case in the cards queue");

    // Amy loses her connection and replies from the cache.
    proxy.cut();
    wait_until("amy to notice she is offline", Duration::from_secs(20), || !amy.engine().status().online);
    let reply = "I have chased the card team for you.";
    amy.store()
        .apply(
            &Mutation::Case { case_id: case, action: CaseAction::Reply { body: reply.into() } },
            &Actor::agent("amy"),
            Timestamp::now(),
        )
        .unwrap();
    amy.engine().sync_now(); // as the console does after every action
    wait_until("amy's status to show the reply waiting", Duration::from_secs(10), || {
        let s = amy.engine().status();
        !s.online && s.pending == 1
    });

    // Meanwhile Bob resolves the case.
    let resolve = CaseAction::Resolve { closure_code: "fixed".into(), summary: "Card reissued".into() };
    bob.store()
        .apply(&Mutation::Case { case_id: case, action: resolve }, &Actor::agent("bob"), Timestamp::now())
        .unwrap();
    bob.engine().sync_now();
    bob.wait_synced(backend.head(), "bob's resolve");
    assert!(backend.head() > 0);

    // Amy reconnects: her engine retries on its own.
    proxy.restore();
    amy.wait_synced(backend.head(), "amy's reply pushed and pulled back");
    bob.wait_synced(backend.head(), "amy's note pulled");

    let (amy_case, amy_events) = case_state(&amy.store(), case);
    let (bob_case, bob_events) = case_state(&bob.store(), case);
    assert_eq!(amy_case, bob_case, "both caches hold the same case");
    assert_eq!(amy_events, bob_events, "and the same history");
    assert_eq!(amy_case["status"], CaseStatus::Resolved.as_str());
    let (kind, doc, actor) = amy_events.last().unwrap();
    assert_eq!((kind.as_str(), doc["body"].as_str()), ("noted", Some(reply)), "the reply became a note");
    assert_eq!(actor, &serde_json::json!({"kind": "agent", "name": "amy"}), "signed by amy");

    let notices = amy.store().notices_for_case(case).unwrap();
    let messages: Vec<&str> = notices.iter().map(|n| n.message.as_str()).collect();
    assert_eq!(
        messages,
        [format!("Bob Stone resolved {case} while you were offline; your reply was kept as an internal note.")],
    );
    assert!(bob.store().notices_for_case(case).unwrap().is_empty(), "bob had nothing to be told");
}
