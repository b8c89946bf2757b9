//! Provider webhooks: `POST /v1/webhooks/{twilio-voice|twilio-sms|web|branch}/{channel}`.
//!
//! Each handler, in this order: the channel must be configured (404); the signature is
//! checked over the raw bytes (403); the body must parse into the provider's typed
//! event (400); bodies over [`MAX_WEBHOOK_BYTES`] get 413. An event type we do not
//! handle is answered 200, logged and dropped, so the provider does not retry it
//! forever. Only a stored event is answered 2xx ([`crate::ingest::accept`]).

use crate::db::channels::{ChannelConfig, ChannelKind};
use crate::domain::users::DEFAULT_TENANT;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::ingest::Accepted;
use crate::ingest::acceptor::Event;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use tideline_channels::{VerifyError, branch, twilio, web};

/// The largest webhook body read. Providers send a few KiB; a chat transcript at most
/// the 64 KiB a touchpoint body holds, plus its JSON.
pub const MAX_WEBHOOK_BYTES: usize = 256 * 1024;

/// Twilio reads the answer to a messaging webhook as TwiML: an empty one sends nothing.
const EMPTY_TWIML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/webhooks/twilio-voice/{channel}", post(twilio_voice))
        .route("/v1/webhooks/twilio-sms/{channel}", post(twilio_sms))
        .route("/v1/webhooks/web/{channel}", post(website))
        .route("/v1/webhooks/branch/{channel}", post(branch_system))
        .layer(DefaultBodyLimit::max(MAX_WEBHOOK_BYTES))
}

fn body(b: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    b.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::too_large(format!("A webhook body is at most {} KiB.", MAX_WEBHOOK_BYTES / 1024))
        } else {
            ApiError::bad_request(format!("The body could not be read: {}", r.body_text()))
        }
    })
}

async fn configured(state: &AppState, name: &str, kind: ChannelKind) -> Result<ChannelConfig, ApiError> {
    match state.channels.get(&state.pool, DEFAULT_TENANT, name).await? {
        Some(c) if c.kind == kind => Ok(c),
        _ => Err(ApiError::not_found(format!("No {kind} channel named `{name}` is configured."))),
    }
}

fn refused(e: VerifyError) -> ApiError {
    let code = if matches!(e, VerifyError::Stale { .. }) { "stale_request" } else { "bad_signature" };
    ApiError::new(StatusCode::FORBIDDEN, code, format!("Refused: {e}."))
}

fn malformed(e: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(format!("The body is not a valid event: {e}."))
}

async fn store(state: &AppState, cfg: &ChannelConfig, event_id: &str, payload: &[u8]) -> Result<(), ApiError> {
    let event = Event {
        tenant: DEFAULT_TENANT.to_string(),
        channel: cfg.name.clone(),
        kind: cfg.kind.as_str().to_string(),
        event_id: event_id.to_string(),
        payload: payload.to_vec(),
    };
    match state.acceptor.accept(event).await? {
        Accepted::Stored => state.ingest_wake.notify_one(),
        Accepted::Duplicate => tracing::info!(channel = %cfg.name, event_id, "duplicate webhook event; already stored"),
    }
    Ok(())
}

fn ignored(channel: &str, what: &str) -> Response {
    tracing::info!(channel, what, "webhook event of a type we do not handle; acknowledged and dropped");
    StatusCode::NO_CONTENT.into_response()
}

fn twiml() -> Response {
    ([(header::CONTENT_TYPE, "text/xml")], EMPTY_TWIML).into_response()
}

/// The URL Twilio signed: the public URL it was given, with the query string.
fn public_url(state: &AppState, uri: &Uri) -> String {
    let pq = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
    format!("{}{pq}", state.public_url.trim_end_matches('/'))
}

async fn twilio_common(
    state: &AppState,
    name: &str,
    kind: ChannelKind,
    uri: &Uri,
    headers: &HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let raw = body(raw)?;
    let cfg = configured(state, name, kind).await?;
    let params = twilio::form(&raw).map_err(malformed)?;
    let sig = headers.get("x-twilio-signature").and_then(|v| v.to_str().ok());
    twilio::verify(&cfg.secret, &public_url(state, uri), &params, sig).map_err(refused)?;
    let event = match kind {
        ChannelKind::TwilioVoice => twilio::voice_event(&params),
        _ => twilio::messaging_event(&params),
    }
    .map_err(malformed)?;
    if let twilio::Event::Unknown { what } = &event {
        return Ok(ignored(name, what));
    }
    let id = event.event_id().ok_or_else(|| malformed("it carries no id"))?;
    store(state, &cfg, &id, &raw).await?;
    Ok(twiml())
}

async fn twilio_voice(
    State(state): State<AppState>,
    Path(name): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    twilio_common(&state, &name, ChannelKind::TwilioVoice, &uri, &headers, raw).await
}

async fn twilio_sms(
    State(state): State<AppState>,
    Path(name): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    twilio_common(&state, &name, ChannelKind::TwilioSms, &uri, &headers, raw).await
}

fn verify_signed(cfg: &ChannelConfig, headers: &HeaderMap, raw: &[u8]) -> Result<(), ApiError> {
    let h = |n: &str| headers.get(n).and_then(|v| v.to_str().ok());
    let now = jiff::Timestamp::now().as_second();
    web::verify(cfg.secret.as_bytes(), h(web::TIMESTAMP_HEADER), h(web::SIGNATURE_HEADER), raw, now).map_err(refused)
}

async fn website(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let raw = body(raw)?;
    let cfg = configured(&state, &name, ChannelKind::Web).await?;
    verify_signed(&cfg, &headers, &raw)?;
    let Some(event) = web::parse_event(&raw).map_err(malformed)? else {
        return Ok(ignored(&name, "unknown web event type"));
    };
    store(&state, &cfg, event.event_id(), &raw).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn branch_system(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let raw = body(raw)?;
    let cfg = configured(&state, &name, ChannelKind::Branch).await?;
    verify_signed(&cfg, &headers, &raw)?;
    let visit = branch::parse_visit(&raw).map_err(malformed)?;
    store(&state, &cfg, &visit.event_id(), &raw).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
