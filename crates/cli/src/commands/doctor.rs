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
        outln!("{}", serde_json::to_string(&report)?);
    } else {
        let s = &report.store;
        outln!("sources in store:    {}", s.sources_in_store);
        outln!("documents in index:  {}", s.documents_in_index);
        outln!("waiting for index:   {}", s.waiting_for_index);
        for p in &s.store_problems {
            outln!("store problem:       {p}");
        }
        if !s.missing_from_index.is_empty() {
            outln!("missing from index:  {}", s.missing_from_index.len());
        }
        if !s.extra_in_index.is_empty() {
            outln!("extra in index:      {}", s.extra_in_index.len());
        }
        if report.writer_running {
            outln!(
                "index writer:        held by another entente process (an ingest, an extraction or a server); the index catches up when it is done"
            );
        }
        if let Some(t) = &report.trade {
            outln!(
                "trade imports:       {} ({} Parquet parts)",
                t.imports,
                t.parts
            );
            let show = |what: &str, v: &[String]| {
                for p in v.iter().take(10) {
                    outln!("trade {what:<14}{}", crate::output::clean(p));
                }
                if v.len() > 10 {
                    outln!("trade {what:<14}… {} more", v.len() - 10);
                }
            };
            show("missing part:", &t.missing_parts);
            show("unlisted part:", &t.unlisted_parts);
            show("temp file:", &t.temp_files);
            if t.write_running {
                outln!("trade import:        running now (its work in progress is not a problem)");
            }
            if t.pending_journal {
                outln!("trade journal:       an interrupted import awaits completion");
            }
            if let Some(d) = &t.set_aside {
                outln!("trade set aside:     {d}/ (unlisted parts, kept for inspection)");
            }
            for f in &t.reimport {
                outln!("trade re-import:     {}", crate::output::clean(f));
            }
        }
        if report.healthy() && report.writer_running && !report.store.healthy() {
            outln!("ok: the record is sound; the index is catching up with the running writer");
        } else if report.healthy() {
            outln!("ok: store and index agree; the trade store is whole");
        } else if report.repaired() {
            outln!("repaired: the index matches the store and the trade store is whole");
            if report
                .trade
                .as_ref()
                .is_some_and(|t| !t.reimport.is_empty())
            {
                outln!("import the files named above again to restore their figures");
            }
        } else {
            outln!("problems found; run `entente doctor` without --check to repair");
        }
    }
    let bad = !report.healthy() && !report.repaired();
    Ok(if bad {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
