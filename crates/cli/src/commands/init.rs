use std::process::ExitCode;

use entente_app::Access;

use super::Ctx;

pub fn run(ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let (sources, indexed) = ctx.app(Access::ReadWrite)?.init()?;
    if !ctx.quiet {
        outln!(
            "data directory {} ready: {sources} sources, {indexed} indexed",
            ctx.data_dir.display(),
        );
    }
    Ok(ExitCode::SUCCESS)
}
