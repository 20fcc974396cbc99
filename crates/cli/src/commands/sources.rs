use std::process::ExitCode;

use entente_app::{Access, SourceQuery};

use super::Ctx;
use crate::output;

#[derive(clap::Subcommand)]
pub enum Command {
    /// List sources in the order they were ingested.
    List {
        /// Only outlets whose name contains this (case-insensitive).
        #[arg(long)]
        outlet: Option<String>,
        /// Only this language (prefix match: `zh` gives both scripts).
        #[arg(long)]
        lang: Option<String>,
        #[arg(short = 'n', long)]
        limit: Option<usize>,
        #[arg(long, default_value_t = 0)]
        offset: usize,
        /// JSON Lines, one source per line.
        #[arg(long)]
        json: bool,
    },
    /// Show one source: metadata, where it was seen, near-duplicates and text.
    Show {
        /// Source id or a unique prefix of at least 4 characters.
        id: String,
        /// Show the text as decoded, before normalisation.
        #[arg(long)]
        original: bool,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ctx: &Ctx, c: Command) -> anyhow::Result<ExitCode> {
    let app = ctx.app(Access::ReadOnly)?;
    match c {
        Command::List {
            outlet,
            lang,
            limit,
            offset,
            json,
        } => {
            let rows = app.sources(&SourceQuery {
                outlet,
                lang,
                limit,
                offset,
                after: None,
            })?;
            if json {
                output::json_lines(&rows)?;
            } else {
                let mut t = output::table(&[
                    "id",
                    "date",
                    "outlet",
                    "lang",
                    "title",
                    "chars",
                    "near-dup of",
                ]);
                for r in &rows {
                    t.add_row(vec![
                        r.id.short(),
                        r.published.clone().unwrap_or_default(),
                        output::clip(r.outlet.as_deref().unwrap_or(""), 24),
                        r.lang.clone(),
                        output::clip(r.title.as_deref().unwrap_or("(untitled)"), 70),
                        r.chars.to_string(),
                        r.near_duplicate_of.map(|i| i.short()).unwrap_or_default(),
                    ]);
                }
                outln!("{t}");
                if !ctx.quiet {
                    outln!("{} sources", rows.len());
                }
            }
        }
        Command::Show { id, original, json } => {
            let shown = app.source(&id)?;
            let src = &shown.source;
            if json {
                let mut v = serde_json::to_value(&shown)?;
                if let Some(o) = v.as_object_mut() {
                    o.remove("minhash");
                }
                outln!("{v}");
            } else {
                outln!("id:         {}", src.id);
                outln!(
                    "title:      {}",
                    src.title.as_deref().unwrap_or("(untitled)")
                );
                outln!("outlet:     {}", src.outlet.as_deref().unwrap_or("-"));
                outln!(
                    "published:  {}",
                    src.published
                        .map(|p| p.to_string())
                        .unwrap_or_else(|| "-".into())
                );
                outln!("url:        {}", src.url.as_deref().unwrap_or("-"));
                let spans: Vec<String> = src
                    .lang_spans
                    .iter()
                    .map(|s| format!("{}@{}..{}", s.lang, s.start, s.end))
                    .collect();
                if spans.is_empty() {
                    outln!("language:   {}", src.lang);
                } else {
                    outln!(
                        "language:   {} (paragraphs: {})",
                        src.lang,
                        spans.join(", ")
                    );
                }
                outln!("format:     {} ({})", src.format, src.encoding);
                outln!(
                    "ingested:   {}",
                    src.ingested_at.format("%Y-%m-%d %H:%M:%S UTC")
                );
                for o in &shown.origins {
                    outln!("seen at:    {o}");
                }
                if let Some(of) = src.near_duplicate_of {
                    outln!("near-duplicate of: {of}");
                }
                for d in &shown.near_duplicates {
                    if Some(d.id) != src.near_duplicate_of {
                        outln!(
                            "near-duplicate:    {} {}",
                            d.id,
                            d.title.as_deref().unwrap_or("")
                        );
                    }
                }
                outln!();
                outln!(
                    "{}",
                    if original {
                        &src.original_text
                    } else {
                        &src.text
                    }
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
