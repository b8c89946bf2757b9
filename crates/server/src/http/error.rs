//! [`ApiError`]: what an HTTP handler returns: a status, a stable code and a sentence,
//! sent as an [`ErrorBody`] and logged once with `tracing`. The one mapping from
//! [`ServerError`] to a response is here.

use crate::error::ServerError;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tideline_sync::protocol::{ErrorBody, ErrorInfo};

/// An error reply: the status, the stable `code` of [`ErrorInfo`] and a sentence.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Seconds to wait, sent as `Retry-After` (429 only).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError { status, code, message: message.into(), retry_after: None }
    }
    pub fn bad_request(m: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", m)
    }
    pub fn unauthenticated(m: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthenticated", m)
    }
    pub fn forbidden(m: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", m)
    }
    pub fn not_found(m: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", m)
    }
    pub fn too_large(m: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", m)
    }
}

impl From<ServerError> for ApiError {
    fn from(e: ServerError) -> Self {
        match e {
            ServerError::BadInput(m) => return ApiError::bad_request(m),
            ServerError::TooLarge(m) => return ApiError::too_large(m),
            ServerError::NotFound(m) => return ApiError::not_found(m),
            ServerError::Forbidden(m) => return ApiError::forbidden(m),
            ServerError::Unauthenticated(m) => return ApiError::unauthenticated(m),
            ServerError::Throttled { message, retry_after } => {
                let mut e = ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too_many_requests", message);
                e.retry_after = Some(retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0));
                return e;
            }
            _ => {}
        }
        // The detail goes to the log only; the client learns that it was our fault.
        tracing::error!(error = %e, "internal error");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "Something went wrong on the server; try again.")
    }
}

impl From<tokio_postgres::Error> for ApiError {
    fn from(e: tokio_postgres::Error) -> Self {
        ServerError::from(e).into()
    }
}

impl From<deadpool_postgres::PoolError> for ApiError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        ServerError::from(e).into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        tracing::warn!(status = self.status.as_u16(), code = self.code, message = %self.message, "request failed");
        let body = ErrorBody { error: ErrorInfo { code: self.code.to_string(), message: self.message } };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, secs.into());
        }
        response
    }
}
