use crate::fixture::*;
use jiff::SignedDuration;
use tideline_core::queue::QueueKey;
use tideline_core::{CaseAction, CaseStatus, Channel, Priority};
use tideline_store::QueueFilter;

/// Twelve active cases on every kind of channel and priority, opened at different
/// times, plus one resolved and one pending case.
fn busy() -> Fixture {
    let mut f = small();
    let mut l = f.store.loader(now()).unwrap();
    let channels = Channel::ALL;
    for i in 0..12i64 {
        let channel = channels[i as usize % channels.len()];
        let priority = Priority::ALL[i as usize % 4];
        let (c, e) = new_case(10 + i, 2, channel, priority, SignedDuration::from_mins(7 * i + 1));
        l.case(&c).unwrap();
        l.event(&e).unwrap();
    }
    let (c, e) = new_case(40, 2, Channel::Chat, Priority::Urgent, SignedDuration::from_mins(50));
    let (c, _) = step(&c, CaseAction::Acknowledge, now() - SignedDuration::from_mins(45));
    let (pending, _) = step(&c, CaseAction::SetPending, now() - SignedDuration::from_mins(40));
    l.case(&pending).unwrap();
    l.event(&e).unwrap();
    let (c, e) = new_case(41, 2, Channel::Chat, Priority::Urgent, SignedDuration::from_mins(50));
    let (c, _) = step(&c, CaseAction::Acknowledge, now() - SignedDuration::from_mins(45));
    let resolve = CaseAction::Resolve { closure_code: "fixed".into(), summary: "Sorted".into() };
    let (resolved, _) = step(&c, resolve, now() - SignedDuration::from_mins(40));
    l.case(&resolved).unwrap();
    l.event(&e).unwrap();
    l.finish().unwrap();
    f
}

#[test]
fn the_queue_is_ordered_by_time_to_breach_then_priority() {
    let f = busy();
    let page = f.store.queue(&QueueFilter::default(), None, 100, now()).unwrap();
    let keys: Vec<QueueKey> = page.rows.iter().map(|r| r.key).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    let ids: Vec<i64> = page.rows.iter().map(|r| r.case.id.0).collect();
    assert!(!ids.contains(&41), "a resolved case is not in the queue");
    assert_eq!(ids.last(), Some(&40), "a pending case, its clocks paused, comes last");
    assert_eq!(ids.len(), 12 + 2 + 1);
    // The order really is by due time: every row's most urgent clock is due no later
    // than the next row's.
    for w in page.rows.windows(2) {
        if let (Some(a), Some(b)) = (w[0].key.due_at, w[1].key.due_at) {
            assert!(a <= b);
        }
    }
}

#[test]
fn keyset_pages_cover_the_queue_exactly_once() {
    let f = busy();
    let all: Vec<i64> =
        f.store.queue(&QueueFilter::default(), None, 100, now()).unwrap().rows.iter().map(|r| r.case.id.0).collect();
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = f.store.queue(&QueueFilter::default(), after, 4, now()).unwrap();
        seen.extend(page.rows.iter().map(|r| r.case.id.0));
        match page.next {
            Some(c) => after = Some(c),
            None => break,
        }
    }
    assert_eq!(seen, all);
}

#[test]
fn filters_narrow_the_queue() {
    let f = busy();
    let q = |filter: QueueFilter| -> Vec<i64> {
        f.store.queue(&filter, None, 100, now()).unwrap().rows.iter().map(|r| r.case.id.0).collect()
    };
    let social = q(QueueFilter { channels: Some(vec![Channel::X, Channel::Instagram]), ..Default::default() });
    assert!(!social.is_empty());
    for id in &social {
        let c = f.store.case(tideline_core::CaseId(*id)).unwrap();
        assert!(matches!(c.channel, Channel::X | Channel::Instagram));
    }
    let urgent = q(QueueFilter { priorities: Some(vec![Priority::Urgent]), ..Default::default() });
    assert_eq!(urgent.len(), 4, "three new urgent cases and the pending one");
    let pending = q(QueueFilter { statuses: Some(vec![CaseStatus::Pending]), ..Default::default() });
    assert_eq!(pending, vec![40]);
    assert_eq!(q(QueueFilter { assignee: Some("nobody".into()), ..Default::default() }), Vec::<i64>::new());
}

#[test]
fn my_cases_come_from_the_assignee_filter() {
    let mut f = busy();
    let assign = CaseAction::Assign { assignee: Some("kim".into()), queue: None };
    for id in [12, 15] {
        let m = tideline_core::mutation::Mutation::Case { case_id: tideline_core::CaseId(id), action: assign.clone() };
        f.store.apply(&m, &tideline_core::Actor::agent("lead"), now()).unwrap();
    }
    let mine =
        f.store.queue(&QueueFilter { assignee: Some("kim".into()), ..Default::default() }, None, 10, now()).unwrap();
    let mut ids: Vec<i64> = mine.rows.iter().map(|r| r.case.id.0).collect();
    ids.sort();
    assert_eq!(ids, vec![12, 15]);
    assert_eq!(f.store.busiest_assignee().unwrap().as_deref(), Some("kim"));
}
