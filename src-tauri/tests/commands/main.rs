//! The console's commands against a real seeded cache, without a window: what each one
//! returns, and that no response breaks the IPC size budget.

use jiff::Timestamp;
use tideline_console::ipc::MAX_RESPONSE_BYTES;
use tideline_console::ops;
use tideline_console::state::AppState;
use tideline_core::mutation::Mutation;
use tideline_core::timeline::TimelineItem;
use tideline_core::{CaseAction, CaseStatus, CustomerId};
use tideline_store::{QueueFilter, TimelineQuery};

mod first_run;
mod secrets;
mod session;
mod sync;

fn seeded() -> (tempfile::TempDir, AppState) {
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::open_or_seed(dir.path()).unwrap();
    (dir, state)
}

fn json_len<T: serde::Serialize>(v: &T) -> usize {
    serde_json::to_string(v).unwrap().len()
}

#[test]
fn a_fresh_console_seeds_the_demo_and_reopens_it() {
    let (dir, state) = seeded();
    let status = ops::app_status(&state).unwrap();
    assert!(status.demo && !status.online);
    assert_eq!(status.pending, 0);
    // The demo signs in as an agent with work: "My cases" is not empty.
    let mine = QueueFilter { assignee: Some(status.user.clone()), ..Default::default() };
    assert!(!ops::queue_page(&state, &mine, None, 40, Timestamp::now()).unwrap().rows.is_empty());
    let first = ops::queue_page(&state, &QueueFilter::default(), None, 10, Timestamp::now()).unwrap();
    drop(state);
    // The second start opens the same cache instead of seeding again.
    let again = AppState::open_or_seed(dir.path()).unwrap();
    let second = ops::queue_page(&again, &QueueFilter::default(), None, 10, Timestamp::now()).unwrap();
    assert_eq!(ops::app_status(&again).unwrap().user, status.user, "the demo user stays the same");
    let ids = |p: &tideline_store::QueuePage| p.rows.iter().map(|r| r.case.id).collect::<Vec<_>>();
    assert_eq!(ids(&first), ids(&second));
}

#[test]
fn queue_pages_stay_under_the_ipc_budget_even_when_asked_for_more() {
    let (_d, state) = seeded();
    let page = ops::queue_page(&state, &QueueFilter::default(), None, 10_000, Timestamp::now()).unwrap();
    assert_eq!(page.rows.len(), ops::MAX_QUEUE_PAGE);
    assert!(page.next.is_some());
    assert!(json_len(&page) < MAX_RESPONSE_BYTES, "{} bytes", json_len(&page));
}

#[test]
fn timeline_pages_fit_the_budget_and_page_on_without_gaps() {
    let (_d, state) = seeded();
    // The customer with the longest history.
    let busiest = (1..=300)
        .map(|c| (ops::customer_overview(&state, CustomerId(c), Timestamp::now()).unwrap().touchpoints, c))
        .max()
        .unwrap()
        .1;
    let mut q = TimelineQuery::newest(CustomerId(busiest), 200);
    let mut seen = Vec::new();
    loop {
        let page = ops::timeline_page(&state, q.clone(), None).unwrap();
        assert!(json_len(&page) < MAX_RESPONSE_BYTES);
        seen.extend(page.items.iter().map(TimelineItem::cursor));
        match page.next {
            Some(c) => q.before = Some(c),
            None => break,
        }
    }
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    sorted.dedup();
    assert_eq!(seen, sorted, "newest first, no repeats");
    let overview = ops::customer_overview(&state, CustomerId(busiest), Timestamp::now()).unwrap();
    let touchpoints = seen.iter().filter(|c| c.rank == 1).count() as i64;
    assert_eq!(touchpoints, overview.touchpoints, "every touchpoint shows up once");
}

#[test]
fn jump_to_date_starts_before_that_day() {
    let (_d, state) = seeded();
    let q = TimelineQuery::newest(CustomerId(1), 50);
    let all = ops::timeline_page(&state, q.clone(), None).unwrap();
    let middle = all.items[all.items.len() / 2].at();
    let page = ops::timeline_page(&state, q, Some(middle)).unwrap();
    assert!(page.items.iter().all(|i| i.at() < middle));
}

#[test]
fn resolving_through_the_command_needs_a_code_and_takes_the_case_off_the_queue() {
    let (_d, state) = seeded();
    let now = Timestamp::now();
    let open = ops::queue_page(
        &state,
        &QueueFilter { statuses: Some(vec![CaseStatus::Open]), ..Default::default() },
        None,
        1,
        now,
    )
    .unwrap()
    .rows
    .remove(0)
    .case;
    let resolve = |code: &str| Mutation::Case {
        case_id: open.id,
        action: CaseAction::Resolve { closure_code: code.into(), summary: "Card unblocked".into() },
    };
    let e = ops::apply_mutation(&state, &resolve(""), None, now).unwrap_err();
    assert!(e.message.starts_with("resolving needs a closure code (one of: fixed,"), "{}", e.message);
    let applied = ops::apply_mutation(&state, &resolve("fixed"), None, now).unwrap();
    assert_eq!(applied.seq, 1);
    let queue = ops::queue_page(&state, &QueueFilter::default(), None, 40, now).unwrap();
    assert!(queue.rows.iter().all(|r| r.case.id != open.id));
    assert_eq!(ops::app_status(&state).unwrap().pending, 1);
}

#[test]
fn search_finds_a_customer_by_a_local_phone_number() {
    let (_d, state) = seeded();
    let overview = ops::customer_overview(&state, CustomerId(2), Timestamp::now()).unwrap();
    let phone = overview.customer.identities.iter().find(|i| i.kind() == tideline_core::IdentityKind::Phone).unwrap();
    let local = phone.value().replacen("+44", "0", 1);
    let r = ops::search(&state, &local).unwrap();
    assert_eq!(r.customers.first().map(|c| c.id), Some(CustomerId(2)));
    assert!(json_len(&r) < MAX_RESPONSE_BYTES);
}

#[test]
fn the_overview_marks_channel_hops_and_lists_cases() {
    let (_d, state) = seeded();
    let with_hops = (1..=300)
        .map(|c| ops::customer_overview(&state, CustomerId(c), Timestamp::now()).unwrap())
        .find(|o| !o.hops.is_empty())
        .expect("the demo has channel hoppers");
    let hop = &with_hops.hops[0];
    assert_ne!(hop.from_channel, hop.to_channel);
    assert!(hop.description.contains(" then "), "{}", hop.description);
    assert!(with_hops.cases.iter().any(|c| c.case.id == hop.case_id));
    assert!(ops::reference_data(&state).unwrap().closure_codes.iter().any(|c| c.code == "fixed"));
}
