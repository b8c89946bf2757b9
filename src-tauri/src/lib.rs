//! The desktop console's shell: a thin Tauri layer over `tideline-core` and
//! `tideline-store`. Commands (in `commands.rs`) take the state, call the store, and
//! return its types; the only logic here is keeping IPC responses small (`ipc.rs`).

pub mod api;
pub mod bindings;
mod commands;
pub mod ipc;
pub mod ops;
pub mod state;

use tauri::Manager;

pub fn run() {
    tauri::Builder::default()
        .setup(|app| {
            let dir = state::data_dir(app.path().app_data_dir().ok())?;
            app.manage(state::AppState::open_or_seed(&dir)?);
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
        ])
        .run(tauri::generate_context!("../tauri.conf.json"))
        .expect("the console could not start");
}
