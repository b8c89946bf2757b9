//! The Tauri commands: one line each, reading the clock and delegating to `ops`.
//! `#[tauri::command(async)]` keeps SQLite and network work off the UI thread.

use crate::api::{AppStatus, CustomerOverview, ReferenceData, ServerCheck, SessionInfo, TrafficSince};
use crate::ops::{self, Reply};
use crate::state::AppState;
use jiff::Timestamp;
use tauri::State;
use tideline_core::mutation::Mutation;
use tideline_core::{CaseId, CustomerId};
use tideline_store::{
    Applied, Notice, QueueCursor, QueueFilter, QueuePage, SearchResults, TimelinePage, TimelineQuery, UnlinkedCursor,
    UnlinkedPage,
};
use tideline_sync::client::SyncStatus;
use tideline_sync::protocol::Activity;

#[tauri::command(async)]
pub fn app_status(state: State<'_, AppState>) -> Reply<AppStatus> {
    ops::app_status(&state)
}

#[tauri::command(async)]
pub fn reference_data(state: State<'_, AppState>) -> Reply<ReferenceData> {
    ops::reference_data(&state)
}

#[tauri::command(async)]
pub fn queue_page(
    state: State<'_, AppState>,
    filter: QueueFilter,
    after: Option<QueueCursor>,
    limit: usize,
) -> Reply<QueuePage> {
    ops::queue_page(&state, &filter, after, limit, Timestamp::now())
}

#[tauri::command(async)]
pub fn customer_overview(state: State<'_, AppState>, customer: CustomerId) -> Reply<CustomerOverview> {
    ops::customer_overview(&state, customer, Timestamp::now())
}

#[tauri::command(async)]
pub fn timeline_page(
    state: State<'_, AppState>,
    query: TimelineQuery,
    jump_to: Option<Timestamp>,
) -> Reply<TimelinePage> {
    ops::timeline_page(&state, query, jump_to)
}

#[tauri::command(async)]
pub fn unlinked_page(state: State<'_, AppState>, before: Option<UnlinkedCursor>, limit: usize) -> Reply<UnlinkedPage> {
    ops::unlinked_page(&state, before, limit)
}

#[tauri::command(async)]
pub fn search(state: State<'_, AppState>, text: String) -> Reply<SearchResults> {
    ops::search(&state, &text)
}

#[tauri::command(async)]
pub fn apply_mutation(state: State<'_, AppState>, mutation: Mutation, basis: Option<i64>) -> Reply<Applied> {
    ops::apply_mutation(&state, &mutation, basis, Timestamp::now())
}

#[tauri::command(async)]
pub fn session_info(state: State<'_, AppState>) -> Reply<SessionInfo> {
    ops::session_info(&state)
}

#[tauri::command(async)]
pub fn sign_in(state: State<'_, AppState>, server: String, username: String, password: String) -> Reply<SessionInfo> {
    ops::sign_in(&state, &server, &username, &password)
}

#[tauri::command(async)]
pub fn check_server(server: String) -> Reply<ServerCheck> {
    ops::check_server(&server)
}

#[tauri::command(async)]
pub fn explore_demo(state: State<'_, AppState>) -> Reply<SessionInfo> {
    ops::explore_demo(&state)
}

#[tauri::command(async)]
pub fn sign_out(state: State<'_, AppState>) -> Reply<SessionInfo> {
    ops::sign_out(&state)
}

#[tauri::command(async)]
pub fn sync_status(state: State<'_, AppState>) -> Reply<SyncStatus> {
    ops::sync_status(&state)
}

#[tauri::command(async)]
pub fn notices(state: State<'_, AppState>, case_id: Option<CaseId>) -> Reply<Vec<Notice>> {
    ops::notices(&state, case_id)
}

#[tauri::command(async)]
pub fn dismiss_notices(state: State<'_, AppState>, ids: Vec<i64>) -> Reply<()> {
    ops::dismiss_notices(&state, &ids)
}

#[tauri::command(async)]
pub fn set_presence(state: State<'_, AppState>, case_id: Option<CaseId>, activity: Activity) -> Reply<()> {
    ops::set_presence(&state, case_id, activity)
}

#[tauri::command(async)]
pub fn traffic_check(state: State<'_, AppState>, case_id: CaseId, since: TrafficSince) -> Reply<Vec<String>> {
    ops::traffic_check(&state, case_id, &since, Timestamp::now())
}
