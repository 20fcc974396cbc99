use std::path::PathBuf;

use thiserror::Error;

/// Errors of the knowledge base and the search index.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("database {path}: {source}")]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("database: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("search index {path}: {source}")]
    Index {
        path: PathBuf,
        #[source]
        source: tantivy::TantivyError,
    },
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("invalid query `{query}`: {message}")]
    Query { query: String, message: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("no source with id `{0}`")]
    NotFound(String),
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
    /// Whether the error lies with the store or its environment (locked, busy, disk full or
    /// failing, read-only, out of memory) rather than with the record being written. Work over
    /// many records stops on such an error; on any other it can report the record and go on,
    /// since each record is written in its own transaction.
    /// Whether another writer holds a lock this request needs: the same request can succeed
    /// later (a server answers 503 with Retry-After, the CLI says to wait).
    pub fn is_busy(&self) -> bool {
        use rusqlite::ErrorCode as C;
        match self {
            StoreError::Busy(_) => true,
            StoreError::Sqlite { source, .. } | StoreError::Db(source) => matches!(
                source.sqlite_error_code(),
                Some(C::DatabaseBusy | C::DatabaseLocked)
            ),
            StoreError::Index { source, .. } | StoreError::Tantivy(source) => {
                matches!(source, tantivy::TantivyError::LockFailure(..))
            }
            _ => false,
        }
    }

    pub fn is_environmental(&self) -> bool {
        use rusqlite::ErrorCode as C;
        match self {
            StoreError::Sqlite { source, .. } | StoreError::Db(source) => matches!(
                source.sqlite_error_code(),
                Some(
                    C::DatabaseBusy
                        | C::DatabaseLocked
                        | C::SystemIoFailure
                        | C::DiskFull
                        | C::ReadOnly
                        | C::CannotOpen
                        | C::PermissionDenied
                        | C::OutOfMemory
                        | C::NotADatabase
                        | C::DatabaseCorrupt
                        | C::FileLockingProtocolFailed
                )
            ),
            StoreError::Io { .. } | StoreError::Index { .. } | StoreError::Tantivy(_) => true,
            StoreError::SchemaTooNew { .. } | StoreError::Busy(_) => true,
            _ => false,
        }
    }
}
