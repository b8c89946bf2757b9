//! The HTTP handlers: each parses, checks the role, calls the module that does the work
//! and replies with the protocol's types.

use crate::app::{AppState, Body, Params};
use crate::audit::{self, Subject};
use crate::auth::{self, User};
use crate::catalogue;
use crate::error::{ApiError, ServerError};
use crate::pull;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use tideline_core::{CustomerId, Identity};
use tideline_sync::protocol::{
    AuditPage, ClosureCodeDef, CustomerRef, PullResponse, PushRequest, PushResponse, Reference, Session, SignIn,
    UserInfo, UserRef,
};

const WRONG_CREDENTIALS: &str = "Wrong username or password.";

pub async fn sign_in(State(state): State<AppState>, Body(req): Body<SignIn>) -> Result<Json<Session>, ApiError> {
    let client = state.pool.get().await?;
    let row = client
        .query_opt(
            "SELECT id, tenant_id, display_name, role, queues, password_hash, disabled FROM users
             WHERE tenant_id = 'default' AND username = $1",
            &[&req.username],
        )
        .await?;
    // Verify even for an unknown user, so timing does not tell which part was wrong.
    let hash: Option<String> = row.as_ref().map(|r| r.get(5));
    let password = req.password.clone();
    let ok = tokio::task::spawn_blocking(move || match hash {
        Some(h) => auth::verify_password(&h, &password),
        None => {
            let _ = auth::verify_password(dummy_hash(), &password);
            false
        }
    })
    .await
    .unwrap_or(false);
    let Some(row) = row.filter(|r| ok && !r.get::<_, bool>(6)) else {
        return Err(ApiError::unauthenticated(WRONG_CREDENTIALS));
    };
    let (token, hash) = auth::new_token()?;
    let ttl = SignedDuration::try_from(state.token_ttl).map_err(|e| ServerError::Invalid(e.to_string()))?;
    let expires_at = Timestamp::now().checked_add(ttl).map_err(|e| ServerError::Invalid(e.to_string()))?;
    let user_id: i64 = row.get(0);
    let tenant: String = row.get(1);
    client
        .execute(
            "INSERT INTO tokens (token_hash, user_id, expires_at) VALUES ($1, $2, $3)",
            &[&hash, &user_id, &auth::to_system(expires_at)],
        )
        .await?;
    audit::record(&**client, &tenant, &req.username, "sign_in", Subject::default(), "").await?;
    let role: String = row.get(3);
    let user = UserInfo {
        username: req.username,
        display_name: row.get(2),
        role: role.parse().map_err(ServerError::Corrupt)?,
        queues: row.get(4),
    };
    Ok(Json(Session { token, user, expires_at }))
}

/// A hash to verify against when the user is unknown, made once.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| auth::hash_password("no such user").unwrap_or_default())
}

pub async fn sign_out(State(state): State<AppState>, user: User) -> Result<StatusCode, ApiError> {
    let client = state.pool.get().await?;
    client.execute("UPDATE tokens SET revoked_at = now() WHERE token_hash = $1", &[&user.token_hash]).await?;
    audit::record(&**client, &user.tenant, &user.username, "sign_out", Subject::default(), "").await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn me(user: User) -> Json<UserInfo> {
    Json(user.info())
}

pub async fn reference(State(state): State<AppState>, user: User) -> Result<Json<Reference>, ApiError> {
    let client = state.pool.get().await?;
    let queues = client
        .query(
            "SELECT DISTINCT q FROM (
                 SELECT queue AS q FROM cases WHERE tenant_id = $1
                 UNION SELECT unnest(queues) FROM users WHERE tenant_id = $1) x ORDER BY q",
            &[&user.tenant],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let people = client
        .query(
            "SELECT username, display_name FROM users WHERE tenant_id = $1 AND NOT disabled ORDER BY display_name",
            &[&user.tenant],
        )
        .await?
        .iter()
        .map(|r| UserRef { username: r.get(0), display_name: r.get(1) })
        .collect();
    let closure_codes = catalogue::load(&**client, &user.tenant).await?;
    Ok(Json(Reference { queues, people, closure_codes }))
}

pub async fn push(
    State(state): State<AppState>,
    user: User,
    Body(req): Body<PushRequest>,
) -> Result<Json<PushResponse>, ApiError> {
    crate::push::push(&state, &user, req).await.map(Json)
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
    let customer = match id.parse::<i64>() {
        Ok(n) if n > 0 => CustomerId(n),
        _ => id.parse::<CustomerId>().map_err(|e| ApiError::bad_request(format!("{e}.")))?,
    };
    let page = pull::history(&state.pool, &user, customer, p.cursor, pull::page_size(p.limit))
        .await?
        .ok_or_else(|| ApiError::not_found(format!("There is no customer {customer}.")))?;
    if p.cursor == 0 {
        let client = state.pool.get().await?;
        client
            .execute(
                "INSERT INTO opened_customers (user_id, customer_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[&user.id, &customer.0],
            )
            .await?;
        let subject = Subject { case_id: None, customer_id: Some(customer) };
        audit::record(&**client, &user.tenant, &user.username, "open_customer", subject, "").await?;
    }
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
    let client = state.pool.get().await?;
    let mut found: Vec<CustomerRef> = Vec::new();
    for c in candidates {
        let rows = client
            .query(
                "SELECT c.id, c.doc->>'name' FROM identities i
                 JOIN customers c ON c.tenant_id = i.tenant_id AND c.id = i.customer_id
                 WHERE i.tenant_id = $1 AND i.kind = $2 AND i.value = $3",
                &[&user.tenant, &c.kind().as_str(), &c.value()],
            )
            .await?;
        for r in rows {
            let id = CustomerId(r.get(0));
            if !found.iter().any(|f| f.id == id) {
                found.push(CustomerRef { id, name: r.get::<_, Option<String>>(1).unwrap_or_default() });
            }
        }
    }
    Ok(Json(found))
}

#[derive(Deserialize)]
pub struct AuditParams {
    before: Option<i64>,
    limit: Option<usize>,
}

pub async fn audit(
    State(state): State<AppState>,
    user: User,
    Params(p): Params<AuditParams>,
) -> Result<Json<AuditPage>, ApiError> {
    if !user.role.reads_audit() {
        return Err(ApiError::forbidden("Only team leads and admins can read the audit log."));
    }
    let client = state.pool.get().await?;
    let limit = p.limit.unwrap_or(100).clamp(1, 1_000);
    Ok(Json(audit::page(&**client, &user.tenant, p.before, limit).await?))
}

pub async fn set_closure_codes(
    State(state): State<AppState>,
    user: User,
    Body(defs): Body<Vec<ClosureCodeDef>>,
) -> Result<StatusCode, ApiError> {
    if !user.role.configures() {
        return Err(ApiError::forbidden("Only admins can change the closure codes."));
    }
    catalogue::validate(&defs).map_err(ApiError::bad_request)?;
    let mut client = state.pool.get().await?;
    let tx = client.transaction().await?;
    catalogue::save(&*tx, &user.tenant, &defs).await?;
    let codes: Vec<&str> = defs.iter().map(|d| d.code.as_str()).collect();
    let detail = format!("closure codes: {}", codes.join(", "));
    audit::record(&*tx, &user.tenant, &user.username, "configure", Subject::default(), &detail).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
