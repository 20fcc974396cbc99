//! Errors as `application/problem+json` (RFC 9457), their status chosen by who must act.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use entente_app::{AppError, ErrorKind};
use serde::Serialize;

/// An error answer: a status, a kind a program can switch on and a message a person can act on.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    /// `invalid_input`, `not_found`, `conflict`… (the application layer's kinds, plus the
    /// server's own: `payload_too_large`, `rate_limited`, `precondition_required`).
    pub kind: &'static str,
    pub detail: String,
}

/// The body of an error answer.
/// An error answer's body (`application/problem+json`, RFC 9457).
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct Problem<'a> {
    #[serde(rename = "type")]
    kind_uri: String,
    title: &'a str,
    status: u16,
    detail: &'a str,
    kind: &'a str,
}

/// The status for an application error kind (one table, as the README lists it).
pub fn status_of(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::InvalidInput => StatusCode::BAD_REQUEST,
        ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Exists | ErrorKind::WrongState => StatusCode::CONFLICT,
        // The record moved on since the caller read it: their precondition failed.
        ErrorKind::Conflict => StatusCode::PRECONDITION_FAILED,
        ErrorKind::Busy => StatusCode::LOCKED,
        ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl ApiError {
    pub fn new(status: StatusCode, kind: &'static str, detail: impl Into<String>) -> ApiError {
        ApiError {
            status,
            kind,
            detail: detail.into(),
        }
    }

    pub fn invalid(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_input", detail)
    }

    pub fn internal(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", detail)
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> ApiError {
        ApiError::new(status_of(e.kind), e.kind.as_str(), e.message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let detail = if self.status == StatusCode::INTERNAL_SERVER_ERROR {
            // Our failure: the details (paths, database messages) go to the log, not the caller.
            let reference = next_reference();
            tracing::error!(reference, "{}", self.detail);
            format!("internal error (reference {reference} in the server's log)")
        } else {
            self.detail
        };
        let body = Problem {
            kind_uri: format!("urn:entente:problem:{}", self.kind),
            title: self.status.canonical_reason().unwrap_or("error"),
            status: self.status.as_u16(),
            detail: &detail,
            kind: self.kind,
        };
        let json = serde_json::to_vec(&body).unwrap_or_else(|_| b"{}".to_vec());
        let mut r = (self.status, json).into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        r
    }
}

fn next_reference() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(1);
    N.fetch_add(1, Ordering::Relaxed)
}
