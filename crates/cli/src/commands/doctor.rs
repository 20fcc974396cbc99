use std::process::ExitCode;

use entente_app::Access;

use super::Ctx;

#[derive(clap::Args)]
pub struct Args {
    /// Only check; do not repair (exit status 1 when something is wrong).
    #[arg(long)]
    check: bool,
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Ctx, a: Args) -> anyhow::Result<ExitCode> {
    let access = if a.check {
        Access::ReadOnly
    } else {
        Access::ReadWrite
    };
    let report = ctx.app(access)?.doctor(!a.check)?;
    if a.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        println!("sources in store:    {}", report.sources_in_store);
        println!("documents in index:  {}", report.documents_in_index);
        println!("waiting for index:   {}", report.waiting_for_index);
        for p in &report.store_problems {
            println!("store problem:       {p}");
        }
        if !report.missing_from_index.is_empty() {
            println!("missing from index:  {}", report.missing_from_index.len());
        }
        if !report.extra_in_index.is_empty() {
            println!("extra in index:      {}", report.extra_in_index.len());
        }
        if report.healthy() {
            println!("ok: store and index agree");
        } else if report.repaired {
            println!("repaired: the index now matches the store");
        } else {
            println!("problems found; run `entente doctor` without --check to repair");
        }
    }
    let bad = !report.store_problems.is_empty() || (!report.healthy() && !report.repaired);
    Ok(if bad {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
