pub mod actors;
pub mod brief;
pub mod compare;
pub mod demo;
pub mod doctor;
pub mod eval;
pub mod eval_real;
pub mod hs;
pub mod ingest;
pub mod init;
pub mod kb;
pub mod search;
pub mod sources;
pub mod trade;

use std::path::PathBuf;

use anyhow::Context;
use entente_store::{OpenMode, Repo};

/// The binary's one tokio runtime, started on first use: the trade store runs its queries on
/// it (libraries own no runtime).
pub fn runtime() -> anyhow::Result<&'static tokio::runtime::Runtime> {
    static RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    if let Some(rt) = RT.get() {
        return Ok(rt);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(std::thread::available_parallelism().map_or(2, |n| n.get()))
        .build()
        .context("starting the tokio runtime")?;
    Ok(RT.get_or_init(|| rt))
}

/// Opens (creating if needed) the trade store at `dir` on the binary's runtime.
pub fn open_trade(dir: impl Into<PathBuf>) -> anyhow::Result<entente_trade::TradeStore> {
    let dir = dir.into();
    entente_trade::TradeStore::open(&dir, runtime()?.handle().clone())
        .with_context(|| format!("opening trade store {}", dir.display()))
}

/// What every command gets from the global flags.
pub struct Ctx {
    pub data_dir: PathBuf,
    pub quiet: bool,
}

impl Ctx {
    /// The application layer on the data directory, its trade queries on the binary's runtime.
    pub fn app(&self, access: entente_app::Access) -> anyhow::Result<entente_app::App> {
        Ok(entente_app::App::open(&self.data_dir, access)?
            .with_runtime(runtime()?.handle().clone()))
    }

    /// The application layer for a read: read-only, or read-write on a data directory that
    /// does not exist yet (a briefing or graph of nothing is still one).
    pub fn reader(&self) -> anyhow::Result<entente_app::App> {
        let access = if self.data_dir.join(Repo::DB_FILE).exists() {
            entente_app::Access::ReadOnly
        } else {
            entente_app::Access::ReadWrite
        };
        self.app(access)
    }

    /// Opens the data directory, validating the bundled data tables first.
    pub fn open(&self, mode: OpenMode) -> anyhow::Result<Repo> {
        entente_text::fold::load_tables().context("loading the text tables under data/text")?;
        entente_text::quantity::load_table()
            .map_err(|e| anyhow::anyhow!("loading the text tables under data/text: {e}"))?;
        if mode == OpenMode::ReadOnly && !self.data_dir.join(Repo::DB_FILE).exists() {
            anyhow::bail!(
                "no entente data directory at {} (run `entente init` or `entente ingest`, or set --data-dir / ENTENTE_HOME)",
                self.data_dir.display()
            );
        }
        Repo::open(&self.data_dir, mode)
            .with_context(|| format!("opening data directory {}", self.data_dir.display()))
    }
}
