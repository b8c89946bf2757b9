//! TypeScript types for the UI, generated from the Rust types with ts-rs into one file,
//! `ui/src/api/types.ts`. The file is committed and never edited by hand: the test
//! `bindings_are_current` fails when it is stale, and `UPDATE_BINDINGS=1 cargo test -p
//! tideline-console bindings` rewrites it.

use ts_rs::{Config, TS};

/// Every type that crosses IPC, in a stable order.
pub fn typescript() -> String {
    // i64 ids and counts fit a JS number (see `tideline_store::load::NO_DUE_KEY`).
    let cfg = Config::new().with_large_int("number");
    let decls: Vec<String> = vec![
        decl::<tideline_core::CustomerId>(&cfg),
        decl::<tideline_core::CaseId>(&cfg),
        decl::<tideline_core::TouchpointId>(&cfg),
        decl::<tideline_core::Channel>(&cfg),
        decl::<tideline_core::Direction>(&cfg),
        decl::<tideline_core::Actor>(&cfg),
        decl::<tideline_core::IdentityKind>(&cfg),
        decl::<tideline_core::Identity>(&cfg),
        decl::<tideline_core::Customer>(&cfg),
        decl::<tideline_core::CallOutcome>(&cfg),
        decl::<tideline_core::Delivery>(&cfg),
        decl::<tideline_core::ChannelFacts>(&cfg),
        decl::<tideline_core::Touchpoint>(&cfg),
        decl::<tideline_core::CaseStatus>(&cfg),
        decl::<tideline_core::Priority>(&cfg),
        decl::<tideline_core::Interval>(&cfg),
        decl::<tideline_core::Closure>(&cfg),
        decl::<tideline_core::Case>(&cfg),
        decl::<tideline_core::CaseAction>(&cfg),
        decl::<tideline_core::CaseEvent>(&cfg),
        decl::<tideline_core::CaseEventKind>(&cfg),
        decl::<tideline_core::mutation::Mutation>(&cfg),
        decl::<tideline_core::ClockKind>(&cfg),
        decl::<tideline_core::ClockState>(&cfg),
        decl::<tideline_core::ClockStatus>(&cfg),
        decl::<tideline_core::queue::QueueKey>(&cfg),
        decl::<tideline_core::timeline::TimelineCursor>(&cfg),
        decl::<tideline_core::timeline::TimelineItem>(&cfg),
        decl::<tideline_core::insight::ChannelHop>(&cfg),
        decl::<tideline_store::QueueFilter>(&cfg),
        decl::<tideline_store::QueueCursor>(&cfg),
        decl::<tideline_store::QueueRow>(&cfg),
        decl::<tideline_store::QueuePage>(&cfg),
        decl::<tideline_store::TimelineQuery>(&cfg),
        decl::<tideline_store::TimelinePage>(&cfg),
        decl::<tideline_store::UnlinkedCursor>(&cfg),
        decl::<tideline_store::UnlinkedPage>(&cfg),
        decl::<tideline_store::CustomerHit>(&cfg),
        decl::<tideline_store::CaseHit>(&cfg),
        decl::<tideline_store::SearchResults>(&cfg),
        decl::<tideline_store::Applied>(&cfg),
        decl::<tideline_store::NoticeKind>(&cfg),
        decl::<tideline_store::Notice>(&cfg),
        decl::<tideline_sync::protocol::Role>(&cfg),
        decl::<tideline_sync::protocol::UserInfo>(&cfg),
        decl::<tideline_sync::protocol::Activity>(&cfg),
        decl::<tideline_sync::protocol::PresenceEntry>(&cfg),
        decl::<tideline_sync::client::SyncStatus>(&cfg),
        decl::<crate::api::ApiError>(&cfg),
        decl::<crate::api::AppStatus>(&cfg),
        decl::<crate::api::ClosureCode>(&cfg),
        decl::<crate::api::ReferenceData>(&cfg),
        decl::<crate::api::CaseSummary>(&cfg),
        decl::<crate::api::CustomerOverview>(&cfg),
        decl::<crate::api::SessionMode>(&cfg),
        decl::<crate::api::SessionInfo>(&cfg),
        decl::<crate::api::ServerCheck>(&cfg),
        decl::<crate::api::TrafficSince>(&cfg),
        decl::<crate::api::ChangedEvent>(&cfg),
        decl::<crate::api::PresenceEvent>(&cfg),
        decl::<crate::api::SignedOutEvent>(&cfg),
    ];
    format!(
        "// Generated from the Rust types by src-tauri/src/bindings.rs. Do not edit.\n\
         // Regenerate: UPDATE_BINDINGS=1 cargo test -p tideline-console bindings\n\n{}\n",
        decls.join("\n\n")
    )
}

fn decl<T: TS>(cfg: &Config) -> String {
    format!("export {}", T::decl(cfg))
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    #[test]
    fn bindings_are_current() {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/api/types.ts");
        let fresh = super::typescript();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &fresh).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == fresh,
            "ui/src/api/types.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p tideline-console bindings`"
        );
    }
}
