//! Errors by who must act: the caller (invalid input, not found), another writer (conflict,
//! busy) or us (internal). The CLI maps the kind to an exit code, the server to an HTTP status.

use serde::{Deserialize, Serialize};

/// Who must act on an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The request is wrong: a bad field, an unknown or ambiguous name, a malformed file. The
    /// message names the field, file, line or id.
    InvalidInput,
    /// What the request names does not exist.
    NotFound,
    /// The record changed since the caller read it (a stale version).
    Conflict,
    /// Another writer holds a lock the request needs; the same request can succeed later.
    Busy,
    /// Anything else: the store or its environment failed.
    Internal,
}

impl ErrorKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Busy => "busy",
            ErrorKind::Internal => "internal",
        }
    }
}

/// An error of the application layer: a kind and a message for a person.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("{message}")]
pub struct AppError {
    pub kind: ErrorKind,
    pub message: String,
}

impl AppError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> AppError {
        AppError {
            kind,
            message: message.into(),
        }
    }

    pub fn invalid(message: impl Into<String>) -> AppError {
        AppError::new(ErrorKind::InvalidInput, message)
    }

    pub fn not_found(message: impl Into<String>) -> AppError {
        AppError::new(ErrorKind::NotFound, message)
    }

    pub fn internal(message: impl Into<String>) -> AppError {
        AppError::new(ErrorKind::Internal, message)
    }
}

impl ErrorKind {
    /// Who must act on a store error.
    pub fn of_store(e: &entente_store::StoreError) -> ErrorKind {
        use entente_store::StoreError as S;
        if e.is_busy() {
            return ErrorKind::Busy;
        }
        match e {
            S::NotFound(_) => ErrorKind::NotFound,
            S::Conflict { .. } => ErrorKind::Conflict,
            S::Ambiguous { .. } | S::Query { .. } => ErrorKind::InvalidInput,
            _ => ErrorKind::Internal,
        }
    }
}

impl From<entente_store::StoreError> for AppError {
    fn from(e: entente_store::StoreError) -> AppError {
        AppError::new(ErrorKind::of_store(&e), e.to_string())
    }
}

impl From<entente_extract::ExtractError> for AppError {
    fn from(e: entente_extract::ExtractError) -> AppError {
        use entente_extract::ExtractError as X;
        match e {
            X::Store(s) => s.into(),
            X::UnknownActor { .. } => AppError::invalid(e.to_string()),
            other => AppError::internal(other.to_string()),
        }
    }
}
