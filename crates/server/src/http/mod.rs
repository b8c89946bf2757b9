//! The HTTP layer: the router (every `/v1` path, the body limit, JSON errors for unknown
//! paths), the state handlers reach, extractors, the error mapping and thin routes.
//! **Invariant:** no SQL here; handlers parse, call `domain`, `ingest` or `outbound`,
//! and reply.

pub mod error;
pub mod extract;
pub mod live;
mod routes;
pub mod webhooks;

use crate::domain::live::Hub;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::response::IntoResponse;
use axum::routing::{get, post, put};
use deadpool_postgres::Pool;
use error::ApiError;
use std::sync::Arc;
use std::time::Duration;
use tideline_core::IdentityContext;
use tideline_sync::protocol::{MAX_REQUEST_BYTES, MIN_PROTOCOL, PROTOCOL_HEADER};

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub hub: Arc<Hub>,
    pub token_ttl: Duration,
    pub identities: IdentityContext,
    /// The URL providers reach this server at (behind a proxy, not our listen address):
    /// Twilio signs the URL it called.
    pub public_url: String,
    /// Woken when this instance stores an inbox event, so its ingest workers start now.
    pub ingest_wake: Arc<tokio::sync::Notify>,
    /// Stores verified webhook events, many to a commit.
    pub acceptor: crate::ingest::acceptor::Acceptor,
    pub channels: Arc<crate::ingest::channel_cache::ChannelCache>,
    /// Peers whose `X-Forwarded-For` is believed ([`extract::ClientAddr`]).
    pub trusted_proxies: Arc<Vec<std::net::IpAddr>>,
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/v1/version", get(routes::version))
        .route("/v1/session", post(routes::sign_in).delete(routes::sign_out))
        .route("/v1/me", get(routes::me))
        .route("/v1/reference", get(routes::reference))
        .route("/v1/push", post(routes::push))
        .route("/v1/pull", get(routes::pull))
        .route("/v1/customers", get(routes::find_customers))
        .route("/v1/customers/{id}/history", get(routes::history))
        .route("/v1/audit", get(routes::audit))
        .route("/v1/config/closure-codes", put(routes::set_closure_codes))
        .route("/v1/live", get(live::upgrade))
        .merge(webhooks::router())
        .fallback(|| async { ApiError::not_found("There is no such endpoint.") })
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES))
        .layer(axum::middleware::from_fn(refuse_old_consoles))
        .with_state(state)
}

/// A console that says it speaks a protocol older than [`MIN_PROTOCOL`] gets one clear
/// sentence instead of replies it would misread. Requests without the header (scripts,
/// providers' webhooks) pass.
async fn refuse_old_consoles(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let sent = req.headers().get(PROTOCOL_HEADER).and_then(|v| v.to_str().ok()?.trim().parse::<u32>().ok());
    match sent {
        Some(p) if p < MIN_PROTOCOL => {
            tracing::warn!(protocol = p, "console too old");
            ApiError::new(
                axum::http::StatusCode::UPGRADE_REQUIRED,
                "console_too_old",
                format!(
                    "This console is too old for the server (it speaks protocol {p}; the server needs {MIN_PROTOCOL} or newer). Update Tideline, or ask your IT team to."
                ),
            )
            .into_response()
        }
        _ => next.run(req).await,
    }
}
