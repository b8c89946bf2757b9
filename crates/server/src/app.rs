//! The router: every `/v1` path of the protocol, the body limit, and JSON errors for
//! malformed bodies, bad queries and unknown paths.

use crate::error::ApiError;
use crate::live::Hub;
use crate::routes;
use axum::Router;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::routing::{get, post, put};
use deadpool_postgres::Pool;
use serde::de::DeserializeOwned;
use std::sync::Arc;
use std::time::Duration;
use tideline_core::IdentityContext;
use tideline_sync::protocol::MAX_REQUEST_BYTES;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub hub: Arc<Hub>,
    pub token_ttl: Duration,
    pub identities: IdentityContext,
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/v1/session", post(routes::sign_in).delete(routes::sign_out))
        .route("/v1/me", get(routes::me))
        .route("/v1/reference", get(routes::reference))
        .route("/v1/push", post(routes::push))
        .route("/v1/pull", get(routes::pull))
        .route("/v1/customers", get(routes::find_customers))
        .route("/v1/customers/{id}/history", get(routes::history))
        .route("/v1/audit", get(routes::audit))
        .route("/v1/config/closure-codes", put(routes::set_closure_codes))
        .route("/v1/live", get(crate::live::upgrade))
        .fallback(|| async { ApiError::not_found("There is no such endpoint.") })
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES))
        .with_state(state)
}

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
