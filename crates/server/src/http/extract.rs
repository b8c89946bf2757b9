//! Extractors: JSON bodies and query strings whose rejections are JSON [`ApiError`]s,
//! and the signed-in [`User`] of a request.

use crate::domain::auth::user_for_token;
use crate::domain::user::User;
use crate::http::AppState;
use crate::http::error::ApiError;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use std::net::{IpAddr, SocketAddr};
use tideline_sync::protocol::MAX_REQUEST_BYTES;

/// `axum::Json`, but a malformed or oversized body gets a JSON [`ApiError`].
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Body(v)),
            Err(r) => Err(json_rejection(r)),
        }
    }
}

fn json_rejection(r: JsonRejection) -> ApiError {
    if r.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::too_large(format!(
            "The request body is larger than the {} MiB the server reads; send less at once.",
            MAX_REQUEST_BYTES / (1024 * 1024)
        ));
    }
    match r {
        JsonRejection::MissingJsonContentType(_) => {
            ApiError::bad_request("Send the body as JSON with `Content-Type: application/json`.")
        }
        other => {
            ApiError::bad_request(format!("The request body is not what this endpoint takes: {}", other.body_text()))
        }
    }
}

/// `axum::extract::Query`, but a bad query string gets a JSON [`ApiError`].
pub struct Params<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Params(v)),
            Err(r) => Err(query_rejection(r)),
        }
    }
}

fn query_rejection(r: QueryRejection) -> ApiError {
    ApiError::bad_request(format!("The query string is not valid: {}", r.body_text()))
}

/// The bearer token of a request, if it has one.
pub fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    let v = headers.get(axum::http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token.trim())
}

/// Checks a token for a request.
pub async fn authenticate(state: &AppState, token: Option<&str>) -> Result<User, ApiError> {
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Err(ApiError::unauthenticated("Sign in first: this request carries no session token."));
    };
    let client = state.pool.get().await?;
    user_for_token(&client, token)
        .await?
        .ok_or_else(|| ApiError::unauthenticated("Your session has expired or was ended; sign in again."))
}

impl FromRequestParts<AppState> for User {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        authenticate(state, bearer(&parts.headers)).await
    }
}

/// The client's address: the connection's peer or, when the peer is a trusted proxy,
/// the last address that proxy appended to `X-Forwarded-For` (earlier entries are the
/// client's own say and could be forged).
pub struct ClientAddr(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        let forwarded = || {
            let header = parts.headers.get_all("x-forwarded-for").iter().next_back()?.to_str().ok()?;
            header.rsplit(',').next()?.trim().parse::<IpAddr>().ok()
        };
        Ok(ClientAddr(match peer {
            Some(p) if state.trusted_proxies.contains(&p) => forwarded().or(Some(p)),
            other => other,
        }))
    }
}
