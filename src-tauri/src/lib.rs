//! The desktop console's shell: a thin Tauri layer over `tideline-core`,
//! `tideline-store` and the sync engine (`tideline-sync`). Commands (in `commands.rs`)
//! take the state, call the store or the engine, and return their types; sync events
//! reach the window through `events.rs`; secrets live in the OS keyring
//! (`credentials.rs`); the only other logic is keeping IPC responses small (`ipc.rs`).

pub mod api;
pub mod bindings;
mod commands;
pub mod credentials;
pub mod events;
pub mod ipc;
pub mod logging;
pub mod ops;
pub mod site_config;
pub mod state;

use std::sync::Arc;
use tauri::Manager;

pub fn run() {
    tauri::Builder::default()
        .setup(|app| {
            let dir = state::data_dir(app.path().app_data_dir().ok())?;
            logging::init(&dir);
            tracing::info!(version = env!("CARGO_PKG_VERSION"), data = %dir.display(), "console starting");
            let handle = app.handle().clone();
            let on_sync: state::OnSync = Arc::new(move |e| events::forward(&handle, e));
            app.manage(state::AppState::start(&dir, on_sync)?);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_status,
            commands::reference_data,
            commands::queue_page,
            commands::customer_overview,
            commands::timeline_page,
            commands::unlinked_page,
            commands::search,
            commands::apply_mutation,
            commands::session_info,
            commands::sign_in,
            commands::sign_out,
            commands::check_server,
            commands::explore_demo,
            commands::sync_status,
            commands::notices,
            commands::dismiss_notices,
            commands::set_presence,
            commands::traffic_check,
        ])
        .run(tauri::generate_context!("../tauri.conf.json"))
        .expect("the console could not start");
}
