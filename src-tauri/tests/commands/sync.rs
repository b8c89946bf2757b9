//! The signed-in commands that need no server: the traffic cop over what the cache
//! holds, notices, and the signed-out state.

use crate::seeded;
use jiff::{SignedDuration, Timestamp};
use tideline_console::api::{SessionMode, TrafficSince};
use tideline_console::ops;
use tideline_console::state::AppState;
use tideline_core::mutation::Mutation;
use tideline_core::{
    Actor, Case, CaseAction, CaseEvent, CaseEventKind, CaseStatus, Channel, Direction, Touchpoint, TouchpointId,
};
use tideline_store::{NoticeKind, QueueFilter, RemoteChange, RemoteRecord, SettleOutcome, Settlement};
use tideline_sync::protocol::Activity;

fn open_case(state: &AppState, now: Timestamp) -> Case {
    let filter = QueueFilter { statuses: Some(vec![CaseStatus::Open]), ..Default::default() };
    ops::queue_page(state, &filter, None, 1, now).unwrap().rows.remove(0).case
}

/// What a pull would bring: a colleague's reply (the case record and its event), then
/// the customer writing again.
fn colleague_and_customer(state: &AppState, case: &Case, replied: Timestamp, wrote: Timestamp) -> i64 {
    let mut store = state.store().unwrap();
    let changes = vec![
        RemoteChange { pos: 500, record: RemoteRecord::Case(case.clone()) },
        RemoteChange {
            pos: 501,
            record: RemoteRecord::Event {
                id: 9_000_001,
                event: CaseEvent {
                    case_id: case.id,
                    customer_id: case.customer_id,
                    at: replied,
                    actor: Actor::agent("kim"),
                    kind: CaseEventKind::Replied { body: "We have sent a new card.".into() },
                },
            },
        },
        RemoteChange {
            pos: 502,
            record: RemoteRecord::Touchpoint(Touchpoint {
                id: TouchpointId(9_000_002),
                customer_id: Some(case.customer_id),
                case_id: Some(case.id),
                channel: Channel::Email,
                direction: Direction::Inbound,
                actor: Actor::Customer,
                occurred_at: wrote,
                identity: None,
                summary: "Still no card".into(),
                body: Some("It has not arrived.".into()),
                facts: Default::default(),
            }),
        },
        RemoteChange { pos: 503, record: RemoteRecord::Case(case.clone()) },
    ];
    store.apply_remote(&changes, 503, wrote).unwrap();
    store.case_version(case.id).unwrap().expect("a synced case has a version")
}

fn hhmm(t: Timestamp) -> String {
    t.to_zoned_datetime(jiff::tz::TimeZone::system()).strftime("%H:%M").to_string()
}

#[test]
fn the_traffic_cop_lists_what_colleagues_and_the_customer_did_since_the_view() {
    let (_d, state) = seeded();
    let opened = Timestamp::now();
    let case = open_case(&state, opened);
    let view = TrafficSince { version: None, at: opened };
    assert_eq!(ops::traffic_check(&state, case.id, &view, opened).unwrap(), Vec::<String>::new(), "nothing yet");

    // The agent's own note is not news to them.
    let note = Mutation::Case { case_id: case.id, action: CaseAction::AddNote { body: "Checking".into() } };
    ops::apply_mutation(&state, &note, None, opened + SignedDuration::from_secs(1)).unwrap();

    let replied = opened + SignedDuration::from_secs(60);
    let wrote = opened + SignedDuration::from_secs(120);
    let version = colleague_and_customer(&state, &case, replied, wrote);
    let now = wrote + SignedDuration::from_secs(5);
    let news = ops::traffic_check(&state, case.id, &view, now).unwrap();
    assert_eq!(
        news,
        vec![format!("kim replied at {}", hhmm(replied)), format!("The customer wrote again at {}", hhmm(wrote))]
    );

    // A view loaded at the current version has nothing to catch up on.
    let current = TrafficSince { version: Some(version), at: opened };
    assert!(ops::traffic_check(&state, case.id, &current, now).unwrap().is_empty());
    // One loaded before the pull has.
    let older = TrafficSince { version: Some(version - 3), at: opened };
    assert_eq!(ops::traffic_check(&state, case.id, &older, now).unwrap().len(), 2);
    // A view loaded after both sees nothing new.
    let later = TrafficSince { version: None, at: now };
    assert!(ops::traffic_check(&state, case.id, &later, now).unwrap().is_empty());
}

#[test]
fn notices_stay_until_dismissed_and_show_on_their_case() {
    let (_d, state) = seeded();
    let now = Timestamp::now();
    let case = open_case(&state, now);
    let reply = Mutation::Case { case_id: case.id, action: CaseAction::Reply { body: "Sorted".into() } };
    let applied = ops::apply_mutation(&state, &reply, Some(7), now).unwrap();
    assert_eq!(ops::app_status(&state).unwrap().pending, 1);
    let message =
        format!("Sam Patel resolved CS-{} while you were offline; your reply was kept as an internal note.", case.id.0);
    let outcome = SettleOutcome::Transformed {
        into: Mutation::Case { case_id: case.id, action: CaseAction::AddNote { body: "Sorted".into() } },
        message: message.clone(),
    };
    state.store().unwrap().settle(&[Settlement { seq: applied.seq, outcome }], now).unwrap();
    assert_eq!(ops::app_status(&state).unwrap().pending, 0);

    let unseen = ops::notices(&state, None).unwrap();
    assert_eq!(unseen.len(), 1);
    assert_eq!(unseen[0].message, message);
    assert_eq!(unseen[0].kind, NoticeKind::Transformed);
    assert_eq!(unseen[0].case_id, Some(case.id));
    // Reading them does not consume them.
    assert_eq!(ops::notices(&state, None).unwrap(), unseen);

    ops::dismiss_notices(&state, &[unseen[0].id]).unwrap();
    assert!(ops::notices(&state, None).unwrap().is_empty());
    let on_case = ops::notices(&state, Some(case.id)).unwrap();
    assert_eq!(on_case.len(), 1, "the case keeps its history");
    assert!(on_case[0].seen);
}

#[test]
fn the_demo_has_no_sync_and_ignores_presence() {
    let (_d, state) = seeded();
    let info = ops::session_info(&state).unwrap();
    assert_eq!(info.mode, SessionMode::Demo);
    assert!(info.user.is_none());
    assert!(ops::sync_status(&state).is_err());
    ops::set_presence(&state, None, Activity::Viewing).unwrap();
}

#[test]
fn signed_out_the_cache_is_closed_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::signed_out(dir.path(), std::sync::Arc::new(|_| {}), Some("Your session has ended.".into()));
    let info = ops::session_info(&state).unwrap();
    assert_eq!(info.mode, SessionMode::SignedOut);
    assert_eq!(info.message.as_deref(), Some("Your session has ended."));
    let e = ops::queue_page(&state, &QueueFilter::default(), None, 10, Timestamp::now()).unwrap_err();
    assert_eq!(e.message, "Sign in first.");
    let status = ops::app_status(&state).unwrap();
    assert!(!status.online && !status.demo && status.user.is_empty());
}

#[test]
fn sign_in_refuses_a_bad_address_and_an_absent_server_in_plain_words() {
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::signed_out(dir.path(), std::sync::Arc::new(|_| {}), None);
    let e = ops::sign_in(&state, "127.0.0.1:7420", "kim", "pw").unwrap_err();
    assert!(e.message.contains("is not a server address"), "{}", e.message);
    let e = ops::sign_in(&state, "kim", "", "pw").unwrap_err();
    assert!(e.message.starts_with("Enter the server address"), "{}", e.message);
    // Nothing listens on port 9 here: refused at once, and nothing was saved.
    let e = ops::sign_in(&state, "http://127.0.0.1:9/", "kim", "pw").unwrap_err();
    assert!(e.message.starts_with("Nothing answers at http://127.0.0.1:9 ("), "{}", e.message);
    assert_eq!(ops::session_info(&state).unwrap().mode, SessionMode::SignedOut);
    assert!(!dir.path().join("session.json").exists());
}
