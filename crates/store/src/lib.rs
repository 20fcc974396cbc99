//! The knowledge base: where sources (and, later, actors, events and statements) live.
//!
//! Callers talk to the [`Store`] trait; [`SqliteStore`] is the embedded default and a
//! PostgreSQL implementation can slot in behind the same trait. The full-text index
//! ([`SearchIndex`], tantivy) is derived data: SQLite is the record, and the index records
//! in its commit payload how far through the store's insertion order it has got, so it can
//! always be brought up to date ([`Repo::open`]) or checked and repaired ([`Repo::doctor`]).

mod error;
mod index;
mod kb;
pub mod migrations;
mod repo;
mod sqlite;

pub use error::StoreError;
pub use index::{Hit, Matches, MonthCount, SearchIndex, SearchQuery, SortOrder};
pub use kb::{EventFilter, ExtractionOutcome, KnowledgeBase, participants_of, tally};
pub use repo::{DoctorReport, OpenMode, Repo, SearchResult};
pub use sqlite::SqliteStore;

use entente_core::{NewSource, Source, SourceId};
use serde::Serialize;

/// What happened when a document was put into the store.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum PutOutcome {
    /// Stored for the first time.
    New { id: SourceId, seq: i64 },
    /// The same normalised text was already stored; only the origin was recorded.
    Unchanged { id: SourceId },
    /// Stored, and linked to the first stored copy it nearly duplicates.
    NearDuplicate {
        id: SourceId,
        seq: i64,
        of: SourceId,
        similarity: f32,
    },
}

/// One row of a source listing.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct SourceSummary {
    pub id: SourceId,
    pub seq: i64,
    pub outlet: Option<String>,
    pub lang: String,
    pub published: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
    pub chars: i64,
    pub near_duplicate_of: Option<SourceId>,
}

/// Filters for [`Store::list_sources`].
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub outlet: Option<String>,
    pub lang: Option<String>,
    pub limit: Option<usize>,
    pub offset: usize,
}

/// The knowledge base. Every write is one transaction: it happens whole or not at all.
pub trait Store: KnowledgeBase + Send {
    /// Stores a source unless its id is already present. Near-duplicates of stored sources
    /// (MinHash LSH on `minhash`) are linked to their first copy.
    fn put_source(&mut self, src: &NewSource) -> Result<PutOutcome, StoreError>;
    /// Stores several sources in one transaction, each document still whole or not at all:
    /// a document that fails is rolled back alone and reported in its slot. The outer `Err`
    /// is for failures of the transaction itself (disk full, a corrupt database).
    fn put_sources(
        &mut self,
        srcs: &[NewSource],
    ) -> Result<Vec<Result<PutOutcome, StoreError>>, StoreError>;
    fn get_source(&self, id: &SourceId) -> Result<Option<Source>, StoreError>;
    /// Resolves a full id or a unique prefix of at least 4 hex characters.
    fn resolve_id(&self, prefix: &str) -> Result<SourceId, StoreError>;
    fn list_sources(&self, q: &ListQuery) -> Result<Vec<SourceSummary>, StoreError>;
    fn summaries(&self, ids: &[SourceId]) -> Result<Vec<SourceSummary>, StoreError>;
    /// Sources linked as near-duplicates of `id`, and the copy `id` itself duplicates.
    fn near_duplicates(&self, id: &SourceId) -> Result<Vec<SourceSummary>, StoreError>;
    /// Every place the same text was seen (paths, URLs, records).
    fn origins(&self, id: &SourceId) -> Result<Vec<String>, StoreError>;
    /// Sources with `seq > after`, in order, at most `limit`.
    fn sources_after(&self, after: i64, limit: usize) -> Result<Vec<Source>, StoreError>;
    /// (seq, id) of every source, in order.
    fn all_ids(&self) -> Result<Vec<(i64, SourceId)>, StoreError>;
    fn max_seq(&self) -> Result<i64, StoreError>;
    fn count_sources(&self) -> Result<u64, StoreError>;
    /// The text of one source (for snippets) without loading the rest.
    fn source_text(&self, id: &SourceId) -> Result<Option<String>, StoreError>;
    /// Storage-level consistency check; returns problems found (empty when healthy).
    fn integrity_check(&self) -> Result<Vec<String>, StoreError>;
    /// Finishes work deferred during a run of writes (e.g. near-duplicate lookup tables), so
    /// that everything stored is durable in its final form. Writes stay correct without it:
    /// deferred work is redone from stored data on the next open.
    fn flush(&mut self) -> Result<(), StoreError> {
        Ok(())
    }
}
