use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use entente_core::DateValue;

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

/// The article inputs of the demo: the sample articles at the top of `examples/` and the
/// demonstration corpus under `examples/demo/` (its `corpus/` and `compare/` folders).
fn article_inputs(examples: &Path) -> anyhow::Result<Vec<String>> {
    let mut top: Vec<PathBuf> = std::fs::read_dir(examples)
        .with_context(|| format!("reading {}", examples.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    top.sort();
    for sub in ["demo/corpus", "demo/compare"] {
        let d = examples.join(sub);
        if d.is_dir() {
            top.push(d);
        }
    }
    Ok(top.iter().map(|p| p.display().to_string()).collect())
}

/// Imports the demo customs files and the bundled HS labels into the trade store.
fn import_trade(app: &entente_app::App, examples: &Path) -> anyhow::Result<(usize, usize)> {
    let dir = examples.join("demo/trade");
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().is_some_and(|x| x == "csv")
                    && p.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with("cn-"))
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    if files.is_empty() {
        return Ok((0, 0));
    }
    let n = files.len();
    let summary = app.trade_import(
        &entente_app::TradeImport {
            files,
            format: entente_trade::Format::Csv,
            reporter: None,
            flow: None,
            cumulative: false,
        },
        &mut |_| {},
    )?;
    if let Some(f) = summary.failed.first() {
        anyhow::bail!("importing {}: {}", f.file, f.error);
    }
    let labels = examples.join("../data/hs/hs2022-headings.csv");
    if labels.is_file() {
        app.hs_import(&[labels], &mut |_, _| {})?;
    }
    Ok((n, summary.reports.iter().map(|r| r.rows).sum()))
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
    let app = demo_ctx.app(entente_app::Access::ReadWrite)?;
    outln!("entente demo: data directory {}", data_dir.display());
    let summary = super::ingest::ingest_with_progress(
        &app,
        &entente_app::IngestRequest {
            inputs: article_inputs(&examples)?,
            ..Default::default()
        },
        ctx.quiet,
    )?;
    outln!(
        "ingested {} articles from {}: {} new, {} unchanged, {} near-duplicate, {} failed",
        summary.new + summary.unchanged + summary.near_duplicate + summary.failed,
        examples.display(),
        summary.new,
        summary.unchanged,
        summary.near_duplicate,
        summary.failed
    );
    for f in summary.failures() {
        outln!("  failed: {}", f.error.as_deref().unwrap_or(""));
    }
    let (files, rows) = import_trade(&app, &examples)?;
    outln!(
        "imported {rows} customs rows from {files} files of {}/demo/trade",
        examples.display()
    );
    for (query, langs) in QUERIES {
        let page = app.search(&entente_app::SearchRequest {
            query: query.to_string(),
            langs: langs.iter().map(|s| s.to_string()).collect(),
            limit: 3,
            count: true,
            ..Default::default()
        })?;
        let (results, total) = (page.results, page.total);
        let filter = if langs.is_empty() {
            String::new()
        } else {
            format!(" --lang {}", langs.join(" --lang "))
        };
        outln!(
            "\n$ entente search {query}{filter}   ({} matches)",
            total.unwrap_or_default()
        );
        for r in results {
            outln!(
                "  {} {} [{}] {}\n      {}",
                r.source_id.short(),
                r.published.as_deref().unwrap_or("----------"),
                r.lang,
                output::clip(r.title.as_deref().unwrap_or("(untitled)"), 70),
                output::clip(&output::terminal_snippet(&r.snippet), 110)
            );
        }
    }
    let extracted = app.extract(&entente_app::ExtractRequest::default(), &mut |_, _| {})?;
    if let Some(f) = extracted.failed.first() {
        anyhow::bail!(
            "extraction failed on {} demo sources, first {}: {}",
            extracted.failed.len(),
            f.id,
            f.reason
        );
    }
    outln!(
        "\nextracted {} events and {} statements from {} sources",
        extracted.new_events,
        extracted.statements,
        extracted.sources
    );
    outln!("\n$ entente chronology --actors \"Xi Jinping,Vladimir Putin\" --from 2022-01-01");
    // A reader beside the writer: the application layer, read-only, on the same directory.
    let reader = demo_ctx.app(entente_app::Access::ReadOnly)?;
    let chrono = reader.chronology(&entente_app::ChronologyQuery {
        actors: vec!["Xi Jinping".to_string(), "Vladimir Putin".to_string()],
        from: Some(DateValue::ymd(2022, 1, 1)?),
        ..Default::default()
    })?;
    super::kb::print_chronology(&chrono);

    let xi_kim = reader.chronology(&entente_app::ChronologyQuery {
        actors: vec!["Xi Jinping".to_string(), "Kim Jong Un".to_string()],
        from: Some(DateValue::ymd(2025, 9, 4)?),
        to: Some(DateValue::ymd(2025, 9, 4)?),
        types: vec![entente_core::EventType::Meeting],
    })?;
    if let Some(ev) = xi_kim.iter().max_by_key(|e| e.citations.len()) {
        outln!(
            "\n$ entente compare --event {} --outlet KCNA --outlet Xinhua   (the Xi–Kim talks of 2025-09-04)",
            ev.id
        );
        let cmp = reader.compare(&entente_app::CompareRequest {
            event: Some(ev.id.clone()),
            outlets: vec!["KCNA".to_string(), "Xinhua".to_string()],
            ..Default::default()
        })?;
        super::compare::print_comparison(&cmp, reader.lexicon()?);
    }
    outln!("\n$ entente trend --ladder meeting-verbs --actors RU,KP");
    let ladder = reader.ladder_trend(&entente_app::LadderQuery {
        ladder: "meeting-verbs".into(),
        states: vec!["RU".into(), "KP".into()],
        by: entente_app::Bucket::Year,
        from: Some(DateValue::ymd(2022, 1, 1)?),
        to: None,
    })?;
    for r in &ladder.rows {
        outln!(
            "  {}  {:>2} exchanges  strongest wording: {:<14} mean rank {}",
            r.period,
            r.events,
            r.top.as_deref().unwrap_or("—"),
            r.mean_rank
                .map(|m| format!("{m:.2}"))
                .unwrap_or_else(|| "—".into())
        );
    }
    drop(reader);
    drop(app);

    let spec = examples.join("demo/briefing.toml");
    let briefing_started = std::time::Instant::now();
    let doc = super::brief::build(&demo_ctx, &spec)?;
    let html = a.dir.join("briefing.html");
    super::brief::write(&doc, &html, super::brief::Format::Html)?;
    outln!(
        "\nbriefing: {} ({} sections, {} sources cited, rendered in {:.2} s)",
        html.display(),
        doc.sections.len(),
        doc.footnotes.len(),
        briefing_started.elapsed().as_secs_f64()
    );
    if entente_brief::Chromium::locate().is_ok() {
        let pdf = a.dir.join("briefing.pdf");
        match entente_brief::print_pdf(&html, &pdf) {
            Ok(()) => outln!("briefing: {} (printed by Chromium)", pdf.display()),
            Err(e) => outln!("(no PDF: {e})"),
        }
    } else {
        outln!(
            "(HTML only, no PDF: Chromium is not installed. For the PDF: apt-get install chromium \
             fonts-noto-cjk, then run the demo again, or: entente --data-dir {} brief {} --format pdf \
             -o {})",
            data_dir.display(),
            spec.display(),
            a.dir.join("briefing.pdf").display()
        );
    }
    outln!(
        "\ndone in {:.1} s. Open {} in a browser. Try: entente --data-dir {} search \"Putin Kim\"",
        started.elapsed().as_secs_f64(),
        html.display(),
        data_dir.display()
    );
    Ok(if summary.failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
