use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use entente_core::DateValue;
use entente_ingest::pipeline::{IngestOptions, Input};
use entente_store::SearchQuery;

use super::Ctx;
use crate::output;

#[derive(clap::Args)]
pub struct Args {
    /// Where to put the demonstration (its data directory is DIR/entente-data, made afresh).
    #[arg(long, default_value = "demo")]
    dir: PathBuf,
    /// The example articles to ingest (default: the repository's examples/).
    #[arg(long)]
    examples: Option<PathBuf>,
}

/// Queries the demo runs: one per script and feature (bigrams, folding, stemming, filters).
const QUERIES: &[(&str, &[&str])] = &[
    ("金正恩", &[]),
    ("習近平", &[]),
    ("김정은", &[]),
    ("переговоры", &[]),
    ("\"comprehensive strategic partnership\"", &[]),
    ("summit", &["ja", "en"]),
];

fn examples_dir(given: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    if let Some(p) = given {
        return Ok(p);
    }
    let local = PathBuf::from("examples");
    if local.is_dir() {
        return Ok(local);
    }
    let built = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    if built.is_dir() {
        return Ok(built);
    }
    anyhow::bail!(
        "no examples/ directory found; run from the repository root or pass --examples DIR"
    )
}

pub fn run(ctx: &Ctx, a: Args) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let examples = examples_dir(a.examples)?;
    let data_dir = a.dir.join("entente-data");
    if data_dir.exists() {
        std::fs::remove_dir_all(&data_dir)
            .with_context(|| format!("removing the previous demo at {}", data_dir.display()))?;
    }
    let demo_ctx = Ctx {
        data_dir: data_dir.clone(),
        quiet: ctx.quiet,
    };
    let (mut repo, extractor) = super::kb::open_with_extractor(&demo_ctx)?;
    println!("entente demo: data directory {}", data_dir.display());
    let summary = super::ingest::ingest_with_progress(
        &mut repo,
        &[Input::Path(examples.clone())],
        &IngestOptions::default(),
        ctx.quiet,
    )?;
    println!(
        "ingested {}: {} new, {} unchanged, {} near-duplicate, {} failed",
        examples.display(),
        summary.new,
        summary.unchanged,
        summary.near_duplicate,
        summary.failed
    );
    for f in summary.failures() {
        println!("  failed: {}", f.error.as_deref().unwrap_or(""));
    }
    for (query, langs) in QUERIES {
        let q = SearchQuery {
            text: query.to_string(),
            langs: langs.iter().map(|s| s.to_string()).collect(),
            limit: 3,
            count: true,
            ..Default::default()
        };
        let (results, total) = repo.search(&q)?;
        let filter = if langs.is_empty() {
            String::new()
        } else {
            format!(" --lang {}", langs.join(" --lang "))
        };
        println!(
            "\n$ entente search {query}{filter}   ({} matches)",
            total.unwrap_or_default()
        );
        for r in results {
            println!(
                "  {} {} [{}] {}\n      {}",
                r.source_id.short(),
                r.published.as_deref().unwrap_or("----------"),
                r.lang,
                output::clip(r.title.as_deref().unwrap_or("(untitled)"), 70),
                output::clip(&output::terminal_snippet(&r.snippet), 110)
            );
        }
    }
    let extracted = entente_extract::run::extract_sources(
        repo.store_mut(),
        &extractor,
        &[],
        false,
        &mut |_, _| {},
    )?;
    println!(
        "\nextracted {} events and {} statements from {} sources",
        extracted.new_events, extracted.statements, extracted.sources
    );
    println!("\n$ entente chronology --actors \"Xi Jinping,Vladimir Putin\" --from 2022-02-24");
    let chrono = super::kb::chronology_views(
        &repo,
        &["Xi Jinping".to_string(), "Vladimir Putin".to_string()],
        &[],
        Some(DateValue::ymd(2022, 2, 24)?),
        None,
    )?;
    super::kb::print_chronology(&chrono);
    println!(
        "\ndone in {:.1} s. Try: entente --data-dir {} search \"Putin Kim\"",
        started.elapsed().as_secs_f64(),
        data_dir.display()
    );
    Ok(if summary.failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
