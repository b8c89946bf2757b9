use crate::fixture::*;
use tideline_core::mutation::Mutation;
use tideline_core::{Actor, CaseAction, CaseEventKind, CaseId, CaseStatus};
use tideline_store::{QueueFilter, StoreError};

fn case_action(id: i64, action: CaseAction) -> Mutation {
    Mutation::Case { case_id: CaseId(id), action }
}

#[test]
fn every_mutation_is_applied_and_queued_for_sync_together() {
    let mut f = small();
    let sam = Actor::agent("sam");
    let steps = [
        CaseAction::AddNote { body: "Customer is travelling abroad".into() },
        CaseAction::Reply { body: "We have unblocked your card".into() },
        CaseAction::Assign { assignee: Some("kim".into()), queue: Some("cards".into()) },
        CaseAction::Escalate { reason: "Declined three times".into() },
        CaseAction::SetPending,
        CaseAction::Resume,
        CaseAction::Resolve { closure_code: "fixed".into(), summary: "Card unblocked".into() },
        CaseAction::Reopen { reason: "Declined again".into() },
    ];
    for (i, action) in steps.iter().enumerate() {
        let applied = f
            .store
            .apply(&case_action(1, action.clone()), &sam, now() + jiff::SignedDuration::from_mins(i as i64))
            .unwrap();
        assert_eq!(applied.seq, i as i64 + 1);
    }
    let outbox = f.store.outbox(100).unwrap();
    let names: Vec<&str> = outbox.iter().map(|e| e.mutation.name()).collect();
    assert_eq!(names, vec!["add_note", "reply", "assign", "escalate", "set_pending", "resume", "resolve", "reopen"]);
    assert!(outbox.iter().all(|e| e.actor == sam));

    let case = f.store.case(CaseId(1)).unwrap();
    assert_eq!(case.status, CaseStatus::Open);
    assert_eq!((case.assignee.as_deref(), case.escalation_level), (Some("kim"), 1));
    // The history survives a reopen of the file.
    let f = f.reopen();
    let page = f.store.timeline(&tideline_store::TimelineQuery::newest(tideline_core::CustomerId(1), 50)).unwrap();
    let kinds: Vec<&str> = page
        .items
        .iter()
        .filter_map(|i| match i {
            tideline_core::timeline::TimelineItem::CaseEvent { event, .. } => Some(event.kind.name()),
            _ => None,
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            "reopened",
            "resolved",
            "resumed",
            "pending",
            "escalated",
            "assigned",
            "replied",
            "noted",
            "acknowledged",
            "opened"
        ]
    );
}

#[test]
fn a_refused_mutation_changes_nothing_and_queues_nothing() {
    let mut f = small();
    let before = f.store.case(CaseId(2)).unwrap();
    // Case 2 is new: resolving it must be refused, and so must a missing closure code.
    let e = f
        .store
        .apply(
            &case_action(2, CaseAction::Resolve { closure_code: "fixed".into(), summary: "x".into() }),
            &Actor::agent("sam"),
            now(),
        )
        .unwrap_err();
    assert_eq!(e.to_string(), "case CS-2 is new: acknowledge the customer before resolving it");
    f.store.apply(&case_action(2, CaseAction::Acknowledge), &Actor::agent("sam"), now()).unwrap();
    let e = f
        .store
        .apply(
            &case_action(2, CaseAction::Resolve { closure_code: "".into(), summary: "Refunded".into() }),
            &Actor::agent("sam"),
            now(),
        )
        .unwrap_err();
    assert!(matches!(e, StoreError::Case(tideline_core::CaseError::MissingClosureCode { .. })));
    let e = f.store.apply(&case_action(99, CaseAction::Acknowledge), &Actor::agent("sam"), now()).unwrap_err();
    assert_eq!(e.to_string(), "case CS-99 is not in the cache");

    assert_eq!(f.store.outbox(10).unwrap().len(), 1, "only the acknowledgement was queued");
    let after = f.store.case(CaseId(2)).unwrap();
    assert_eq!(after.status, CaseStatus::Open);
    assert_eq!(after.closure, before.closure);
}

#[test]
fn resolving_takes_the_case_out_of_the_queue() {
    let mut f = small();
    let in_queue = |f: &Fixture| -> Vec<i64> {
        f.store.queue(&QueueFilter::default(), None, 50, now()).unwrap().rows.iter().map(|r| r.case.id.0).collect()
    };
    assert!(in_queue(&f).contains(&1));
    let resolve = CaseAction::Resolve { closure_code: "refund_issued".into(), summary: "Refunded the fee".into() };
    let applied = f.store.apply(&case_action(1, resolve), &Actor::agent("sam"), now()).unwrap();
    assert_eq!(
        applied.event.unwrap().kind,
        CaseEventKind::Resolved { closure_code: "refund_issued".into(), summary: "Refunded the fee".into() }
    );
    assert!(!in_queue(&f).contains(&1));
}

/// Retry on a failed reply shows it queued at once and sends the retry to the server;
/// a reply that went out cannot be retried, and nothing is queued for it.
#[test]
fn only_a_failed_reply_can_be_retried() {
    use tideline_core::{Channel, Delivery, Direction, TouchpointId};
    let mut f = empty();
    let mut l = f.store.loader(now()).unwrap();
    l.customer(&customer(1, "Ann Lee", vec![id(tideline_core::IdentityKind::Phone, "020 7946 0018")])).unwrap();
    for (n, delivery) in [
        (1, Delivery::Failed { reason: "The number cannot receive texts.".into(), retryable: true }),
        (2, Delivery::Sent),
    ] {
        let mut t = touchpoint(n, Some(1), Channel::Sms, "2026-03-02T13:30:00Z", "Our reply");
        t.direction = Direction::Outbound;
        t.actor = Actor::agent("sam");
        t.facts.delivery = Some(delivery);
        l.touchpoint(&t).unwrap();
    }
    l.finish().unwrap();
    let delivery = |f: &Fixture, n: i64| {
        let page = f.store.timeline(&tideline_store::TimelineQuery::newest(tideline_core::CustomerId(1), 10)).unwrap();
        page.items.into_iter().find_map(|i| match i {
            tideline_core::timeline::TimelineItem::Touchpoint(t) if t.id == TouchpointId(n) => t.facts.delivery,
            _ => None,
        })
    };

    let sam = Actor::agent("sam");
    f.store.apply(&Mutation::RetryDelivery { touchpoint_id: TouchpointId(1) }, &sam, now()).unwrap();
    assert_eq!(delivery(&f, 1), Some(Delivery::Queued));
    let err = f.store.apply(&Mutation::RetryDelivery { touchpoint_id: TouchpointId(2) }, &sam, now()).unwrap_err();
    assert!(matches!(err, StoreError::NotRetryable(TouchpointId(2))), "{err}");
    assert_eq!(delivery(&f, 2), Some(Delivery::Sent));
    let queued: Vec<&str> = f.store.outbox(10).unwrap().iter().map(|e| e.mutation.name()).collect();
    assert_eq!(queued, ["retry_delivery"]);
}
