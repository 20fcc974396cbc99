//! Errors by who must act: the caller (invalid input, not found), another writer (conflict,
//! busy) or us (internal). The CLI maps the kind to an exit code, the server to an HTTP status.

use serde::{Deserialize, Serialize};

/// Who must act on an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The request is wrong: a bad field, an unknown or ambiguous name, a malformed file. The
    /// message names the field, file, line or id.
    InvalidInput,
    /// The caller is not signed in, or their session or token is no longer good.
    Unauthenticated,
    /// The caller's role does not allow this.
    Forbidden,
    /// What the request names does not exist.
    NotFound,
    /// What the request would create exists already (a user name).
    Exists,
    /// The record changed since the caller read it (a stale version).
    Conflict,
    /// What the request names is not in a state that allows it (cancelling a job that has
    /// stopped, retrying one still running).
    WrongState,
    /// Another writer holds a lock the request needs; the same request can succeed later.
    Busy,
    /// Anything else: the store or its environment failed.
    Internal,
}

impl ErrorKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::Unauthenticated => "unauthenticated",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Exists => "exists",
            ErrorKind::Conflict => "conflict",
            ErrorKind::WrongState => "wrong_state",
            ErrorKind::Busy => "busy",
            ErrorKind::Internal => "internal",
        }
    }
}

/// An error of the application layer: a kind and a message for a person.
#[derive(
    Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize, schemars::JsonSchema,
)]
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
            S::NotFound { .. } => ErrorKind::NotFound,
            S::Exists { .. } => ErrorKind::Exists,
            S::Conflict { .. } => ErrorKind::Conflict,
            // A malformed id, date or language in the request.
            S::Ambiguous { .. } | S::Query { .. } | S::Core(_) => ErrorKind::InvalidInput,
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

impl From<entente_core::CoreError> for AppError {
    fn from(e: entente_core::CoreError) -> AppError {
        AppError::invalid(e.to_string())
    }
}

impl From<entente_brief::BriefError> for AppError {
    fn from(e: entente_brief::BriefError) -> AppError {
        use entente_brief::BriefError as B;
        match e {
            B::Toml { .. } | B::Json { .. } | B::SpecField { .. } | B::Block { .. } => {
                AppError::invalid(e.to_string())
            }
            B::Io { ref source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                AppError::not_found(e.to_string())
            }
            other => AppError::internal(other.to_string()),
        }
    }
}

impl From<entente_trade::TradeError> for AppError {
    fn from(e: entente_trade::TradeError) -> AppError {
        use entente_trade::TradeError as T;
        match e {
            T::Invalid { .. } | T::Format { .. } | T::Query(_) => AppError::invalid(e.to_string()),
            T::Busy { .. } => AppError {
                kind: ErrorKind::Busy,
                message: e.to_string(),
            },
            T::Io { ref source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                AppError::not_found(e.to_string())
            }
            other => AppError::internal(other.to_string()),
        }
    }
}

impl From<entente_compare::CompareError> for AppError {
    fn from(e: entente_compare::CompareError) -> AppError {
        use entente_compare::CompareError as C;
        match e {
            C::Store(s) => s.into(),
            C::Extract(x) => x.into(),
            C::UnknownConcept { .. } | C::UnknownLadder { .. } | C::Input(_) => {
                AppError::invalid(e.to_string())
            }
            C::Lexicon { .. } => AppError::internal(e.to_string()),
        }
    }
}

/// The application layer's result.
pub(crate) type Result<T, E = AppError> = std::result::Result<T, E>;

/// Says what was being done when an error happened, keeping its kind: the message becomes
/// `what: message` (as a front end prints a chain of causes).
pub(crate) trait Context<T> {
    fn context(self, what: impl std::fmt::Display) -> Result<T>;
    fn with_context<M: std::fmt::Display>(self, what: impl FnOnce() -> M) -> Result<T>;
}

impl<T, E: Into<AppError>> Context<T> for std::result::Result<T, E> {
    fn context(self, what: impl std::fmt::Display) -> Result<T> {
        self.map_err(|e| {
            let e = e.into();
            AppError::new(e.kind, format!("{what}: {}", e.message))
        })
    }

    fn with_context<M: std::fmt::Display>(self, what: impl FnOnce() -> M) -> Result<T> {
        self.map_err(|e| {
            let e = e.into();
            AppError::new(e.kind, format!("{}: {}", what(), e.message))
        })
    }
}

/// A missing value is something the request named and the knowledge base does not hold.
impl<T> Context<T> for Option<T> {
    fn context(self, what: impl std::fmt::Display) -> Result<T> {
        self.ok_or_else(|| AppError::not_found(what.to_string()))
    }

    fn with_context<M: std::fmt::Display>(self, what: impl FnOnce() -> M) -> Result<T> {
        self.ok_or_else(|| AppError::not_found(what().to_string()))
    }
}

impl From<entente_ingest::IngestError> for AppError {
    fn from(e: entente_ingest::IngestError) -> AppError {
        use entente_ingest::IngestError as I;
        match e {
            I::Store(s) => s.into(),
            I::Profile(_) => AppError::internal(e.to_string()),
            I::Io { ref source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                AppError::not_found(e.to_string())
            }
            I::Io { .. } => AppError::internal(e.to_string()),
            other => AppError::invalid(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_keeps_the_kind_and_prefixes_the_message() {
        let e: Result<()> = Err(AppError::new(ErrorKind::Conflict, "event e1 changed"));
        let e = e.context("editing e1").expect_err("error");
        assert_eq!(e.kind, ErrorKind::Conflict);
        assert_eq!(e.message, "editing e1: event e1 changed");
        let none: Option<u8> = None;
        let e = none
            .with_context(|| format!("no event `{}`", "e9"))
            .expect_err("none");
        assert_eq!(
            (e.kind, e.message.as_str()),
            (ErrorKind::NotFound, "no event `e9`")
        );
        let bad = entente_core::DateValue::parse_loose("2025-13").context("field `from`");
        assert_eq!(bad.expect_err("bad").kind, ErrorKind::InvalidInput);
    }
}
