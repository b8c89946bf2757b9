//! What each command does, as plain functions over `AppState`, so tests can call them
//! without a window. Each is a short adapter over the store; no business logic here.

use crate::api::{ApiError, AppStatus, CaseSummary, ClosureCode, CustomerOverview, ReferenceData};
use crate::ipc;
use crate::state::AppState;
use jiff::Timestamp;
use tideline_core::insight::channel_hops;
use tideline_core::mutation::Mutation;
use tideline_core::sla::case_clocks;
use tideline_core::{Actor, CustomerId};
use tideline_store::{
    Applied, QueueCursor, QueueFilter, QueuePage, SearchResults, TimelinePage, TimelineQuery, UnlinkedCursor,
    UnlinkedPage,
};

pub type Reply<T> = Result<T, ApiError>;

/// Queue rows carry whole cases (about 1 KB each): 40 stay well inside the IPC budget.
pub const MAX_QUEUE_PAGE: usize = 40;

pub fn app_status(state: &AppState) -> Reply<AppStatus> {
    let pending = state.store().counts()?.outbox;
    Ok(AppStatus { online: false, pending, user: state.user.clone(), demo: state.demo })
}

pub fn reference_data(state: &AppState) -> Reply<ReferenceData> {
    let store = state.store();
    Ok(ReferenceData {
        closure_codes: store
            .config()
            .closure_codes
            .codes()
            .map(|(c, l)| ClosureCode { code: c.into(), label: l.into() })
            .collect(),
        agents: tideline_demo::agents().iter().map(|s| s.to_string()).collect(),
        queues: tideline_demo::queues().iter().map(|s| s.to_string()).collect(),
    })
}

pub fn queue_page(
    state: &AppState,
    filter: &QueueFilter,
    after: Option<QueueCursor>,
    limit: usize,
    now: Timestamp,
) -> Reply<QueuePage> {
    Ok(state.store().queue(filter, after, limit.min(MAX_QUEUE_PAGE), now)?)
}

pub fn customer_overview(state: &AppState, customer: CustomerId, now: Timestamp) -> Reply<CustomerOverview> {
    let store = state.store();
    let policy = &store.config().sla;
    let cases = store
        .customer_cases(customer)?
        .into_iter()
        .map(|case| CaseSummary { clocks: case_clocks(&case, policy, now), case })
        .collect();
    let hops = channel_hops(&store.case_contacts(customer)?, policy.calendar.time_zone());
    Ok(CustomerOverview {
        customer: store.customer(customer)?,
        cases,
        hops,
        touchpoints: store.touchpoint_count(customer)?,
    })
}

/// `jump_to` starts the page at the newest item before that instant.
pub fn timeline_page(state: &AppState, mut query: TimelineQuery, jump_to: Option<Timestamp>) -> Reply<TimelinePage> {
    if let Some(at) = jump_to {
        query.before = TimelineQuery::before_time(query.customer, at, query.limit).before;
    }
    Ok(ipc::fit_timeline(state.store().timeline(&query)?))
}

pub fn unlinked_page(state: &AppState, before: Option<UnlinkedCursor>, limit: usize) -> Reply<UnlinkedPage> {
    let mut page = state.store().unlinked(before, limit.min(50))?;
    page.items.iter_mut().for_each(|t| ipc::clip_body(t, ipc::MAX_LISTED_BODY));
    Ok(page)
}

pub fn search(state: &AppState, text: &str) -> Reply<SearchResults> {
    let mut r = state.store().search(text, 8)?;
    r.touchpoints.iter_mut().for_each(|t| ipc::clip_body(t, 300));
    Ok(r)
}

pub fn apply_mutation(state: &AppState, mutation: &Mutation, now: Timestamp) -> Reply<Applied> {
    let actor = Actor::agent(state.user.clone());
    Ok(state.store().apply(mutation, &actor, now)?)
}
