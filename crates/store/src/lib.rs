//! The knowledge base: where sources (and, later, actors, events and statements) live.
//!
//! # Layers
//! * [`policy`] decides how a document or an extracted draft meets what is stored
//!   (near-duplicates, merging, protection of analysts' decisions, versions, ids). It runs
//!   over the primitives of the backend traits and is the same for every backend.
//! * The backend traits, [`Store`] (sources, the index outbox) and [`KnowledgeBase`] (actors,
//!   events, statements; [`KbTx`] for one write transaction), are minimal: `&self`,
//!   `Send + Sync`, errors without backend types ([`StoreError::Backend`] with a
//!   [`Failure`] class). [`SqliteStore`] is the embedded default; a PostgreSQL backend slots
//!   in behind the same traits, and [`conformance`] checks both the same way.
//! * The full-text index ([`SearchIndex`], tantivy) is derived data, fed from the store's
//!   **outbox**: every stored document is queued in the same transaction that stores it, and
//!   leaves the queue only after an index commit holds it. Replaying the queue is idempotent
//!   (a document is replaced, never added twice), so a change committed by any writer reaches
//!   the index exactly once whatever the commit order, and a crash between store and index
//!   loses nothing ([`Repo::open`] catches up; [`Repo::doctor`] checks and repairs).

pub mod accounts;
#[cfg(feature = "conformance")]
pub mod conformance;
mod error;
mod index;
pub mod jobs;
mod kb;
pub mod migrations;
pub mod policy;
mod repo;
mod sqlite;
mod sqlite_accounts;
mod sqlite_jobs;
mod sqlite_watches;
pub mod watches;

pub use error::{Failure, StoreError};
pub use index::{Hit, MonthCount, SearchIndex, SearchQuery, SortOrder};
pub use kb::{
    AuditEntry, AuditFilter, EventFilter, ExtractionOutcome, KbTx, KnowledgeBase, participants_of,
    tally,
};
pub use repo::{DoctorReport, OpenMode, Repo, SearchResult};
pub use sqlite::SqliteStore;

use entente_core::{NewSource, Source, SourceId};
use serde::Serialize;

/// What happened when a document was put into the store.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
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
    /// Only sources ingested after the one with this `seq` (keyset paging: no page is
    /// skipped or repeated while an ingest adds sources).
    pub after: Option<i64>,
}

/// A document waiting in the outbox for the search index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Queued {
    /// The queue entry (acknowledge it with [`Store::index_done`]).
    pub entry: i64,
    pub source: SourceId,
}

/// The knowledge base's sources and the index outbox. Every write is one transaction: it
/// happens whole or not at all. Implementations are shared between threads (`&self`,
/// `Send + Sync`); writes are serialised by the backend.
pub trait Store:
    KnowledgeBase + accounts::Accounts + jobs::Jobs + watches::Watches + Send + Sync
{
    /// Stores a source unless its id is already present, and queues it for the index in the
    /// same transaction. Near-duplicates of stored sources are linked to their first copy
    /// ([`policy::first_near_duplicate`] over the candidates sharing an LSH band).
    fn put_source(&self, src: &NewSource) -> Result<PutOutcome, StoreError>;
    /// Stores several sources in one transaction, each document still whole or not at all:
    /// a document that fails is rolled back alone and reported in its slot. The outer `Err`
    /// is for failures of the transaction itself (disk full, a corrupt database).
    fn put_sources(
        &self,
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
    /// (seq, id) of every source, in order.
    fn all_ids(&self) -> Result<Vec<(i64, SourceId)>, StoreError>;
    fn count_sources(&self) -> Result<u64, StoreError>;
    /// The text of one source (for snippets) without loading the rest.
    fn source_text(&self, id: &SourceId) -> Result<Option<String>, StoreError>;
    /// Up to `limit` documents waiting for the index, oldest entry first.
    fn index_queue(&self, limit: usize) -> Result<Vec<Queued>, StoreError>;
    /// Removes queue entries once an index commit holds their documents.
    fn index_done(&self, entries: &[i64]) -> Result<(), StoreError>;
    /// How many documents wait for the index.
    fn index_queue_len(&self) -> Result<u64, StoreError>;
    /// Queues every stored source for the index (a rebuilt or lost index).
    fn queue_all_for_index(&self) -> Result<(), StoreError>;
    /// Storage-level consistency check; returns problems found (empty when healthy).
    fn integrity_check(&self) -> Result<Vec<String>, StoreError>;
    /// Finishes work deferred during a run of writes (e.g. near-duplicate lookup tables), so
    /// that everything stored is durable in its final form. Writes stay correct without it:
    /// deferred work is redone from stored data on the next open.
    fn flush(&self) -> Result<(), StoreError> {
        Ok(())
    }
}
