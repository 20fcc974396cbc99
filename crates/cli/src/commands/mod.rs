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
pub mod serve;
pub mod sources;
pub mod trade;
pub mod users;
pub mod watch;

use std::path::PathBuf;

use anyhow::Context;

/// The binary's one tokio runtime, started on first use: the trade store runs its queries on
/// it (libraries own no runtime).
pub fn runtime() -> anyhow::Result<&'static tokio::runtime::Runtime> {
    static RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    if let Some(rt) = RT.get() {
        return Ok(rt);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .worker_threads(std::thread::available_parallelism().map_or(2, |n| n.get()))
        .build()
        .context("starting the tokio runtime")?;
    Ok(RT.get_or_init(|| rt))
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

    /// Who works at this terminal, as the audit log names them (`cli:$USER`): every
    /// permission, since whoever can run the binary can open the data directory anyway.
    pub fn who(&self) -> entente_app::Principal {
        let name = std::env::var("USER")
            .or_else(|_| std::env::var("LOGNAME"))
            .unwrap_or_else(|_| "unknown".into());
        entente_app::Principal::local(&name)
    }

    /// The application layer for a read: read-only, or read-write on a data directory that
    /// does not exist yet (a briefing or graph of nothing is still one).
    pub fn reader(&self) -> anyhow::Result<entente_app::App> {
        let access = if entente_app::App::exists(&self.data_dir) {
            entente_app::Access::ReadOnly
        } else {
            entente_app::Access::ReadWrite
        };
        self.app(access)
    }
}
