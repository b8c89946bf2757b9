//! The Tauri commands: one line each, reading the clock and delegating to `ops`.
//! `#[tauri::command(async)]` keeps SQLite work off the UI thread.

use crate::api::{AppStatus, CustomerOverview, ReferenceData};
use crate::ops::{self, Reply};
use crate::state::AppState;
use jiff::Timestamp;
use tauri::State;
use tideline_core::CustomerId;
use tideline_core::mutation::Mutation;
use tideline_store::{
    Applied, QueueCursor, QueueFilter, QueuePage, SearchResults, TimelinePage, TimelineQuery, UnlinkedCursor,
    UnlinkedPage,
};

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
pub fn apply_mutation(state: State<'_, AppState>, mutation: Mutation) -> Reply<Applied> {
    ops::apply_mutation(&state, &mutation, Timestamp::now())
}
