//! `entente brief SPEC.toml` (the analyst's report) and `entente graph` (the relationship
//! map for Gephi and Cytoscape). The application layer resolves the blocks; this module reads
//! the spec file and writes the rendered files.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use entente_app::{BriefSpec, Document, GraphQuery};
use entente_brief::{render_html, render_markdown};
use entente_core::DateValue;

use super::Ctx;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Html,
    Md,
    Pdf,
}

#[derive(clap::Args)]
pub struct BriefArgs {
    /// The briefing spec (TOML, or JSON when the name ends `.json`): title, period, label
    /// language and blocks.
    spec: PathBuf,
    /// Output file (`.html`, `.md` with an `svgs/` folder beside it, or `.pdf`).
    #[arg(short, long)]
    out: PathBuf,
    #[arg(long, value_enum, default_value = "html")]
    format: Format,
}

/// Builds the document of a spec file from the data directory.
pub fn build(ctx: &Ctx, spec_path: &Path) -> anyhow::Result<Document> {
    let spec = BriefSpec::from_file(spec_path)?;
    let generated_from = spec_path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| spec_path.display().to_string());
    let app = ctx.reader()?;
    Ok(app.briefing(&spec, &generated_from).map_err(|e| {
        // Errors name the spec by the path the user gave.
        entente_app::AppError::new(
            e.kind,
            e.message.replacen(
                &format!("{generated_from}: "),
                &format!("{}: ", spec_path.display()),
                1,
            ),
        )
    })?)
}

/// Writes the document in a format; returns the files written.
pub fn write(doc: &Document, out: &Path, format: Format) -> anyhow::Result<Vec<PathBuf>> {
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let write = |p: &Path, text: &str| {
        // Write beside, then rename: a failed run never leaves half a briefing.
        let tmp = p.with_extension("partial");
        std::fs::write(&tmp, text).with_context(|| format!("writing {}", tmp.display()))?;
        std::fs::rename(&tmp, p).with_context(|| format!("writing {}", p.display()))
    };
    match format {
        Format::Html => {
            write(out, &render_html(doc))?;
            Ok(vec![out.to_path_buf()])
        }
        Format::Md => {
            let stem = out
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "briefing".into());
            let svg_dir_name = format!("{stem}-svgs");
            let (md, svgs) = render_markdown(doc, &svg_dir_name);
            let svg_dir = out.with_file_name(&svg_dir_name);
            std::fs::create_dir_all(&svg_dir)
                .with_context(|| format!("creating {}", svg_dir.display()))?;
            let mut files = vec![out.to_path_buf()];
            for (name, svg) in svgs {
                let p = svg_dir.join(name);
                write(&p, &svg)?;
                files.push(p);
            }
            write(out, &md)?;
            Ok(files)
        }
        Format::Pdf => {
            let html = out.with_extension("html");
            write(&html, &render_html(doc))?;
            entente_brief::print_pdf(&html, out)?;
            Ok(vec![html, out.to_path_buf()])
        }
    }
}

pub fn brief(ctx: &Ctx, a: BriefArgs) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let doc = build(ctx, &a.spec)?;
    let files = write(&doc, &a.out, a.format)?;
    if !ctx.quiet {
        for f in &files {
            outln!("wrote {}", f.display());
        }
        errln!(
            "{} sections, {} sources cited, in {:.2} s",
            doc.sections.len(),
            doc.footnotes.len(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    Graphml,
    Gexf,
    Json,
}

#[derive(clap::Args)]
pub struct GraphArgs {
    /// States to include (ISO codes); their leaders are added.
    #[arg(long, value_delimiter = ',', default_value = "CN,RU,KP")]
    actors: Vec<String>,
    #[arg(long)]
    from: Option<DateValue>,
    #[arg(long)]
    to: Option<DateValue>,
    #[arg(long, value_enum, default_value = "graphml")]
    format: GraphFormat,
    /// Output file (default: standard output).
    #[arg(short, long)]
    out: Option<PathBuf>,
}

pub fn graph(ctx: &Ctx, a: GraphArgs) -> anyhow::Result<ExitCode> {
    let g = ctx.reader()?.relationship_graph(&GraphQuery {
        actors: a.actors,
        from: a.from,
        to: a.to,
    })?;
    let text = match a.format {
        GraphFormat::Graphml => g.to_graphml(),
        GraphFormat::Gexf => g.to_gexf(),
        GraphFormat::Json => g.to_json(),
    };
    match a.out {
        Some(p) => {
            std::fs::write(&p, text).with_context(|| format!("writing {}", p.display()))?;
            if !ctx.quiet {
                errln!(
                    "wrote {} ({} nodes, {} edges)",
                    p.display(),
                    g.unique_nodes().len(),
                    g.valid_edges().len()
                );
            }
        }
        None => out!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}
