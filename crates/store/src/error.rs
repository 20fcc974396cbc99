use std::path::PathBuf;

use thiserror::Error;

/// What went wrong in a backend (a database, the search index), in terms a caller can act
/// on without knowing which backend it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Failure {
    /// Another writer holds a lock this request needs: the same request can succeed later.
    Busy,
    /// The store's environment failed (disk full or failing, read-only, permissions, out of
    /// memory, a corrupt file): no record can be written until it is fixed.
    Environment,
    /// A constraint of the store refused the write (a duplicate key, a missing reference).
    Constraint,
    /// Anything else the backend reported.
    Other,
}

/// Errors of the knowledge base and the search index. Backend errors are carried as
/// [`StoreError::Backend`] with a [`Failure`] class, so no database or index library's types
/// appear in the store's API and a second backend gives the same errors.
#[derive(Debug, Error)]
pub enum StoreError {
    /// A backend failed: `store` names it ("database", "search index"), `path` where it lives.
    #[error("{store}{}: {message}", path.as_ref().map(|p| format!(" {}", p.display())).unwrap_or_default())]
    Backend {
        store: &'static str,
        path: Option<PathBuf>,
        failure: Failure,
        message: String,
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    #[error("invalid query `{query}`: {message}")]
    Query { query: String, message: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// No record with this id: `what` names the kind of record ("source", "event").
    #[error("no {what} with id `{id}`")]
    NotFound { what: &'static str, id: String },
    /// A record with this key exists already (`what` names the kind: "user").
    #[error("a {what} `{id}` exists already")]
    Exists { what: &'static str, id: String },
    /// An edit made on a version of a record that has changed since.
    #[error(
        "event {id} changed since it was read (version {expected}, now {found}); read it again and redo the edit"
    )]
    Conflict {
        id: String,
        expected: u64,
        found: u64,
    },
    /// Another process holds what this one needs (the index writer lock, a database lock):
    /// the same request can succeed later.
    #[error("{0}")]
    Busy(String),
    #[error("id prefix `{prefix}` is ambiguous: it matches {count} sources; give more characters")]
    Ambiguous { prefix: String, count: usize },
    #[error(
        "the data directory {path} was written by a newer entente (schema version {found}, this build knows {known}); upgrade entente"
    )]
    SchemaTooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("corrupt row in `{table}` (id {id}): field `{field}`: {message}")]
    Corrupt {
        table: &'static str,
        id: String,
        field: &'static str,
        message: String,
    },
    #[error(transparent)]
    Core(#[from] entente_core::CoreError),
}

impl StoreError {
    /// A backend's error, classified.
    pub fn backend(
        store: &'static str,
        path: Option<PathBuf>,
        failure: Failure,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> StoreError {
        StoreError::Backend {
            store,
            path,
            failure,
            message: source.to_string(),
            source: Some(Box::new(source)),
        }
    }

    /// No source with this id.
    pub fn no_source(id: impl Into<String>) -> StoreError {
        StoreError::NotFound {
            what: "source",
            id: id.into(),
        }
    }

    /// No event with this id.
    pub fn no_event(id: impl Into<String>) -> StoreError {
        StoreError::NotFound {
            what: "event",
            id: id.into(),
        }
    }

    /// The same error located at `path` (a backend error raised before its file was known).
    pub fn at(self, at: &std::path::Path) -> StoreError {
        match self {
            StoreError::Backend {
                store,
                path: None,
                failure,
                message,
                source,
            } => StoreError::Backend {
                store,
                path: Some(at.to_path_buf()),
                failure,
                message,
                source,
            },
            other => other,
        }
    }

    /// The backend failure class, if this is a backend error.
    pub fn failure(&self) -> Option<Failure> {
        match self {
            StoreError::Backend { failure, .. } => Some(*failure),
            _ => None,
        }
    }

    /// Whether another writer holds a lock this request needs: the same request can succeed
    /// later (a server answers 503 with Retry-After, the CLI says to wait).
    pub fn is_busy(&self) -> bool {
        matches!(self, StoreError::Busy(_)) || self.failure() == Some(Failure::Busy)
    }

    /// Whether the error lies with the store or its environment (locked, busy, disk full or
    /// failing, read-only, out of memory) rather than with the record being written. Work over
    /// many records stops on such an error; on any other it can report the record and go on,
    /// since each record is written in its own transaction.
    pub fn is_environmental(&self) -> bool {
        match self {
            StoreError::Backend { store, failure, .. } => {
                matches!(failure, Failure::Busy | Failure::Environment)
                    // The index is derived data beside the record: any failure of it is the
                    // environment's, never one record's.
                    || *store == INDEX
            }
            StoreError::Io { .. } | StoreError::SchemaTooNew { .. } | StoreError::Busy(_) => true,
            _ => false,
        }
    }
}

pub(crate) const DATABASE: &str = "database";
pub(crate) const INDEX: &str = "search index";

/// SQLite's errors, classified. Only the SQLite backend converts them.
impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        use rusqlite::ErrorCode as C;
        let failure = match e.sqlite_error_code() {
            Some(C::DatabaseBusy | C::DatabaseLocked) => Failure::Busy,
            Some(
                C::SystemIoFailure
                | C::DiskFull
                | C::ReadOnly
                | C::CannotOpen
                | C::PermissionDenied
                | C::OutOfMemory
                | C::NotADatabase
                | C::DatabaseCorrupt
                | C::FileLockingProtocolFailed,
            ) => Failure::Environment,
            Some(C::ConstraintViolation) => Failure::Constraint,
            _ => Failure::Other,
        };
        let mut err = StoreError::backend(DATABASE, None, failure, e);
        if let StoreError::Backend {
            failure: Failure::Busy,
            message,
            ..
        } = &mut err
        {
            message.push_str(
                " (another entente process is writing to it; try again when it has finished)",
            );
        }
        err
    }
}

/// The search index's errors, classified.
impl From<tantivy::TantivyError> for StoreError {
    fn from(e: tantivy::TantivyError) -> StoreError {
        let failure = match &e {
            tantivy::TantivyError::LockFailure(..) => Failure::Busy,
            _ => Failure::Environment,
        };
        StoreError::backend(INDEX, None, failure, e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_errors_are_classified_without_exposing_sqlite() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t(x PRIMARY KEY); INSERT INTO t VALUES (1);")
            .unwrap();
        let e: StoreError = conn
            .execute("INSERT INTO t VALUES (1)", [])
            .unwrap_err()
            .into();
        assert_eq!(e.failure(), Some(Failure::Constraint));
        assert!(!e.is_environmental() && !e.is_busy());
        assert!(
            e.to_string()
                .starts_with("database: UNIQUE constraint failed"),
            "{e}"
        );
        let located = e.at(std::path::Path::new("/x/entente.sqlite"));
        assert!(
            located
                .to_string()
                .starts_with("database /x/entente.sqlite: UNIQUE"),
            "{located}"
        );
    }

    #[test]
    fn index_lock_failures_are_busy() {
        let e: StoreError = tantivy::TantivyError::LockFailure(
            tantivy::directory::error::LockError::LockBusy,
            None,
        )
        .into();
        assert!(e.is_busy() && e.is_environmental());
    }
}
