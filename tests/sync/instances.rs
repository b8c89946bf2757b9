//! More than one server instance on one database: a change pushed through one reaches
//! the clients of another (LISTEN/NOTIFY), presence crosses instances, and the viewers
//! of an instance that is killed vanish within seconds (presence is a lease), while a
//! client that knows both instances carries on through the other.

use crate::harness::{Backend, Client, serve_process, wait_until};
use jiff::Timestamp;
use std::time::Duration;
use tideline_core::mutation::Mutation;
use tideline_core::{Actor, CaseAction, CaseId};
use tideline_sync::client::SyncEvent;
use tideline_sync::protocol::Activity;

/// The people `client` was last told are on `case`, by username.
fn people_on(client: &Client, case: CaseId) -> Option<Vec<String>> {
    client.events.lock().unwrap().iter().rev().find_map(|e| match e {
        SyncEvent::Presence { case_id, people } if *case_id == case => {
            Some(people.iter().map(|p| p.username.clone()).collect())
        }
        _ => None,
    })
}

#[test]
fn two_instances_share_changes_and_presence_and_a_killed_ones_viewers_vanish_and_clients_fail_over() {
    let a = Backend::start();
    let (mut b, b_url) = serve_process(&a.db_url, "127.0.0.1:0");
    let lead = Client::start(&a.url(), "lead");
    let amy = Client::start(&b_url, "amy");
    // Bob knows both instances, B first.
    let bob = Client::start(&format!("{b_url}, {}", a.url()), "bob");
    lead.wait_synced(a.head(), "the lead's first pull, from instance A");
    amy.wait_synced(a.head(), "amy's first pull, from instance B");
    bob.wait_synced(a.head(), "bob's first pull, from instance B");

    // The lead writes through A; Amy, on B, gets it without asking.
    let case: CaseId = amy
        .store()
        .connection()
        .query_row("SELECT id FROM cases WHERE queue = 'cards' AND status = 'open' ORDER BY id LIMIT 1", [], |r| {
            r.get(0).map(CaseId)
        })
        .expect("an open cards case");
    let note = "Checked with the card team: replacement posted.";
    lead.store()
        .apply(
            &Mutation::Case { case_id: case, action: CaseAction::AddNote { body: note.into() } },
            &Actor::agent("lead"),
            Timestamp::now(),
        )
        .unwrap();
    lead.engine().sync_now();
    // The engine's status lags the cache, so ask the cache's outbox.
    wait_until("the lead's note to be answered", Duration::from_secs(20), || {
        lead.store().counts().unwrap().outbox == 0
    });
    let head = a.head();
    amy.wait_synced(head, "the note poked across instances");
    let found: i64 = amy
        .store()
        .connection()
        .query_row(
            "SELECT count(*) FROM case_events WHERE case_id = ?1 AND doc LIKE ?2",
            (case.0, format!("%{note}%")),
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(found, 1);

    // Presence crosses instances both ways.
    lead.engine().set_presence(Some(case), Activity::Viewing);
    amy.engine().set_presence(Some(case), Activity::Replying);
    wait_until("the lead to see amy, who is on instance B", Duration::from_secs(10), || {
        people_on(&lead, case) == Some(vec!["amy".to_string()])
    });
    wait_until("amy to see the lead, who is on instance A", Duration::from_secs(10), || {
        people_on(&amy, case) == Some(vec!["lead".to_string()])
    });

    // Instance B dies without a word: Amy's lease runs out and the lead sees her go.
    b.kill().unwrap();
    let _ = b.wait();
    let limit = tideline_server::domain::live::PRESENCE_EXPIRY + tideline_server::domain::live::PRESENCE_REFRESH * 2;
    wait_until("amy to vanish from the lead's case", limit, || people_on(&lead, case) == Some(vec![]));

    // Bob carries on through A: his next change arrives, once.
    let later = "Customer confirmed the new card arrived.";
    bob.store()
        .apply(
            &Mutation::Case { case_id: case, action: CaseAction::AddNote { body: later.into() } },
            &Actor::agent("bob"),
            Timestamp::now(),
        )
        .unwrap();
    bob.engine().sync_now();
    wait_until("bob's note to be answered by instance A", Duration::from_secs(30), || {
        bob.store().counts().unwrap().outbox == 0
    });
    let stored = crate::harness::query(
        &a.db_url,
        "SELECT count(*) FROM case_events WHERE case_id = $1 AND doc->'kind'->>'body' = $2",
        &[&case.0, &later],
    );
    assert_eq!(stored[0].get::<_, i64>(0), 1);
    assert!(bob.engine().status().online, "bob is connected again, to A");
}
