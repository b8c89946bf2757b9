//! `GET /v1/live`: pokes and presence over a WebSocket (the fan-out is `domain::live`).

use crate::domain::live::{announce, current_head};
use crate::domain::scope::may_see_case;
use crate::domain::user::User;
use crate::error::ServerError;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{authenticate, bearer};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use std::sync::atomic::Ordering;
use tideline_core::CaseId;
use tideline_sync::protocol::{Activity, ClientMessage, ServerMessage};
use tokio::sync::broadcast;

#[derive(Deserialize)]
pub struct LiveParams {
    token: Option<String>,
}

/// The upgrade: the token comes in the `Authorization` header or, since browsers cannot
/// set headers on a WebSocket, as `?token=`.
pub async fn upgrade(
    State(state): State<AppState>,
    Query(params): Query<LiveParams>,
    headers: axum::http::HeaderMap,
    ws: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let token = bearer(&headers).map(str::to_string).or(params.token);
    let user = authenticate(&state, token.as_deref()).await?;
    Ok(ws.on_upgrade(move |socket| async move {
        if let Err(e) = run_socket(socket, state, user).await {
            tracing::debug!(error = %e, "live socket ended");
        }
    }))
}

async fn run_socket(socket: WebSocket, state: AppState, user: User) -> Result<(), ServerError> {
    let hub = state.hub.clone();
    let conn = hub.next_conn.fetch_add(1, Ordering::Relaxed);
    let mut heads = hub.head_watch(&user.tenant);
    let mut updates = hub.updates.subscribe();
    let mut closing = hub.closing.subscribe();
    let (mut sink, mut stream) = socket.split();
    let head = current_head(&state.pool, &user.tenant).await?;
    heads.borrow_and_update();
    send(&mut sink, &ServerMessage::Poke { head }).await?;
    let mut my_case: Option<CaseId> = None;
    let result = loop {
        tokio::select! {
            changed = heads.changed() => {
                if changed.is_err() { break Ok(()); }
                let head = *heads.borrow_and_update();
                if let Err(e) = send(&mut sink, &ServerMessage::Poke { head }).await { break Err(e); }
            }
            update = updates.recv() => {
                let (case_id, people) = match update {
                    Ok(u) if u.tenant == user.tenant && Some(u.case_id) == my_case => (u.case_id, u.people),
                    Ok(_) => continue,
                    Err(broadcast::error::RecvError::Lagged(_)) => match my_case {
                        Some(c) => (c, hub.people(&user.tenant, c)),
                        None => continue,
                    },
                    Err(broadcast::error::RecvError::Closed) => break Ok(()),
                };
                let people = people.into_iter().filter(|(u, _)| *u != user.username).map(|(_, e)| e).collect();
                if let Err(e) = send(&mut sink, &ServerMessage::Presence { case_id, people }).await { break Err(e); }
            }
            msg = stream.next() => match msg {
                Some(Ok(Message::Text(text))) => match serde_json::from_str::<ClientMessage>(text.as_str()) {
                    Ok(ClientMessage::Presence { case_id, activity }) => {
                        let (case_id, activity) = match watchable(&state, &user, case_id).await {
                            Ok(None) => (case_id, activity),
                            Ok(Some(refusal)) => {
                                if let Err(e) = send(&mut sink, &refusal).await { break Err(e); }
                                // Leave the case this socket was on, if any, and join none.
                                (None, Activity::Viewing)
                            }
                            Err(e) => break Err(e),
                        };
                        my_case = case_id;
                        if let Err(e) = announce(&state.pool, &hub, &user, conn, case_id, activity).await { break Err(e); }
                    }
                    Err(e) => tracing::warn!(user = %user.username, error = %e, "unreadable live message"),
                },
                Some(Ok(Message::Close(_))) | None => break Ok(()),
                Some(Ok(_)) => {}
                Some(Err(e)) => break Err(ServerError::Invalid(e.to_string())),
            },
            _ = closing.changed() => break Ok(()),
        }
    };
    if my_case.is_some() {
        let _ = announce(&state.pool, &hub, &user, conn, None, Activity::Viewing).await;
    }
    result
}

/// `None` if `user` may be present on `case_id`; otherwise the refusal to send them.
async fn watchable(
    state: &AppState,
    user: &User,
    case_id: Option<CaseId>,
) -> Result<Option<ServerMessage>, ServerError> {
    let Some(case_id) = case_id else { return Ok(None) };
    if may_see_case(&state.pool, user, case_id).await? {
        return Ok(None);
    }
    tracing::warn!(user = %user.username, case = %case_id, "presence refused: case outside the user's scope");
    Ok(Some(ServerMessage::PresenceRefused {
        case_id,
        message: format!("You cannot see who is on {case_id}: it is outside your queues and customers."),
    }))
}

async fn send(
    sink: &mut futures_util::stream::SplitSink<WebSocket, Message>,
    m: &ServerMessage,
) -> Result<(), ServerError> {
    let text = serde_json::to_string(m)?;
    sink.send(Message::Text(text.into())).await.map_err(|e| ServerError::Invalid(e.to_string()))
}
