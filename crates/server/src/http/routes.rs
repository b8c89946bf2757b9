//! The HTTP handlers: each parses, calls the domain and replies with the protocol's
//! types. Rights are checked in the domain functions, so every caller gets them.

use crate::domain::user::User;
use crate::domain::{pull, reference, session};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{Body, ClientAddr, Params};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use tideline_core::{CustomerId, Identity};
use tideline_sync::protocol::{
    AuditPage, ClosureCodeDef, CustomerRef, MIN_PROTOCOL, PRODUCT, PROTOCOL, PullResponse, PushRequest, PushResponse,
    Reference, ServerVersion, Session, SignIn, UserInfo,
};

pub async fn version() -> Json<ServerVersion> {
    Json(ServerVersion {
        product: PRODUCT.into(),
        version: env!("CARGO_PKG_VERSION").into(),
        protocol: PROTOCOL,
        min_protocol: MIN_PROTOCOL,
    })
}

pub async fn sign_in(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    Body(req): Body<SignIn>,
) -> Result<Json<Session>, ApiError> {
    Ok(Json(session::sign_in(&state.pool, &req.username, &req.password, from, state.token_ttl).await?))
}

pub async fn sign_out(State(state): State<AppState>, user: User) -> Result<StatusCode, ApiError> {
    session::sign_out(&state.pool, &user).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn me(user: User) -> Json<UserInfo> {
    Json(user.info())
}

pub async fn reference(State(state): State<AppState>, user: User) -> Result<Json<Reference>, ApiError> {
    Ok(Json(reference::reference(&state.pool, &user).await?))
}

pub async fn push(
    State(state): State<AppState>,
    user: User,
    Body(req): Body<PushRequest>,
) -> Result<Json<PushResponse>, ApiError> {
    Ok(Json(crate::domain::push::push(&state.pool, &user, req).await?))
}

#[derive(Deserialize)]
pub struct PageParams {
    #[serde(default)]
    cursor: i64,
    limit: Option<usize>,
}

pub async fn pull(
    State(state): State<AppState>,
    user: User,
    Params(p): Params<PageParams>,
) -> Result<Json<PullResponse>, ApiError> {
    Ok(Json(pull::pull(&state.pool, &user, p.cursor, pull::page_size(p.limit)).await?))
}

pub async fn history(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
    Params(p): Params<PageParams>,
) -> Result<Json<PullResponse>, ApiError> {
    let customer = customer_id(&id)?;
    let page = pull::history(&state.pool, &user, customer, p.cursor, pull::page_size(p.limit))
        .await?
        .ok_or_else(|| ApiError::not_found(format!("There is no customer {customer}.")))?;
    Ok(Json(page))
}

#[derive(Deserialize)]
pub struct FindParams {
    identity: String,
}

pub async fn find_customers(
    State(state): State<AppState>,
    user: User,
    Params(p): Params<FindParams>,
) -> Result<Json<Vec<CustomerRef>>, ApiError> {
    let candidates = Identity::candidates(&p.identity, &state.identities).map_err(|e| {
        let m = e.to_string();
        ApiError::bad_request(format!("{}{}.", m[..1].to_uppercase(), &m[1..]))
    })?;
    Ok(Json(reference::find_customers(&state.pool, &user, &candidates).await?))
}

/// A customer id as a path or query parameter: `42` or `C-42`.
fn customer_id(text: &str) -> Result<CustomerId, ApiError> {
    match text.parse::<i64>() {
        Ok(n) if n > 0 => Ok(CustomerId(n)),
        _ => text.parse::<CustomerId>().map_err(|e| ApiError::bad_request(format!("{e}."))),
    }
}

#[derive(Deserialize)]
pub struct AuditParams {
    before: Option<i64>,
    customer: Option<String>,
    limit: Option<usize>,
}

pub async fn audit(
    State(state): State<AppState>,
    user: User,
    Params(p): Params<AuditParams>,
) -> Result<Json<AuditPage>, ApiError> {
    let limit = p.limit.unwrap_or(100).clamp(1, 1_000);
    let customer = p.customer.as_deref().map(customer_id).transpose()?;
    Ok(Json(reference::audit_page(&state.pool, &user, p.before, customer, limit).await?))
}

pub async fn set_closure_codes(
    State(state): State<AppState>,
    user: User,
    Body(defs): Body<Vec<ClosureCodeDef>>,
) -> Result<StatusCode, ApiError> {
    reference::set_closure_codes(&state.pool, &user, &defs).await?;
    Ok(StatusCode::NO_CONTENT)
}
