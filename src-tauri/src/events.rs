//! Sync events pushed to the window with `app.emit`: the UI listens to these (in
//! `ui/src/api/backend.ts`) instead of polling.

use crate::api::{ChangedEvent, PresenceEvent, SignedOutEvent};
use crate::state::AppState;
use tauri::{AppHandle, Emitter, Manager};
use tideline_sync::client::SyncEvent;

/// Payload `SyncStatus`.
pub const STATUS: &str = "sync:status";
/// Payload `ChangedEvent`: refresh what shows these cases and customers.
pub const CHANGED: &str = "sync:changed";
/// Payload `PresenceEvent`.
pub const PRESENCE: &str = "sync:presence";
/// Payload: how many new notices were stored.
pub const NOTICES: &str = "sync:notices";
/// Payload `SignedOutEvent`: the server ended the session; the console is signed out.
pub const SIGNED_OUT: &str = "sync:signed_out";

pub const SESSION_ENDED: &str = "Your session has ended (it was revoked or expired). Sign in again.";

/// Forwards one engine event to the window. Runs on the engine's thread, so anything
/// slow (signing out, which stops that very engine) goes to a thread of its own.
pub fn forward(app: &AppHandle, event: SyncEvent) {
    // A window that is gone cannot be told; the next command reads the state anyway.
    let _ = match event {
        SyncEvent::Status(s) => {
            if let Some(error) = &s.last_error {
                tracing::warn!(%error, online = s.online, pending = s.pending, "sync");
            }
            app.emit(STATUS, s)
        }
        SyncEvent::Changed { cases, customers } => app.emit(CHANGED, ChangedEvent::new(cases, customers)),
        SyncEvent::Notices(n) => app.emit(NOTICES, n),
        SyncEvent::Presence { case_id, people } => app.emit(PRESENCE, PresenceEvent { case_id, people }),
        SyncEvent::SignedOut => {
            tracing::warn!("the server ended the session");
            let app = app.clone();
            std::thread::spawn(move || {
                let _ = app.state::<AppState>().sign_out(false, Some(SESSION_ENDED.into()));
                let _ = app.emit(SIGNED_OUT, SignedOutEvent { message: SESSION_ENDED.into() });
            });
            Ok(())
        }
    };
}
