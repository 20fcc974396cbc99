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
