use std::process::ExitCode;

use entente_app::{Access, SearchRequest};
use entente_core::DateValue;

use super::Ctx;
use crate::output;

#[derive(clap::Args)]
pub struct Args {
    /// Words, "exact phrases", AND / OR / NOT, -word, (groups), title:word.
    #[arg(required = true, num_args = 1..)]
    query: Vec<String>,
    /// Only these languages (ja, ko, zh for both scripts, zh-Hans, zh-Hant, ru, en); repeatable.
    #[arg(long)]
    lang: Vec<String>,
    /// Only these outlets (e.g. KCNA, "Rodong Sinmun"); repeatable.
    #[arg(long)]
    outlet: Vec<String>,
    /// Published on or after (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long)]
    from: Option<DateValue>,
    /// Published on or before (YYYY, YYYY-MM or YYYY-MM-DD; a month or year includes all its days).
    #[arg(long)]
    to: Option<DateValue>,
    /// Order of results.
    #[arg(long, value_enum, default_value = "relevance")]
    sort: Sort,
    /// Number of results.
    #[arg(short = 'n', long, default_value_t = 10)]
    limit: usize,
    /// Skip this many results (paging).
    #[arg(long, default_value_t = 0)]
    offset: usize,
    /// JSON Lines: source_id, title, outlet, lang, published, url, score, snippet.
    #[arg(long)]
    json: bool,
}

#[derive(clap::ValueEnum, Clone, Copy)]
enum Sort {
    Relevance,
    /// Newest first.
    Date,
    /// Oldest first.
    DateAsc,
}

pub fn run(ctx: &Ctx, a: Args) -> anyhow::Result<ExitCode> {
    let app = ctx.app(Access::ReadOnly)?;
    let page = app.search(&SearchRequest {
        query: a.query.join(" "),
        langs: a.lang,
        outlets: a.outlet,
        from: a.from,
        to: a.to,
        sort: match a.sort {
            Sort::Relevance => entente_app::Sort::Relevance,
            Sort::Date => entente_app::Sort::Date,
            Sort::DateAsc => entente_app::Sort::DateAsc,
        },
        limit: a.limit,
        offset: a.offset,
        // People read the total; programs reading JSON Lines page instead.
        count: !a.json,
    })?;
    let lag = page.not_indexed;
    if lag > 0 && !ctx.quiet {
        errln!(
            "note: {lag} stored sources are not in the search index yet (an ingest is running or was interrupted); `entente doctor` repairs this"
        );
    }
    let (results, total) = (page.results, page.total);
    if a.json {
        output::json_lines(&results)?;
        return Ok(ExitCode::SUCCESS);
    }
    if results.is_empty() {
        if !ctx.quiet {
            outln!("no matches");
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut t = output::table(&["id", "date", "outlet", "lang", "title / snippet", "score"]);
    for r in &results {
        t.add_row(vec![
            r.source_id.short(),
            r.published.clone().unwrap_or_default(),
            output::clip(r.outlet.as_deref().unwrap_or(""), 24),
            r.lang.clone(),
            format!(
                "{}\n{}",
                output::clip(r.title.as_deref().unwrap_or("(untitled)"), 90),
                output::terminal_snippet(&r.snippet)
            ),
            format!("{:.2}", r.score),
        ]);
    }
    outln!("{t}");
    if !ctx.quiet {
        outln!(
            "{} of {} matches (from {})",
            results.len(),
            total.unwrap_or(results.len()),
            a.offset + 1
        );
    }
    Ok(ExitCode::SUCCESS)
}
