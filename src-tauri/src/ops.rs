//! What each command does, as plain functions over `AppState`, so tests can call them
//! without a window. Each is a short adapter over the store and the sync engine; no
//! business logic here.

use crate::api::{
    ApiError, AppStatus, CaseSummary, ClosureCode, CustomerOverview, ReferenceData, ServerCheck, SessionInfo,
    TrafficSince,
};
use crate::ipc;
use crate::state::AppState;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use tideline_core::insight::channel_hops;
use tideline_core::mutation::Mutation;
use tideline_core::sla::case_clocks;
use tideline_core::timeline::TimelineItem;
use tideline_core::{Actor, CaseEventKind, CaseId, CustomerId, Direction};
use tideline_store::{
    Applied, CustomerHit, Notice, QueueCursor, QueueFilter, QueuePage, SearchResults, StoreError, TimelinePage,
    TimelineQuery, UnlinkedCursor, UnlinkedPage,
};
use tideline_sync::client::SyncStatus;
use tideline_sync::protocol::Activity;

pub type Reply<T> = Result<T, ApiError>;

/// Queue rows carry whole cases (about 1 KB each): 40 stay well inside the IPC budget.
pub const MAX_QUEUE_PAGE: usize = 40;

/// The most notices one response carries (with messages clipped to
/// `MAX_NOTICE_CHARS`, about 40 KB at most); the rest come once these are dismissed.
pub const MAX_NOTICES: usize = 40;
pub const MAX_NOTICE_CHARS: usize = 800;
/// The most sentences the traffic cop lists.
pub const MAX_TRAFFIC: usize = 8;

pub fn app_status(state: &AppState) -> Reply<AppStatus> {
    let (online, pending) = match state.engine() {
        Some(engine) => {
            let s = engine.status();
            (s.online, s.pending)
        }
        None => (false, state.store().map(|s| s.counts().map(|c| c.outbox)).unwrap_or(Ok(0))?),
    };
    Ok(AppStatus { online, pending, user: state.user(), demo: state.is_demo() })
}

pub fn session_info(state: &AppState) -> Reply<SessionInfo> {
    Ok(state.session_info())
}

pub fn sign_in(state: &AppState, server: &str, username: &str, password: &str) -> Reply<SessionInfo> {
    // The log names the server and the user, never the password.
    match state.sign_in(server, username, password) {
        Ok(()) => tracing::info!(server = server.trim(), user = username.trim(), "signed in"),
        Err(e) => {
            tracing::warn!(server = server.trim(), user = username.trim(), error = %e.message, "sign-in failed");
            return Err(e);
        }
    }
    Ok(state.session_info())
}

/// Does `server` answer as a Tideline server this console can talk to?
pub fn check_server(server: &str) -> Reply<ServerCheck> {
    let server = crate::state::normalise_server(server);
    let v = tideline_sync::client::check_server(&server).map_err(|e| {
        tracing::warn!(%server, error = %e, "server check failed");
        ApiError::new(e.to_string())
    })?;
    tracing::info!(%server, version = %v.version, protocol = v.protocol, "server checked");
    Ok(ServerCheck { server, version: v.version })
}

pub fn explore_demo(state: &AppState) -> Reply<SessionInfo> {
    state.explore_demo()?;
    tracing::info!("demo chosen");
    Ok(state.session_info())
}

pub fn sign_out(state: &AppState) -> Reply<SessionInfo> {
    state.sign_out(true, None)?;
    tracing::info!("signed out");
    Ok(state.session_info())
}

pub fn sync_status(state: &AppState) -> Reply<SyncStatus> {
    match state.engine() {
        Some(engine) => Ok(engine.status()),
        None => Err(ApiError::new("Not signed in to a server, so there is nothing to sync.")),
    }
}

/// Unseen notices, oldest first; with `case_id`, every notice about that case.
pub fn notices(state: &AppState, case_id: Option<CaseId>) -> Reply<Vec<Notice>> {
    let store = state.store()?;
    let mut list = match case_id {
        // A case's history: its newest notices.
        Some(id) => {
            let all = store.notices_for_case(id)?;
            all[all.len().saturating_sub(MAX_NOTICES)..].to_vec()
        }
        None => store.unseen_notices(MAX_NOTICES)?,
    };
    for n in &mut list {
        clip(&mut n.message, MAX_NOTICE_CHARS);
    }
    Ok(list)
}

pub fn dismiss_notices(state: &AppState, ids: &[i64]) -> Reply<()> {
    Ok(state.store()?.mark_notices_seen(ids)?)
}

/// Tells colleagues which case this agent has open. Nothing to tell in the demo.
pub fn set_presence(state: &AppState, case_id: Option<CaseId>, activity: Activity) -> Reply<()> {
    if let Some(engine) = state.engine() {
        engine.set_presence(case_id, activity);
    }
    Ok(())
}

/// The traffic cop: what the cache holds on this case that is newer than the view the
/// agent is replying from, by anyone but them, as sentences ("Kim replied at 14:05",
/// "The customer wrote again at 14:07"). Empty when nothing is.
pub fn traffic_check(state: &AppState, case_id: CaseId, since: &TrafficSince, now: Timestamp) -> Reply<Vec<String>> {
    let me = state.user();
    let store = state.store()?;
    let version = store.case_version(case_id)?;
    let synced_since = match (since.version, version) {
        (Some(seen), Some(now)) => now > seen,
        _ => false,
    };
    if since.version.is_some() && version.is_some() && !synced_since {
        return Ok(Vec::new()); // the server has nothing newer for this case
    }
    let case = store.case(case_id)?;
    let page = store.timeline(&TimelineQuery {
        customer: case.customer_id,
        before: None,
        limit: 50,
        case: Some(case_id),
        channels: None,
    })?;
    let tz = TimeZone::system();
    let when = |at: Timestamp| clock_time(at, now, &tz);
    let mut out: Vec<String> = Vec::new();
    // Oldest first reads as a story.
    for item in page.items.iter().rev().filter(|i| i.at() > since.at) {
        let line = match item {
            TimelineItem::Touchpoint(t) if t.direction == Direction::Inbound => {
                Some(format!("The customer wrote again at {}", when(t.occurred_at)))
            }
            TimelineItem::Touchpoint(_) => None,
            TimelineItem::CaseEvent { event, .. } => match (&event.actor, &event.kind) {
                (_, CaseEventKind::CustomerMessage) => Some(format!("The customer wrote again at {}", when(event.at))),
                (Actor::Agent(who), _) if *who == me => None,
                (Actor::Agent(who), kind) => verb(kind).map(|v| format!("{who} {v} at {}", when(event.at))),
                (_, kind) => verb(kind).map(|v| format!("An automatic rule {v} at {}", when(event.at))),
            },
        };
        if let Some(line) = line
            && !out.contains(&line)
        {
            out.push(line);
        }
    }
    if out.is_empty() && synced_since {
        out.push("Someone else changed this case since you opened it".into());
    }
    out.truncate(MAX_TRAFFIC);
    Ok(out)
}

/// "replied", "resolved the case", …; `None` for what does not matter to a reply.
fn verb(kind: &CaseEventKind) -> Option<&'static str> {
    Some(match kind {
        CaseEventKind::Replied { .. } => "replied",
        CaseEventKind::Noted { .. } => "added a note",
        CaseEventKind::Assigned { .. } => "reassigned the case",
        CaseEventKind::Escalated { .. } => "escalated the case",
        CaseEventKind::Resolved { .. } => "resolved the case",
        CaseEventKind::Closed => "closed the case",
        CaseEventKind::Reopened { .. } => "reopened the case",
        CaseEventKind::Pending => "set the case pending",
        CaseEventKind::PriorityChanged { .. } => "changed the priority",
        CaseEventKind::Acknowledged
        | CaseEventKind::Opened { .. }
        | CaseEventKind::Resumed
        | CaseEventKind::CustomerMessage
        | CaseEventKind::FlaggedRepeatContact => return None,
    })
}

/// "14:05" today, "Mon 2 Mar 14:05" before, in the agent's time zone.
fn clock_time(at: Timestamp, now: Timestamp, tz: &TimeZone) -> String {
    let (a, n) = (at.to_zoned_datetime(tz.clone()), now.to_zoned_datetime(tz.clone()));
    if a.date() == n.date() { a.strftime("%H:%M").to_string() } else { a.strftime("%a %-d %b %H:%M").to_string() }
}

fn clip(s: &mut String, max: usize) {
    if s.len() > max {
        let mut cut = max;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push('…');
    }
}

pub fn reference_data(state: &AppState) -> Reply<ReferenceData> {
    let store = state.store()?;
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
    Ok(state.store()?.queue(filter, after, limit.min(MAX_QUEUE_PAGE), now)?)
}

/// A customer outside the cache's scope is fetched from the server on demand, and kept.
pub fn customer_overview(state: &AppState, customer: CustomerId, now: Timestamp) -> Reply<CustomerOverview> {
    match overview(state, customer, now) {
        Err(OverviewError::NotCached(e)) => match state.engine() {
            Some(engine) => {
                engine.fetch_customer(customer).map_err(|e| ApiError::new(e.to_string()))?;
                overview(state, customer, now).map_err(OverviewError::into_api)
            }
            None => Err(e),
        },
        r => r.map_err(OverviewError::into_api),
    }
}

enum OverviewError {
    NotCached(ApiError),
    Other(ApiError),
}

impl OverviewError {
    fn into_api(self) -> ApiError {
        match self {
            OverviewError::NotCached(e) | OverviewError::Other(e) => e,
        }
    }
}

impl From<StoreError> for OverviewError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { what: "customer", .. } => OverviewError::NotCached(e.into()),
            e => OverviewError::Other(e.into()),
        }
    }
}

impl From<ApiError> for OverviewError {
    fn from(e: ApiError) -> Self {
        OverviewError::Other(e)
    }
}

fn overview(state: &AppState, customer: CustomerId, now: Timestamp) -> Result<CustomerOverview, OverviewError> {
    let store = state.store()?;
    let found = store.customer(customer)?;
    let policy = &store.config().sla;
    let mut cases = Vec::new();
    for case in store.customer_cases(customer)? {
        let version = store.case_version(case.id)?;
        cases.push(CaseSummary { clocks: case_clocks(&case, policy, now), case, version });
    }
    let hops = channel_hops(&store.case_contacts(customer)?, policy.calendar.time_zone());
    Ok(CustomerOverview { customer: found, cases, hops, touchpoints: store.touchpoint_count(customer)? })
}

/// `jump_to` starts the page at the newest item before that instant.
pub fn timeline_page(state: &AppState, mut query: TimelineQuery, jump_to: Option<Timestamp>) -> Reply<TimelinePage> {
    if let Some(at) = jump_to {
        query.before = TimelineQuery::before_time(query.customer, at, query.limit).before;
    }
    Ok(ipc::fit_timeline(state.store()?.timeline(&query)?))
}

pub fn unlinked_page(state: &AppState, before: Option<UnlinkedCursor>, limit: usize) -> Reply<UnlinkedPage> {
    let mut page = state.store()?.unlinked(before, limit.min(50))?;
    page.items.iter_mut().for_each(|t| ipc::clip_body(t, ipc::MAX_LISTED_BODY));
    Ok(page)
}

/// Finds in the cache; when it knows no such customer, asks the server (an identity
/// or a name outside the agent's scope).
pub fn search(state: &AppState, text: &str) -> Reply<SearchResults> {
    let mut r = state.store()?.search(text, 8)?;
    r.touchpoints.iter_mut().for_each(|t| ipc::clip_body(t, 300));
    if r.customers.is_empty()
        && text.trim().chars().count() >= 3
        && let Some(engine) = state.engine()
        && let Ok(found) = engine.find_remote(text.trim())
    {
        r.customers =
            found.into_iter().take(8).map(|c| CustomerHit { id: c.id, name: c.name, matched_identity: None }).collect();
    }
    Ok(r)
}

/// Applies locally (recording the view's `basis` for the server's traffic cop), then
/// asks the engine to push at once.
pub fn apply_mutation(state: &AppState, mutation: &Mutation, basis: Option<i64>, now: Timestamp) -> Reply<Applied> {
    let actor = Actor::agent(state.user());
    let applied = state.store()?.apply_with_basis(mutation, &actor, now, basis)?;
    if let Some(engine) = state.engine() {
        engine.sync_now();
    }
    Ok(applied)
}
