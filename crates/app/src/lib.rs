//! The application layer: one `Send + Sync` façade, [`App`], over the library crates, for the
//! CLI and the coming HTTP server alike. Requests and results are plain serde types; errors
//! carry a kind ([`ErrorKind`]) that says who must act.
//!
//! # What lives here
//! Product decisions that do not belong to one library crate and that every front end must
//! make the same way: which events a chronology shows by default, how a query names actors
//! and states, which errors a request can give. Front ends keep argument parsing, tables,
//! progress bars, files and HTTP.
//!
//! # Concurrency
//! All methods take `&self`. An `App` opened [`Access::ReadOnly`] never takes the search
//! index's writer lock, so searches, chronologies and briefings run while another process
//! ingests. Within one `App`, calls run at once: reads each get their own read connection,
//! writes are serialised by the store's transactions and the index writer's lock (event edits
//! carry versions against lost updates), and a change of the gazetteer is validated and
//! written under one lock.
//!
//! # The storage seam (agreed here before merge code moved; issues #11 and #12)
//! * **Policy above the backends.** Near-duplicate links, event merging (which extracted
//!   draft joins which stored event), protection of analyst decisions (confirmed, rejected and
//!   edited events are never changed by re-extraction), versions and id minting live in
//!   `entente_store::policy`, which runs over the backend traits' transaction primitives.
//!   Extraction (#11) produces drafts with citations and nothing else; it never decides how a
//!   draft meets the knowledge base. A happening (one summit, its parts) is such a policy too.
//! * **Backends are minimal**: `&self`, `Send + Sync`, backend-neutral errors (no rusqlite or
//!   tantivy types in signatures), every edited record with a version (a stale write is a
//!   [`ErrorKind::Conflict`]), and an outbox of committed changes that feeds the search index.
//! * **One conformance suite** against the traits runs on SQLite and, with #15, PostgreSQL.

mod accounts;
mod actors;
mod brief;
mod compare;
mod error;
mod eval;
pub mod export;
mod jobs;
mod kb;
mod sources;
mod trade;
mod watch;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, OnceLock};

pub use accounts::{
    Credential, Login, MIN_PASSWORD, Permission, Principal, Role, SESSION_IDLE, SessionOpened,
    TokenCreate, TokenCreated, TokenView, UserAdd, UserView, hash_token,
};
pub use actors::{
    ActorAdd, ActorAlias, ActorDetail, ActorFormat, ActorImport, ActorQuery, ActorRecord,
    AliasOutcome, ImportSummary, PositionView, guess_lang,
};
pub use brief::GraphQuery;
pub use compare::{CompareRequest, LadderQuery, TrendQuery};
pub use entente_brief::{BriefSpec, Document, Graph};
pub use entente_compare::Comparison;
pub use entente_compare::trend::{Bucket, LadderTrend, Trend};
pub use entente_core::Cancel;
pub use entente_extract::analysis::{
    ActorRef, CitationView, EventView, ExchangeRow, ParticipantView,
};
pub use entente_extract::run::{FailedSource, RunSummary};
pub use entente_store::jobs::{JobItem, JobRow};
pub use entente_store::watches::WatchRow;
pub use entente_store::{AuditEntry, AuditFilter, SearchResult, SourceSummary};
pub use error::{AppError, ErrorKind};
pub use jobs::{JobRequest, JobView, WatchJob};
pub use kb::{
    ChronologyQuery, EventAdd, EventEdit, EventQuery, ExchangesQuery, ExtractRequest, Period,
};
pub use sources::DoctorReport;
pub use sources::{
    CONFIG_FILE, DEFAULT_CONFIG, IngestProgress, IngestRequest, IngestSummary, SearchPage,
    SearchRequest, Sort, SourceDetail, SourceQuery, is_url_input,
};
pub use trade::{
    FailedImport, HS_LANGS, HsLabel, HsLevel, HsRollup, Noted, ReconcileQuery, Screen, ScreenQuery,
    SeriesQuery, TopQuery, TotalsQuery, TradeFile, TradeImport, TradeImportProgress,
    TradeImportSummary, TradeScope, YtdQuery, hs_concordance,
};
pub use watch::{PollSummary, WatchAdd, WatchSettings, parse_every};

/// The trade store's import formats and flows, as job requests name them.
pub use entente_trade::{Flow, Format as TradeFormat};
/// The trade store's answers, as the API documents them.
pub use entente_trade::{ReconcileRow, SeriesRow, TopTable, TotalsRow, YtdRow};

use entente_store::{OpenMode, Repo};

/// Whether an [`App`] may write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Reads only; never takes the index writer lock; the data directory must exist.
    ReadOnly,
    /// Reads and writes; creates the data directory; takes the index writer lock.
    ReadWrite,
}

/// The application: a data directory opened once, used from any thread.
pub struct App {
    dir: PathBuf,
    access: Access,
    /// The data directory, shared by every call: the store and the index serialise their own
    /// writes, reads run beside them.
    repo: Repo,
    /// Held while the gazetteer is validated and changed, so what is checked is what is written.
    gazetteer: Mutex<()>,
    /// The caller's runtime, for the trade store's query engine (the app owns none).
    rt: Option<tokio::runtime::Handle>,
    trade: OnceLock<entente_trade::TradeStore>,
    lexicon: OnceLock<entente_compare::Lexicon>,
    /// Jobs this process is running, by id, with what stops each (see `jobs.rs`).
    running: Mutex<std::collections::HashMap<String, jobs::Running>>,
    /// Set when a server stops: no further job starts.
    stopping: std::sync::atomic::AtomicBool,
    /// When each site was last asked for something by a watch (see `watch.rs`).
    politeness: OnceLock<entente_ingest::watch::Politeness>,
}

impl App {
    /// Opens the data directory `dir` after validating the bundled text tables.
    pub fn open(dir: impl AsRef<Path>, access: Access) -> Result<App, AppError> {
        let dir = dir.as_ref();
        entente_text::fold::load_tables().map_err(|e| {
            AppError::internal(format!("loading the text tables under data/text: {e}"))
        })?;
        entente_text::quantity::load_table().map_err(|e| {
            AppError::internal(format!("loading the text tables under data/text: {e}"))
        })?;
        if access == Access::ReadOnly && !dir.join(Repo::DB_FILE).exists() {
            return Err(AppError::not_found(format!(
                "no entente data directory at {} (run `entente init` or `entente ingest`, or set --data-dir / ENTENTE_HOME)",
                dir.display()
            )));
        }
        let mode = match access {
            Access::ReadOnly => OpenMode::ReadOnly,
            Access::ReadWrite => OpenMode::ReadWrite,
        };
        let repo = Repo::open(dir, mode).map_err(|e| {
            let e = AppError::from(e);
            AppError::new(
                e.kind,
                format!("opening data directory {}: {}", dir.display(), e.message),
            )
        })?;
        Ok(App {
            dir: dir.to_path_buf(),
            access,
            repo,
            gazetteer: Mutex::new(()),
            rt: None,
            trade: OnceLock::new(),
            lexicon: OnceLock::new(),
            running: Mutex::new(Default::default()),
            stopping: std::sync::atomic::AtomicBool::new(false),
            politeness: OnceLock::new(),
        })
    }

    /// Runs the trade store's queries on the caller's tokio runtime. Without it they run on
    /// the runtime of the calling thread (a server's `spawn_blocking` thread has one) and fail
    /// with an internal error on a thread that has none. The handle is never used to block
    /// from inside an async task: call the app from `spawn_blocking` or a plain thread.
    pub fn with_runtime(mut self, rt: tokio::runtime::Handle) -> App {
        self.rt = Some(rt);
        self
    }

    /// The trade store under `DIR/trade`, opened on first use (and created, as every
    /// front end did before, when the directory is new).
    pub fn trade(&self) -> Result<&entente_trade::TradeStore, AppError> {
        if let Some(t) = self.trade.get() {
            return Ok(t);
        }
        let rt = match &self.rt {
            Some(rt) => rt.clone(),
            None => tokio::runtime::Handle::try_current().map_err(|_| {
                AppError::internal(
                    "trade queries need a tokio runtime: open the app `with_runtime`, or call it from a runtime's blocking thread",
                )
            })?,
        };
        let dir = self.dir.join("trade");
        let t = entente_trade::TradeStore::open(&dir, rt).map_err(|e| {
            let e = AppError::from(e);
            AppError::new(
                e.kind,
                format!("opening trade store {}: {}", dir.display(), e.message),
            )
        })?;
        Ok(self.trade.get_or_init(|| t))
    }

    /// Whether `dir` holds an entente data directory (its knowledge base).
    pub fn exists(dir: impl AsRef<Path>) -> bool {
        dir.as_ref().join(Repo::DB_FILE).exists()
    }

    pub fn data_dir(&self) -> &Path {
        &self.dir
    }

    pub fn access(&self) -> Access {
        self.access
    }

    /// The data directory for a read.
    fn repo(&self) -> Result<&Repo, AppError> {
        Ok(&self.repo)
    }

    fn check_writable(&self) -> Result<(), AppError> {
        if self.access == Access::ReadOnly {
            return Err(AppError::internal(
                "this data directory was opened read-only; the request writes",
            ));
        }
        Ok(())
    }

    /// The data directory for a write.
    fn writable(&self) -> Result<&Repo, AppError> {
        self.check_writable()?;
        Ok(&self.repo)
    }

    /// The gazetteer's lock: one change of actors at a time.
    fn gazetteer_lock(&self) -> MutexGuard<'_, ()> {
        self.gazetteer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_app_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<App>();
    }
}
