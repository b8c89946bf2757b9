//! The cache's side of sync: server pages, the rebase of pending work on top of them,
//! the server's answers, provisional customers, the bulk first sync and encryption.
//! Server changes are built by hand from demo data: no server needed.

use crate::fixture::*;
use jiff::SignedDuration;
use tideline_core::mutation::Mutation;
use tideline_core::{
    Actor, CaseAction, CaseEvent, CaseEventKind, CaseId, CaseStatus, Channel, CustomerId, IdentityKind, Priority,
    TouchpointId,
};
use tideline_demo::{DemoConfig, generate};
use tideline_store::{
    NoticeKind, RemoteChange, RemoteRecord, SettleOutcome, Settlement, Store, StoreConfig, StoreError,
};

/// The demo contact centre as a server would send it: one change per record, numbered
/// from 1; event ids count from 1.
fn demo_changes(customers: usize) -> Vec<RemoteChange> {
    let mut out = Vec::new();
    let mut event_id = 0;
    let push = |out: &mut Vec<RemoteChange>, record| {
        let pos = out.len() as i64 + 1;
        out.push(RemoteChange { pos, record });
    };
    for b in generate(&DemoConfig::new(customers, 7, now())) {
        push(&mut out, RemoteRecord::Customer(b.customer));
        for c in b.cases {
            push(&mut out, RemoteRecord::Case(c));
        }
        for e in b.events {
            event_id += 1;
            push(&mut out, RemoteRecord::Event { id: event_id, event: e });
        }
        for t in b.touchpoints.into_iter().chain(b.unlinked) {
            push(&mut out, RemoteRecord::Touchpoint(t));
        }
    }
    out
}

/// Every row the server's records land in, as text, for comparing two caches.
fn snapshot(store: &Store) -> Vec<String> {
    let conn = store.connection();
    let mut out = Vec::new();
    for sql in [
        "SELECT id || '|' || name || '|' || created_at FROM customers ORDER BY id",
        "SELECT kind || '|' || value || '|' || customer_id FROM identities ORDER BY kind, value",
        "SELECT id || '|' || status || '|' || due_key || '|' || doc FROM cases ORDER BY id",
        "SELECT coalesce(server_id, 'local') || '|' || case_id || '|' || at || '|' || doc FROM case_events \
         ORDER BY case_id, at, server_id",
        "SELECT id || '|' || coalesce(customer_id, '-') || '|' || coalesce(case_id, '-') || '|' || summary \
         FROM touchpoints ORDER BY id",
        "SELECT case_id || '|' || clock || '|' || state FROM sla_clocks ORDER BY case_id, clock",
    ] {
        let mut stmt = conn.prepare(sql).unwrap();
        out.extend(stmt.query_map([], |r| r.get::<_, String>(0)).unwrap().map(Result::unwrap));
    }
    out
}

fn case_change(pos: i64, case: tideline_core::Case) -> RemoteChange {
    RemoteChange { pos, record: RemoteRecord::Case(case) }
}

fn event_change(pos: i64, id: i64, event: CaseEvent) -> RemoteChange {
    RemoteChange { pos, record: RemoteRecord::Event { id, event } }
}

/// Ann (customer 1) with case 1 on the server, acknowledged; plus her phone call.
fn server_case() -> (tideline_core::Case, Vec<RemoteChange>) {
    let ann = customer(1, "Ann Lee", vec![id(IdentityKind::Phone, "020 7946 0018")]);
    let (c, e0) = new_case(1, 1, Channel::Phone, Priority::Normal, SignedDuration::from_mins(30));
    let (c, e1) = step(&c, CaseAction::Acknowledge, now() - SignedDuration::from_mins(20));
    let mut call = touchpoint(1, Some(1), Channel::Phone, "2026-03-02T13:30:00Z", "Card declined at Tesco");
    call.case_id = Some(CaseId(1));
    let mut unknown = touchpoint(2, None, Channel::Phone, "2026-03-01T09:00:00Z", "Caller asked for opening hours");
    unknown.identity = Some(id(IdentityKind::Phone, "07911 123456"));
    let changes = vec![
        RemoteChange { pos: 1, record: RemoteRecord::Customer(ann) },
        event_change(2, 1, e0),
        event_change(3, 2, e1),
        case_change(4, c.clone()),
        RemoteChange { pos: 5, record: RemoteRecord::Touchpoint(call) },
        RemoteChange { pos: 6, record: RemoteRecord::Touchpoint(unknown) },
    ];
    (c, changes)
}

fn events_of(store: &Store, case: i64) -> Vec<(String, Option<i64>, Option<i64>)> {
    let mut stmt = store
        .connection()
        .prepare("SELECT kind, server_id, outbox_seq FROM case_events WHERE case_id = ?1 ORDER BY at, id")
        .unwrap();
    stmt.query_map([case], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect()
}

#[test]
fn apply_remote_upserts_and_is_idempotent() {
    let mut f = empty();
    let changes = demo_changes(30);
    let last = changes.last().unwrap().pos;
    let applied = f.store.apply_remote(&changes, last, now()).unwrap();
    assert!(!applied.cases.is_empty() && applied.missing_customers.is_empty());
    assert_eq!(f.store.sync_cursor().unwrap(), last);
    let counts = f.store.counts().unwrap();
    assert_eq!(counts.customers, 30);
    let first = snapshot(&f.store);

    // The same page again, and then only its first half: nothing changes.
    f.store.apply_remote(&changes, last, now()).unwrap();
    assert_eq!(snapshot(&f.store), first);
    f.store.apply_remote(&changes[..changes.len() / 2], last, now()).unwrap();
    assert_eq!(snapshot(&f.store), first);
    assert_eq!(f.store.counts().unwrap(), counts);

    // An older state of a case than the stored one is ignored; a newer one wins.
    let (pos, mut case) = changes
        .iter()
        .find_map(|c| match &c.record {
            RemoteRecord::Case(k) => Some((c.pos, k.clone())),
            _ => None,
        })
        .unwrap();
    assert_eq!(f.store.case_version(case.id).unwrap(), Some(pos));
    case.subject = "Stale subject".into();
    f.store.apply_remote(&[case_change(pos - 1, case.clone())], last, now()).unwrap();
    assert_ne!(f.store.case(case.id).unwrap().subject, "Stale subject");
    case.subject = "New subject".into();
    let applied = f.store.apply_remote(&[case_change(last + 1, case.clone())], last + 1, now()).unwrap();
    assert_eq!(applied.cases, vec![case.id]);
    assert_eq!(f.store.case(case.id).unwrap().subject, "New subject");
    assert_eq!(f.store.case_version(case.id).unwrap(), Some(last + 1));
    f.store.integrity_check().unwrap();
}

#[test]
fn a_case_whose_customer_is_not_cached_gets_a_placeholder_until_fetched() {
    let mut f = empty();
    let (c, _) = new_case(5, 42, Channel::Email, Priority::High, SignedDuration::from_mins(5));
    let applied = f.store.apply_remote(&[case_change(10, c)], 10, now()).unwrap();
    assert_eq!(applied.missing_customers, vec![CustomerId(42)]);
    assert_eq!(f.store.customer(CustomerId(42)).unwrap().name, "C-42");
    let real = customer(42, "Zoe Park", vec![]);
    let applied =
        f.store.apply_fetched(&[RemoteChange { pos: 3, record: RemoteRecord::Customer(real) }], now()).unwrap();
    assert!(applied.missing_customers.is_empty());
    assert_eq!(f.store.customer(CustomerId(42)).unwrap().name, "Zoe Park");
    assert_eq!(f.store.sync_cursor().unwrap(), 10, "a fetch leaves the cursor alone");
}

#[test]
fn rebase_keeps_a_pending_reply_on_top_of_a_newer_server_case() {
    let mut f = empty();
    let (case, changes) = server_case();
    f.store.apply_remote(&changes, 6, now()).unwrap();
    let basis = f.store.case_version(CaseId(1)).unwrap();
    assert_eq!(basis, Some(4));

    // The agent replies (optimistic) …
    let reply = Mutation::Case { case_id: CaseId(1), action: CaseAction::Reply { body: "Unblocked".into() } };
    let at = now() - SignedDuration::from_mins(5);
    let applied = f.store.apply_with_basis(&reply, &Actor::agent("sam"), at, basis).unwrap();
    assert_eq!(f.store.pending(10).unwrap()[0].basis, Some(4));
    // … while a colleague reassigned the case on the server.
    let (moved, assigned) = step(
        &case,
        CaseAction::Assign { assignee: Some("kim".into()), queue: None },
        now() - SignedDuration::from_mins(10),
    );
    let page = vec![event_change(7, 3, assigned), case_change(8, moved)];
    for _ in 0..2 {
        f.store.apply_remote(&page, 8, now()).unwrap();
        let c = f.store.case(CaseId(1)).unwrap();
        assert_eq!(c.assignee.as_deref(), Some("kim"), "the server's change is there");
        assert_eq!(c.last_update_at, Some(at), "and the pending reply on top of it");
        let kinds: Vec<_> = events_of(&f.store, 1).into_iter().map(|(k, s, o)| (k, s.is_some(), o)).collect();
        assert_eq!(
            kinds,
            vec![
                ("opened".into(), true, None),
                ("acknowledged".into(), true, None),
                ("assigned".into(), true, None),
                ("replied".into(), false, Some(applied.seq)),
            ]
        );
        assert_eq!(f.store.pending_count().unwrap(), 1);
        assert_eq!(f.store.case_version(CaseId(1)).unwrap(), Some(8));
    }

    // The server accepts the reply and sends it back as its own event: one reply left.
    f.store
        .settle(
            &[Settlement { seq: applied.seq, outcome: SettleOutcome::Applied { customer_id: None, notice: None } }],
            now(),
        )
        .unwrap();
    let mut replied = f.store.case(CaseId(1)).unwrap();
    replied.priority = Priority::Normal;
    let event = applied.event.unwrap();
    f.store.apply_remote(&[event_change(9, 4, event), case_change(10, replied)], 10, now()).unwrap();
    let kinds = events_of(&f.store, 1);
    assert_eq!(kinds.last().unwrap(), &("replied".to_string(), Some(4), None));
    assert_eq!(kinds.len(), 4);
    assert!(f.store.unseen_notices(10).unwrap().is_empty());
    f.store.integrity_check().unwrap();
}

#[test]
fn a_pending_change_that_no_longer_applies_stays_queued_with_a_notice() {
    let mut f = empty();
    let (case, changes) = server_case();
    f.store.apply_remote(&changes, 6, now()).unwrap();
    let resolve = Mutation::Case {
        case_id: CaseId(1),
        action: CaseAction::Resolve { closure_code: "fixed".into(), summary: "Card unblocked".into() },
    };
    f.store.apply(&resolve, &Actor::agent("sam"), now()).unwrap();
    // Bob resolved it first on the server.
    let (done, ev) = step(
        &case,
        CaseAction::Resolve { closure_code: "fixed".into(), summary: "Done by Bob".into() },
        now() - SignedDuration::from_mins(1),
    );
    for _ in 0..2 {
        let applied =
            f.store.apply_remote(&[event_change(7, 3, ev.clone()), case_change(8, done.clone())], 8, now()).unwrap();
        let c = f.store.case(CaseId(1)).unwrap();
        assert_eq!(c.status, CaseStatus::Resolved);
        assert_eq!(c.closure.unwrap().summary, "Done by Bob");
        assert_eq!(f.store.pending_count().unwrap(), 1, "the server will answer it");
        let _ = applied;
    }
    let notices = f.store.unseen_notices(10).unwrap();
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(notices[0].message.contains("will be checked by the server"), "{}", notices[0].message);
    assert_eq!(notices[0].case_id, Some(CaseId(1)));
}

#[test]
fn settle_turns_transformed_and_rejected_answers_into_notices() {
    let mut f = empty();
    let (_, changes) = server_case();
    f.store.apply_remote(&changes, 6, now()).unwrap();
    let sam = Actor::agent("sam");
    let reply = Mutation::Case { case_id: CaseId(1), action: CaseAction::Reply { body: "On it".into() } };
    let note = Mutation::Case { case_id: CaseId(1), action: CaseAction::AddNote { body: "VIP".into() } };
    let a = f.store.apply(&reply, &sam, now()).unwrap();
    let b = f.store.apply(&note, &sam, now()).unwrap();
    let c = f.store.apply(&note, &sam, now()).unwrap();
    assert_eq!(f.store.pending(10).unwrap().iter().map(|p| p.seq).collect::<Vec<_>>(), vec![a.seq, b.seq, c.seq]);
    let results = vec![
        Settlement {
            seq: a.seq,
            outcome: SettleOutcome::Transformed {
                into: Mutation::Case { case_id: CaseId(1), action: CaseAction::AddNote { body: "On it".into() } },
                message: "Bob resolved this case while you were offline; your reply was kept as a note.".into(),
            },
        },
        Settlement { seq: b.seq, outcome: SettleOutcome::Rejected { message: "You may not change this case.".into() } },
        Settlement {
            seq: c.seq,
            outcome: SettleOutcome::Applied { customer_id: None, notice: Some("Kim replied since you looked.".into()) },
        },
    ];
    assert_eq!(f.store.settle(&results, now()).unwrap(), 3);
    assert_eq!(f.store.pending_count().unwrap(), 0);
    // A retried push gets the same answers: nothing more happens.
    assert_eq!(f.store.settle(&results, now()).unwrap(), 0);

    let notices = f.store.unseen_notices(10).unwrap();
    let kinds: Vec<_> = notices.iter().map(|n| n.kind).collect();
    assert_eq!(kinds, vec![NoticeKind::Transformed, NoticeKind::Rejected, NoticeKind::Notice]);
    assert!(notices.iter().all(|n| n.case_id == Some(CaseId(1)) && !n.seen));
    assert_eq!(f.store.notices_for_case(CaseId(1)).unwrap().len(), 3);
    f.store.mark_notices_seen(&[notices[0].id, notices[1].id]).unwrap();
    assert_eq!(f.store.unseen_notices(10).unwrap().len(), 1);
    assert_eq!(f.store.notices_for_case(CaseId(1)).unwrap().len(), 3);

    // The next pull takes the optimistic events away; the server's (a note) come back.
    let note_event = CaseEvent {
        case_id: CaseId(1),
        customer_id: CustomerId(1),
        at: now(),
        actor: sam.clone(),
        kind: CaseEventKind::Noted { body: "On it".into() },
    };
    f.store.apply_remote(&[event_change(7, 10, note_event)], 7, now()).unwrap();
    let kinds: Vec<_> = events_of(&f.store, 1).into_iter().map(|(k, _, o)| (k, o)).collect();
    assert_eq!(kinds, vec![("opened".into(), None), ("acknowledged".into(), None), ("noted".into(), None)]);
    f.store.integrity_check().unwrap();
}

#[test]
fn a_customer_made_here_keeps_working_under_its_provisional_id() {
    let mut f = empty();
    let (_, changes) = server_case();
    f.store.apply_remote(&changes, 6, now()).unwrap();
    let sam = Actor::agent("sam");
    let create = Mutation::CreateCustomer { touchpoint_id: TouchpointId(2), name: "Priya Shah".into() };
    let made = f.store.apply(&create, &sam, now()).unwrap();
    let p = made.customer_id.unwrap();
    assert_eq!(p, CustomerId(-1), "provisional ids are negative");
    assert_eq!(f.store.find_customer("07911 123456").unwrap(), p);
    // A later change names the provisional customer: it waits until the server's id is known.
    let unlink = Mutation::UnlinkIdentity { identity: id(IdentityKind::Phone, "07911 123456"), customer_id: p };
    let undo = f.store.apply(&unlink, &sam, now()).unwrap();
    let relink = f.store.apply(&Mutation::LinkIdentity { touchpoint_id: TouchpointId(2), customer_id: p }, &sam, now());
    let relink = relink.unwrap();
    let batch = f.store.pending(500).unwrap();
    assert_eq!(batch.iter().map(|m| m.seq).collect::<Vec<_>>(), vec![made.seq]);

    // A pull before the answer: the provisional customer survives the rebase.
    f.store.apply_remote(&[], 6, now()).unwrap();
    assert_eq!(f.store.customer(p).unwrap().name, "Priya Shah");
    assert_eq!(f.store.find_customer("07911 123456").unwrap(), p);

    f.store
        .settle(
            &[Settlement {
                seq: made.seq,
                outcome: SettleOutcome::Applied { customer_id: Some(CustomerId(500)), notice: None },
            }],
            now(),
        )
        .unwrap();
    let batch = f.store.pending(500).unwrap();
    assert_eq!(batch.iter().map(|m| m.seq).collect::<Vec<_>>(), vec![undo.seq, relink.seq]);
    assert!(batch.iter().all(|m| match &m.mutation {
        Mutation::UnlinkIdentity { customer_id, .. } | Mutation::LinkIdentity { customer_id, .. } =>
            *customer_id == CustomerId(500),
        _ => false,
    }));

    // The server's record of the customer arrives: the provisional row is gone, the id
    // the UI holds still finds her.
    let priya = customer(500, "Priya Shah", vec![id(IdentityKind::Phone, "07911 123456")]);
    let mut tp = touchpoint(2, Some(500), Channel::Phone, "2026-03-01T09:00:00Z", "Caller asked for opening hours");
    tp.identity = Some(id(IdentityKind::Phone, "07911 123456"));
    let page = [
        RemoteChange { pos: 7, record: RemoteRecord::Customer(priya) },
        RemoteChange { pos: 8, record: RemoteRecord::Touchpoint(tp) },
    ];
    for _ in 0..2 {
        f.store.apply_remote(&page, 8, now()).unwrap();
        let ids: Vec<i64> = f
            .store
            .connection()
            .prepare("SELECT id FROM customers ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(ids, vec![1, 500]);
        assert_eq!(f.store.customer(p).unwrap().id, CustomerId(500));
        assert_eq!(f.store.find_customer("C-500").unwrap(), CustomerId(500));
        // The pending unlink-then-link is re-applied on top: the phone is Priya's again.
        assert_eq!(f.store.find_customer("07911 123456").unwrap(), CustomerId(500));
        assert_eq!(f.store.pending_count().unwrap(), 2);
    }
    f.store.integrity_check().unwrap();
}

#[test]
fn a_rejected_new_customer_goes_away_at_the_next_pull() {
    let mut f = empty();
    let (_, changes) = server_case();
    f.store.apply_remote(&changes, 6, now()).unwrap();
    let create = Mutation::CreateCustomer { touchpoint_id: TouchpointId(2), name: "Priya Shah".into() };
    let made = f.store.apply(&create, &Actor::agent("sam"), now()).unwrap();
    f.store
        .settle(
            &[Settlement {
                seq: made.seq,
                outcome: SettleOutcome::Rejected { message: "Someone else has this number.".into() },
            }],
            now(),
        )
        .unwrap();
    f.store.apply_remote(&[], 6, now()).unwrap();
    assert!(matches!(f.store.customer(made.customer_id.unwrap()), Err(StoreError::NotFound { .. })));
    assert_eq!(f.store.counts().unwrap().unlinked, 1, "the call is unlinked again");
    assert_eq!(f.store.unseen_notices(5).unwrap()[0].kind, NoticeKind::Rejected);
}

#[test]
fn the_bulk_first_sync_equals_the_incremental_path() {
    let changes = demo_changes(60);
    let last = changes.last().unwrap().pos;
    let mut a = empty();
    a.store.apply_remote(&changes, last, now()).unwrap();

    let mut b = empty();
    let mid = changes.len() / 2;
    b.store.apply_initial(&changes[..mid], changes[mid - 1].pos, now()).unwrap();
    // Pages may overlap; the newest record wins.
    b.store.apply_initial(&changes[mid - 10..], last, now()).unwrap();
    assert!(!b.store.initial_sync_done().unwrap());
    assert!(b.store.finish_initial().unwrap().is_empty());
    assert!(b.store.initial_sync_done().unwrap());
    assert_eq!(b.store.sync_cursor().unwrap(), last);
    assert_eq!(snapshot(&a.store), snapshot(&b.store));
    assert_eq!(a.store.counts().unwrap(), b.store.counts().unwrap());
    // Indexes and search were rebuilt: the same answers, through the same plans.
    let indexes = |s: &Store| -> Vec<String> {
        s.connection()
            .prepare("SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(indexes(&a.store), indexes(&b.store));
    let name = a.store.customer(CustomerId(3)).unwrap().name;
    for q in [name.as_str(), "card", "declined"] {
        assert_eq!(a.store.search(q, 20).unwrap(), b.store.search(q, 20).unwrap(), "{q}");
    }
    b.store.integrity_check().unwrap();
}

#[test]
fn an_initial_sync_cut_short_gets_its_indexes_back_on_open() {
    let changes = demo_changes(5);
    let mut f = empty();
    f.store.apply_initial(&changes, 3, now()).unwrap();
    let f = f.reopen();
    let n: i64 = f
        .store
        .connection()
        .query_row("SELECT count(*) FROM sqlite_master WHERE name = 'touchpoints_timeline'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(f.store.sync_cursor().unwrap(), 3);
}

#[test]
fn an_encrypted_cache_is_unreadable_without_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.db");
    let key = [7u8; 32];
    {
        let mut s = Store::create_encrypted(&path, &key, StoreConfig::default()).unwrap();
        let (_, changes) = server_case();
        s.apply_remote(&changes, 6, now()).unwrap();
        s.client_id().unwrap();
    }
    let header = std::fs::read(&path).unwrap();
    assert!(header.len() > 16 && &header[..16] != b"SQLite format 3\0", "the header is ciphertext");
    let raw = String::from_utf8_lossy(&header);
    assert!(!raw.contains("Ann Lee"));

    let wrong = Store::open_encrypted(&path, &[8u8; 32], StoreConfig::default()).err().unwrap();
    assert!(matches!(wrong, StoreError::Locked(_)), "{wrong:?}");
    assert!(wrong.to_string().contains("cannot unlock the cache: wrong key or not a Tideline cache"), "{wrong}");
    assert!(Store::open(&path, StoreConfig::default()).is_err());

    let s = Store::open_encrypted(&path, &key, StoreConfig::default()).unwrap();
    assert_eq!(s.customer(CustomerId(1)).unwrap().name, "Ann Lee");
    let id = s.client_id().unwrap();
    assert_eq!(id.len(), 32);
    assert_eq!(s.client_id().unwrap(), id, "made once and kept");
    drop(s);

    Store::wipe(&path).unwrap();
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
    Store::wipe(&path).unwrap();
}

/// The first-sync rate against plain inserts of the same rows (as `tideline bench`
/// measures the loader). A measurement, not a check: run with
/// `cargo test --release -p tideline-store --test store initial_sync_rate -- --ignored --nocapture`.
#[test]
#[ignore]
fn initial_sync_rate() {
    let changes = demo_changes(6_000);
    let rows: usize = changes
        .iter()
        .map(|c| match &c.record {
            RemoteRecord::Customer(c) => 1 + c.identities.len(),
            _ => 1,
        })
        .sum();
    let mut f = empty();
    let start = std::time::Instant::now();
    for page in changes.chunks(2_000) {
        f.store.apply_initial(page, page.last().unwrap().pos, now()).unwrap();
    }
    f.store.finish_initial().unwrap();
    let ours = rows as f64 / start.elapsed().as_secs_f64();

    let dir = tempfile::tempdir().unwrap();
    let mut conn = rusqlite::Connection::open(dir.path().join("raw.db")).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
         CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, created_at INTEGER);
         CREATE TABLE identities (kind TEXT, value TEXT, customer_id INTEGER, PRIMARY KEY (kind, value)) WITHOUT ROWID;
         CREATE TABLE cases (id INTEGER PRIMARY KEY, customer_id INTEGER, doc TEXT);
         CREATE TABLE case_events (id INTEGER PRIMARY KEY, case_id INTEGER, customer_id INTEGER, at INTEGER, doc TEXT);
         CREATE TABLE touchpoints (id INTEGER PRIMARY KEY, customer_id INTEGER, case_id INTEGER, channel TEXT,
             direction TEXT, actor TEXT, occurred_at INTEGER, identity_kind TEXT, identity_value TEXT, summary TEXT,
             body TEXT, facts TEXT);",
    )
    .unwrap();
    let start = std::time::Instant::now();
    let tx = conn.transaction().unwrap();
    {
        let mut cu = tx.prepare("INSERT INTO customers VALUES (?1, ?2, ?3)").unwrap();
        let mut id = tx.prepare("INSERT INTO identities VALUES (?1, ?2, ?3)").unwrap();
        let mut ca = tx.prepare("INSERT INTO cases VALUES (?1, ?2, ?3)").unwrap();
        let mut ev =
            tx.prepare("INSERT INTO case_events (case_id, customer_id, at, doc) VALUES (?1, ?2, ?3, ?4)").unwrap();
        let mut tp =
            tx.prepare("INSERT INTO touchpoints VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)").unwrap();
        for c in &changes {
            match &c.record {
                RemoteRecord::Customer(c) => {
                    cu.execute(rusqlite::params![c.id.0, c.name, c.created_at.as_millisecond()]).unwrap();
                    for i in &c.identities {
                        id.execute(rusqlite::params![i.kind().as_str(), i.value(), c.id.0]).unwrap();
                    }
                }
                RemoteRecord::Case(k) => {
                    ca.execute(rusqlite::params![k.id.0, k.customer_id.0, serde_json::to_string(k).unwrap()]).unwrap();
                }
                RemoteRecord::Event { event: e, .. } => {
                    ev.execute(rusqlite::params![
                        e.case_id.0,
                        e.customer_id.0,
                        e.at.as_millisecond(),
                        serde_json::to_string(&e.kind).unwrap()
                    ])
                    .unwrap();
                }
                RemoteRecord::Touchpoint(t) => {
                    tp.execute(rusqlite::params![
                        t.id.0,
                        t.customer_id.map(|c| c.0),
                        t.case_id.map(|c| c.0),
                        t.channel.as_str(),
                        t.direction.as_str(),
                        serde_json::to_string(&t.actor).unwrap(),
                        t.occurred_at.as_millisecond(),
                        t.identity.as_ref().map(|i| i.kind().as_str()),
                        t.identity.as_ref().map(|i| i.value()),
                        t.summary,
                        t.body,
                        (!t.facts.is_empty()).then(|| serde_json::to_string(&t.facts).unwrap()),
                    ])
                    .unwrap();
                }
            }
        }
    }
    tx.commit().unwrap();
    let raw = rows as f64 / start.elapsed().as_secs_f64();
    println!("initial sync: {rows} rows, {ours:.0} rows/s; raw inserts {raw:.0} rows/s; ratio {:.2}", ours / raw);
}
