//! `entente serve`: the HTTP API on this data directory.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use entente_app::Access;

use super::{Ctx, runtime};

#[derive(clap::Args)]
pub struct Args {
    /// Address to listen on. Loopback unless told otherwise: put a TLS proxy in front of
    /// anything else.
    #[arg(long, default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// Largest request body accepted, in MiB.
    #[arg(long, default_value_t = 64)]
    max_body_mib: usize,
    /// Seconds before a request is abandoned.
    #[arg(long, default_value_t = 300)]
    timeout: u64,
    /// Mark the session cookie Secure (when served behind TLS).
    #[arg(long)]
    secure_cookie: bool,
}

pub fn run(ctx: &Ctx, a: Args) -> anyhow::Result<ExitCode> {
    let app = Arc::new(ctx.app(Access::ReadWrite)?);
    // This process is the data directory's server now: jobs a stopped one left are stale.
    let interrupted = app.interrupt_unfinished_jobs()?;
    if interrupted > 0 && !ctx.quiet {
        errln!(
            "{interrupted} job(s) left unfinished by the last server are marked interrupted; POST /api/v1/jobs/ID/retry runs one again"
        );
    }
    let config = entente_server::Config {
        max_body_bytes: a.max_body_mib.saturating_mul(1024 * 1024),
        request_timeout: Duration::from_secs(a.timeout),
        secure_cookie: a.secure_cookie,
        ..Default::default()
    };
    let rt = runtime()?;
    rt.block_on(async {
        let listener = entente_server::bind(a.bind)
            .await
            .with_context(|| format!("listening on {}", a.bind))?;
        let addr = listener.local_addr().context("the listening address")?;
        if !ctx.quiet {
            errln!(
                "entente serves {} at http://{addr}/api/v1 (Ctrl-C stops)",
                ctx.data_dir.display()
            );
            if !addr.ip().is_loopback() {
                errln!(
                    "note: listening beyond this machine; sessions travel in cookies, so put TLS in front and pass --secure-cookie"
                );
            }
        }
        entente_server::serve(
            listener,
            entente_server::Server::new(app, config),
            entente_server::shutdown_signal(),
        )
        .await
        .context("serving HTTP")
    })?;
    Ok(ExitCode::SUCCESS)
}
