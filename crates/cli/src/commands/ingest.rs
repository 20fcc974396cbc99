use std::process::ExitCode;

use entente_app::{Access, App, IngestProgress, IngestRequest, IngestSummary};
use entente_core::{DateValue, Lang};
use indicatif::{ProgressBar, ProgressStyle};

use super::Ctx;
use crate::output;

#[derive(clap::Args)]
pub struct Args {
    /// Files, directories (recursive), http(s) URLs, or `-` for standard input.
    #[arg(required = true)]
    inputs: Vec<String>,
    /// Only files matching this glob inside directories (e.g. `*.jsonl`, `**/2025/*.html`).
    #[arg(long)]
    glob: Option<String>,
    /// Field mapping for JSON / JSON Lines: `title=headline,published=date_str,text=story_text,url=link`.
    #[arg(long)]
    map: Option<String>,
    /// Force the input format instead of sniffing it.
    #[arg(long, value_parser = ["text", "markdown", "html", "json", "jsonl", "rss", "atom", "pdf"])]
    format: Option<String>,
    /// Force the encoding (WHATWG label, e.g. shift_jis, gb18030, koi8-r) instead of detecting it.
    #[arg(long)]
    encoding: Option<String>,
    /// Outlet name for every document (overrides metadata).
    #[arg(long)]
    outlet: Option<String>,
    /// Language for every document (en, ru, ja, ko, zh-Hans, zh-Hant…; overrides detection).
    #[arg(long)]
    lang: Option<Lang>,
    /// Publication date for every document (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long)]
    published: Option<DateValue>,
    /// URL for every document.
    #[arg(long)]
    url: Option<String>,
    /// Title for every document.
    #[arg(long)]
    title: Option<String>,
    /// Refuse inputs larger than this many bytes (default: config.toml, else 50 MB).
    #[arg(long)]
    max_bytes: Option<u64>,
    /// Print the summary as JSON (one object with counts and per-item reports).
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Ctx, a: Args) -> anyhow::Result<ExitCode> {
    let req = IngestRequest {
        inputs: a.inputs,
        glob: a.glob,
        map: a.map,
        format: a.format,
        encoding: a.encoding,
        outlet: a.outlet,
        lang: a.lang,
        published: a.published,
        url: a.url,
        title: a.title,
        max_bytes: a.max_bytes,
    };
    // A bad option is refused before the data directory is created.
    req.options()?;
    let app = ctx.app(Access::ReadWrite)?;
    let summary = ingest_with_progress(&app, &req, ctx.quiet || a.json)?;
    if a.json {
        outln!("{}", serde_json::to_string(&summary)?);
    } else {
        for f in summary.failures() {
            errln!(
                "failed: {}",
                f.error.as_deref().unwrap_or(f.origin.as_str())
            );
        }
        if !ctx.quiet {
            outln!(
                "{} new, {} unchanged, {} near-duplicate, {} failed",
                summary.new,
                summary.unchanged,
                summary.near_duplicate,
                summary.failed
            );
        }
    }
    Ok(if summary.failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Runs an ingest with a progress bar (bytes read, documents stored) on stderr.
pub fn ingest_with_progress(
    app: &App,
    req: &IngestRequest,
    hidden: bool,
) -> anyhow::Result<IngestSummary> {
    let bar = if hidden {
        ProgressBar::hidden()
    } else {
        output::progress_bar()
    };
    let mut docs = 0u64;
    let summary = app.ingest(req, &mut |p| match p {
        IngestProgress::Planned { bytes, .. } => {
            bar.set_length(bytes.max(1));
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
        }
        IngestProgress::InputDone { bytes } => bar.inc(bytes),
        IngestProgress::Document => {
            docs += 1;
            if docs.is_multiple_of(256) {
                bar.set_message(format!("{docs} documents"));
            }
        }
    })?;
    bar.finish_and_clear();
    Ok(summary)
}
